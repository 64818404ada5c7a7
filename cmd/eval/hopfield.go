package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/kinds"
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

// HopfieldReport is eval's report on a Hopfield memory.
type HopfieldReport struct {
	Checkpoint    string   `json:"checkpoint"`
	Kind          string   `json:"kind"`
	Rule          string   `json:"rule"`
	Patterns      int      `json:"patterns"`
	Units         int      `json:"units"`
	TestImages    int      `json:"test_images"`
	CleanAccuracy float64  `json:"clean_accuracy"`
	Recall        []Recall `json:"recall"`
	Anneal        string   `json:"anneal"`
	Picture       string   `json:"recall_png"`
	BLAS          string   `json:"blas,omitempty"`
	Seconds       float64  `json:"seconds"`
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

func evaluateHopfield(loaded *kinds.Loaded, data *mnist.Split, o options) (*HopfieldReport, error) {
	m := loaded.Model.(*hopfield.Memory)
	n := min(o.hopfieldImages, data.Test.Len())
	sched, err := hopfield.Geometric(o.annealT0, o.annealT1, o.annealSteps)
	if err != nil {
		return nil, fmt.Errorf("-anneal-t0, -anneal-t1, -anneal-steps: %w", err)
	}
	const sweepsPerT = 2
	rep := &HopfieldReport{
		Checkpoint: loaded.Dir, Kind: hopfield.Kind, Rule: loaded.Config.Rule,
		Patterns: m.Count(), Units: m.Net.N(), TestImages: n,
		Anneal: fmt.Sprintf("geometric %g → %g in %d temperatures, %d sweeps each, then T = 0", o.annealT0, o.annealT1, len(sched), sweepsPerT),
	}
	pix := data.Test.Images.Data()
	d := m.Net.N()
	image := func(i int) []float64 {
		x := make([]float64, d)
		for p := range x {
			x[p] = elem(pix, i*d+p)
		}
		return hopfield.Spins(x)
	}
	correct := 0
	for i := range n {
		if c, _ := m.Classify(image(i)); c == data.Test.Labels[i] {
			correct++
		}
	}
	rep.CleanAccuracy = float64(correct) / float64(n)

	const shown = 10
	var tiles [][]float64
	for i := range shown {
		tiles = append(tiles, unit(image(i)))
	}
	for ci, c := range corruptions() {
		var r Recall
		r.Corruption = c.name
		shownTiles := make([][]float64, 3*shown)
		// Per-image results, summed in image order afterwards so the report
		// does not depend on how images fell to goroutines.
		per := make([][5]float64, n)
		numeric.ParallelFor(n, func(i int) {
			rng := rand.New(rand.NewPCG(o.seed, uint64(ci)<<32|uint64(i)))
			label := data.Test.Labels[i]
			s := image(i)
			c.apply(s, data.Rows, data.Cols, rng)
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
	grid := make([][]float64, 0, len(tiles))
	for i := range shown {
		grid = append(grid, tiles[i])
		for b := range 2 {
			base := shown + b*3*shown
			grid = append(grid, tiles[base+3*i], tiles[base+3*i+1], tiles[base+3*i+2])
		}
	}
	var err2 error
	rep.Picture, err2 = writePNG(filepath.Join(o.out, "recall.png"), grid, data.Rows, data.Cols, picture.Unit, 7)
	return rep, err2
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

func printHopfield(w io.Writer, r *HopfieldReport) {
	fmt.Fprintf(w, "checkpoint   %s (Hopfield, %s rule, %d patterns of %d units)\n", r.Checkpoint, r.Rule, r.Patterns, r.Units)
	fmt.Fprintf(w, "test images  %d; nearest stored pattern of the clean image has the right class: %.3f\n", r.TestImages, r.CleanAccuracy)
	fmt.Fprintf(w, "annealing    %s\n\n", r.Anneal)
	fmt.Fprintf(w, "%-22s %12s %12s %12s %12s %12s\n", "corruption", "acc. input", "acc. T=0", "acc. anneal", "overlap T=0", "overlap ann.")
	for _, c := range r.Recall {
		fmt.Fprintf(w, "%-22s %12.3f %12.3f %12.3f %12.3f %12.3f\n", c.Corruption, c.AccuracyNoDynamics, c.AccuracyT0, c.AccuracyAnneal, c.OverlapT0, c.OverlapAnneal)
	}
	fmt.Fprintf(w, "\npicture      %s (each row: a test digit; flipped 20%% → T=0 → annealed; bottom half occluded → T=0 → annealed)\n", r.Picture)
}
