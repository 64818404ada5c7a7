package evalcmd

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// hopfieldEval is eval on a model that is studied by its recall
// (hopfield.RecallStudier: a Hopfield memory), which has no density for
// evaluate's report. ok is false, and nothing done, for any other model.
func hopfieldEval(ctx context.Context, loaded *kinds.Loaded, data *data.Split, o options, blasDesc string, stdout, stderr io.Writer) (code int, ok bool) {
	m, ok := loaded.Model.(hopfield.RecallStudier)
	if !ok {
		return 0, false
	}
	start := time.Now()
	var out pending
	rep, err := evaluateHopfield(m, loaded, data, o, &out)
	if err != nil {
		return fail(ctx, o, err, stderr), true
	}
	rep.BLAS, rep.Seconds = blasDesc, time.Since(start).Seconds()
	rep.Version = version.String()
	return finish(ctx, o, rep, &out, func() { printHopfield(stdout, rep) }, stdout, stderr), true
}

// HopfieldReport is eval's report on a Hopfield memory: the recall study
// (hopfield.RecallStudy) and where its picture went.
type HopfieldReport struct {
	Version    string `json:"version"`
	Checkpoint string `json:"checkpoint"`
	Kind       string `json:"kind"`
	Rule       string `json:"rule"`
	*hopfield.RecallStudy
	Picture string  `json:"recall_png"`
	BLAS    string  `json:"blas,omitempty"`
	Seconds float64 `json:"seconds"`
}

func evaluateHopfield(m hopfield.RecallStudier, loaded *kinds.Loaded, split *data.Split, o options, out *pending) (*HopfieldReport, error) {
	study, err := m.Study(split.Part(data.Test), split.Rows, split.Cols, hopfield.RecallOptions{
		Images: o.hopfieldImages, T0: o.annealT0, T1: o.annealT1, Temperatures: o.annealSteps, Seed: o.seed})
	if err != nil {
		return nil, err
	}
	rep := &HopfieldReport{Checkpoint: loaded.Dir, Kind: loaded.Config.Model, Rule: kinds.Own[kinds.HopfieldOptions](loaded.Config).Rule, RecallStudy: study}
	rep.Picture, err = out.addPNG(filepath.Join(o.out, "recall.png"), study.Tiles, split.Rows, split.Cols, picture.Unit, 7)
	return rep, err
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
