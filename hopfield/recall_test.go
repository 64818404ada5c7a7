package hopfield

import (
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"gorgonia.org/tensor"
)

// TestStudyRecallsStoredPatterns: two orthogonal 8×8 patterns stored by
// the pseudo-inverse rule; test images that are the patterns themselves
// classify right when clean, and T = 0 descent restores them from every
// corruption but the heaviest occlusion.
func TestStudyRecallsStoredPatterns(t *testing.T) {
	const rows, cols = 8, 8
	pats := [][]float64{make([]float64, 64), make([]float64, 64)}
	for i := range 64 {
		pats[0][i], pats[1][i] = -1, -1
		if i%2 == 0 {
			pats[0][i] = 1
		}
		if (i/8)%2 == 0 {
			pats[1][i] = 1
		}
	}
	m, err := NewMemory(PseudoInverse, pats, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	n := 40
	x := make([]float32, n*64)
	labels := make([]int, n)
	for r := range n {
		labels[r] = r % 2
		for i, s := range pats[r%2] {
			x[r*64+i] = float32((s + 1) / 2)
		}
	}
	test := data.Examples{X: tensor.New(tensor.WithShape(n, 64), tensor.WithBacking(x)), Labels: labels}
	st, err := m.Study(test, rows, cols, RecallOptions{Images: 30, T0: 0.2, T1: 0.01, Temperatures: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.TestImages != 30 || st.CleanAccuracy != 1 || len(st.Recall) != 5 || len(st.Tiles) != 70 {
		t.Fatalf("study %+v", st)
	}
	for _, r := range st.Recall[:4] {
		if r.AccuracyT0 < 1-1e-12 || r.OverlapT0 < 0.99 { // a mean of 30 ones, summed in floating point
			t.Errorf("%s: accuracy after T = 0 %g, overlap %g", r.Corruption, r.AccuracyT0, r.OverlapT0)
		}
	}
	if _, err := m.Study(data.Examples{X: test.X}, rows, cols, RecallOptions{Images: 1, T0: 0.2, T1: 0.01, Temperatures: 5}); err == nil {
		t.Error("unlabelled images accepted")
	}
	if _, err := m.Study(test, 4, 4, RecallOptions{Images: 1, T0: 0.2, T1: 0.01, Temperatures: 5}); err == nil {
		t.Error("a 4×4 picture for 64 units accepted")
	}
}
