package hopfield

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Recall is the outcome of one kind of corruption over the test images.
type Recall struct {
	Corruption string `json:"corruption"`
	// Accuracy is the fraction of images whose nearest stored pattern after
	// the dynamics has the right class; NoDynamics classifies the
	// corrupted input directly, for comparison.
	AccuracyNoDynamics float64 `json:"accuracy_no_dynamics"`
	AccuracyT0         float64 `json:"accuracy_t0"`
	AccuracyAnneal     float64 `json:"accuracy_anneal"`
	// Overlap is the mean overlap of the final state with the nearest
	// pattern of the right class.
	OverlapT0     float64 `json:"overlap_t0"`
	OverlapAnneal float64 `json:"overlap_anneal"`
}

// RecallStudy is the associative-memory study of a memory on labelled
// images: how often the nearest stored pattern has the right class, for
// the clean images and, for each corruption (pixels flipped, the bottom
// occluded), before any dynamics, after T = 0 descent and after simulated
// annealing then T = 0.
type RecallStudy struct {
	Patterns      int      `json:"patterns"`
	Units         int      `json:"units"`
	TestImages    int      `json:"test_images"`
	CleanAccuracy float64  `json:"clean_accuracy"`
	Recall        []Recall `json:"recall"`
	Anneal        string   `json:"anneal"`
	// Tiles are the picture's tiles in [0, 1], rows of 7: a test image,
	// then flipped 20% → T = 0 → annealed, then bottom half occluded →
	// T = 0 → annealed, for the first ten images.
	Tiles [][]float64 `json:"-"`
}

// RecallOptions set up [Memory.Study].
type RecallOptions struct {
	Images int // test images to corrupt and recall (at most the set's)
	// The annealing schedule: geometric from T0 to T1 in Temperatures
	// steps, two sweeps each, then T = 0.
	T0, T1       float64
	Temperatures int
	// Seed keys each image's corruption and dynamics.
	Seed uint64
}

type corruption struct {
	name  string
	apply func(s []float64, rows, cols int, rng *rand.Rand)
}

func corruptions() []corruption {
	flip := func(f float64) corruption {
		return corruption{fmt.Sprintf("flip %.0f%%", 100*f), func(s []float64, _, _ int, rng *rand.Rand) {
			for _, i := range rng.Perm(len(s))[:int(f*float64(len(s)))] {
				s[i] = -s[i]
			}
		}}
	}
	occlude := func(f float64) corruption {
		return corruption{fmt.Sprintf("occlude bottom %.0f%%", 100*f), func(s []float64, rows, cols int, _ *rand.Rand) {
			for r := rows - int(f*float64(rows)); r < rows; r++ {
				for c := range cols {
					s[r*cols+c] = -1
				}
			}
		}}
	}
	return []corruption{flip(0.1), flip(0.2), flip(0.3), occlude(0.25), occlude(0.5)}
}

// RecallStudier is a model evaluated by its recall study rather than by a
// density (which it lacks): a [Memory]. Eval reports on any model that
// supplies it this way.
type RecallStudier interface {
	Study(test data.Examples, rows, cols int, o RecallOptions) (*RecallStudy, error)
}

var _ RecallStudier = (*Memory)(nil)

// Study corrupts the first o.Images test images (rows×cols pictures with
// values in [0, 1], thresholded to ±1) and lets the network relax them.
// Each image's draws come from its own stream, so the study does not
// depend on how images fall to goroutines.
func (m *Memory) Study(test data.Examples, rows, cols int, o RecallOptions) (*RecallStudy, error) {
	if test.Labels == nil {
		return nil, errors.New("hopfield: the recall study needs labelled test images")
	}
	if d := m.Net.N(); rows*cols != d || test.X == nil || test.X.Shape()[1] != d {
		return nil, fmt.Errorf("hopfield: test images of %d×%d pixels for a network of %d units", rows, cols, d)
	}
	n := min(o.Images, test.Len())
	sched, err := Geometric(o.T0, o.T1, o.Temperatures)
	if err != nil {
		return nil, err
	}
	const sweepsPerT = 2
	rep := &RecallStudy{
		Patterns: m.Count(), Units: m.Net.N(), TestImages: n,
		Anneal: fmt.Sprintf("geometric %g → %g in %d temperatures, %d sweeps each, then T = 0", o.T0, o.T1, len(sched), sweepsPerT),
	}
	d := m.Net.N()
	pix := numeric.ToFloat64(data.RowRange(test.X, 0, n).Data())
	image := func(i int) []float64 { return Spins(pix[i*d : (i+1)*d]) }
	correct := 0
	for i := range n {
		if c, _ := m.Classify(image(i)); c == test.Labels[i] {
			correct++
		}
	}
	rep.CleanAccuracy = float64(correct) / float64(n)

	const shown = 10
	var tiles [][]float64
	for i := range min(shown, n) {
		tiles = append(tiles, unit(image(i)))
	}
	for ci, c := range corruptions() {
		var r Recall
		r.Corruption = c.name
		shownTiles := make([][]float64, 3*min(shown, n))
		// Per-image results, summed in image order afterwards so the report
		// does not depend on how images fell to goroutines.
		per := make([][5]float64, n)
		numeric.ParallelFor(n, func(i int) {
			rng := rand.New(rand.NewPCG(o.Seed, uint64(ci)<<32|uint64(i)))
			label := test.Labels[i]
			s := image(i)
			c.apply(s, rows, cols, rng)
			c0, _ := m.Classify(s)
			t0, an := append([]float64(nil), s...), append([]float64(nil), s...)
			m.Net.Descend(t0, 100, rng)
			m.Net.Anneal(an, sched, sweepsPerT, 100, rng)
			ct0, _ := m.Classify(t0)
			can, _ := m.Classify(an)
			per[i] = [5]float64{b2f(c0 == label), b2f(ct0 == label), b2f(can == label), m.ClassOverlap(t0, label), m.ClassOverlap(an, label)}
			if i < shown {
				shownTiles[3*i], shownTiles[3*i+1], shownTiles[3*i+2] = unit(s), unit(t0), unit(an)
			}
		})
		for _, p := range per {
			r.AccuracyNoDynamics += p[0] / float64(n)
			r.AccuracyT0 += p[1] / float64(n)
			r.AccuracyAnneal += p[2] / float64(n)
			r.OverlapT0 += p[3] / float64(n)
			r.OverlapAnneal += p[4] / float64(n)
		}
		rep.Recall = append(rep.Recall, r)
		if ci == 1 || ci == 4 { // flip 20% and occlude 50% go into the picture
			tiles = append(tiles, shownTiles...)
		}
	}
	// Rows: an original, then (corrupted, T = 0, annealed) for flips and
	// for occlusion. The tiles were gathered column-block by column-block.
	k := min(shown, n)
	for i := range k {
		rep.Tiles = append(rep.Tiles, tiles[i])
		for b := range 2 {
			base := k + b*3*k
			rep.Tiles = append(rep.Tiles, tiles[base+3*i], tiles[base+3*i+1], tiles[base+3*i+2])
		}
	}
	return rep, nil
}

func unit(s []float64) []float64 {
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = (x + 1) / 2
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
