package bm

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/ais"
	"gorgonia.org/tensor"
)

// TestRAISEBoundsTheExactLikelihood: on machines small enough to
// enumerate, with and without lateral visible couplings, RAISE's mean over
// test rows lies below the exact mean log p(v) (it is a stochastic lower
// bound) and within 0.1 nats of it on a 2,000-step schedule; a machine
// with coupled hidden units is refused.
func TestRAISEBoundsTheExactLikelihood(t *testing.T) {
	for _, conn := range []string{Restricted, SemiRBM} {
		if testing.Short() && conn == Restricted {
			continue // one case is enough under -race
		}
		m := machine(t, 7, 4, conn, 0.9, 5)
		tr := &Trainer{Learner: &Learner{M: m}}
		rng := rand.New(rand.NewPCG(2, 2))
		// Test rows drawn from the machine itself, each row repeated so
		// that the chains' noise averages out; base rates from other draws.
		p, err := m.Probabilities(1)
		if err != nil {
			t.Fatal(err)
		}
		draw := func(n int) ([]float64, [][]float64) {
			flat := make([]float64, 0, n*m.V)
			var rows [][]float64
			for range n {
				u, k := rng.Float64(), 0
				for ; k < len(p)-1 && u >= p[k]; k++ {
					u -= p[k]
				}
				row := make([]float64, m.V)
				for i := range row {
					row[i] = float64(k >> i & 1)
				}
				for range 8 {
					flat = append(flat, row...)
					rows = append(rows, row)
				}
			}
			return flat, rows
		}
		trainFlat, _ := draw(50)
		testFlat, testRows := draw(25)
		train := tensor.New(tensor.WithShape(len(trainFlat)/m.V, m.V), tensor.WithBacking(trainFlat))
		test := tensor.New(tensor.WithShape(len(testRows), m.V), tensor.WithBacking(testFlat))
		exact, err := m.LogLikelihood(testRows)
		if err != nil {
			t.Fatal(err)
		}
		betas, _ := ais.ScaledSchedule(2000)
		per, err := tr.ReverseLogLikelihood(train, test, ais.Config{Betas: betas, Runs: 100, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		raise := ais.Mean(per)
		if raise > exact+0.01 || raise < exact-0.1 {
			t.Errorf("%s: RAISE mean %.4f, exact mean log p(v) %.4f", conn, raise, exact)
		}
		t.Logf("%s: RAISE %.4f, exact %.4f", conn, raise, exact)
	}
	m := machine(t, 5, 3, HiddenToo, 0.5, 1)
	tr := &Trainer{Learner: &Learner{M: m}}
	if tr.ReverseApplies() {
		t.Error("RAISE claims to apply to coupled hidden units")
	}
	betas, _ := ais.ScaledSchedule(10)
	x := tensor.New(tensor.WithShape(1, 5), tensor.WithBacking(make([]float64, 5)))
	if _, err := tr.ReverseLogLikelihood(nil, x, ais.Config{Betas: betas, Runs: 1}); !errors.Is(err, ErrHiddenCoupled) {
		t.Errorf("RAISE on coupled hidden units: %v", err)
	}
}
