package evalcmd

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/optional"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/internal/progress"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// report reports on any model that supplies evaluate.Evaluable: eval has
// no code of its own for a kind of model. Its pictures go to out; once
// ctx is done, it stops (AIS, RAISE and the classifiers between steps, the
// rest between stages) and returns ctx's error.
func report(ctx context.Context, loaded *kinds.Loaded, split *data.Split, o options, out *pending, stderr io.Writer) (*evaluate.Report, error) {
	start := time.Now()
	m, ok := loaded.Model.(evaluate.Evaluable)
	if !ok {
		return nil, fmt.Errorf("%s: model kind %q does not supply the evaluation contract (evaluate.Evaluable)", loaded.Dir, loaded.Config.Model)
	}
	runDir := runDirOf(loaded)
	cfg := loaded.Config
	var err error
	if got := split.Test.X.Shape()[1]; got != m.Visible() {
		return nil, fmt.Errorf("%s: test rows have %d values but the model has %d visible units", testSetName(cfg, o), got, m.Visible())
	}
	scores := m.Evaluate(split.Test.X, evaluate.ScoreSource(o.seed))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &evaluate.Report{
		Version: version.String(), Checkpoint: loaded.Dir, Kind: cfg.Model, Epoch: loaded.Progress.Epoch, Step: loaded.Progress.Step,
		TestImages: split.Test.Len(), TestReconError: scores.ReconError,
		TestFreeEnergy: scores.FreeEnergy, SampleSteps: o.gibbsSteps,
		TestPLL: optional.Float(scores.PseudoLogLikelihood),
	}
	var bars io.Writer = stderr
	if o.quiet {
		bars = io.Discard
	}
	// The classifiers' images are made ready before AIS, so that what they
	// refuse (a model kind, -classify-holdout) fails at once rather than
	// after minutes of annealing.
	var classifier evaluate.Classifiable
	var images *data.Split
	if o.linearEpochs > 0 || o.finetuneEpochs > 0 {
		var ok bool
		if classifier, ok = loaded.Model.(evaluate.Classifiable); !ok {
			return nil, fmt.Errorf("%s: model kind %q does not become a classifier (evaluate.Classifiable)", loaded.Dir, cfg.Model)
		}
		if split.Train.Labels == nil {
			return nil, fmt.Errorf("-linear-epochs and -finetune-epochs: the classifiers need labels, and %s has none", dataName(cfg.Data))
		}
		images = split
		if o.classifyInput == "grey" && cfg.Binarize != string(data.NoBinarization) {
			grey := cfg
			grey.Binarize = string(data.NoBinarization)
			if images, err = grey.LoadData(o.data); err != nil {
				return nil, err
			}
		}
		if images, err = classifierSplit(images, o.holdout); err != nil {
			return nil, err
		}
	}
	if o.ais {
		if rep.Likelihood, err = evaluate.LogLikelihood(m, split.Train.X, split.Test.X, evaluate.AISOptions{Steps: o.aisSteps, Runs: o.aisRuns, Seed: o.seed, Raise: o.raiseImages, Context: ctx}, bars); err != nil {
			return nil, err
		}
	}
	if classifier != nil {
		if rep.Classification, err = evaluate.Classify(classifier, images.Part(data.Training), images.Part(data.Validation), images.Part(data.Test), images.Classes(), evaluate.ClassifierOptions{
			LinearEpochs: o.linearEpochs, FinetuneEpochs: o.finetuneEpochs, FinetuneLR: o.finetuneLR,
			InputDropout: o.dropIn, HiddenDropout: o.dropH, Seed: o.seed, Context: ctx}, bars); err != nil {
			return nil, err
		}
		rep.Classification.Input = o.classifyInput
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, cols := split.Rows, split.Cols
	if filters, scale, ok := evaluate.FilterPicture(m, 100); ok {
		if rep.Filters, err = out.addPNG(filepath.Join(o.out, "filters.png"), filters, rows, cols, scale, 10); err != nil {
			return nil, err
		}
	}
	bar := progress.Bar(bars, o.gibbsSteps, "sampling")
	samples, ok, err := evaluate.SamplePicture(m, 100, o.gibbsSteps, o.seed, func(done int) { _ = bar.Set(done) })
	_ = bar.Finish()
	if err != nil {
		return nil, err
	}
	if ok {
		if rep.Samples, err = out.addPNG(filepath.Join(o.out, "samples.png"), samples, rows, cols, picture.Unit, 10); err != nil {
			return nil, err
		}
	}
	if ms, err := train.ReadMetrics(runDir); err == nil && len(ms) > 0 {
		rep.Curves = filepath.Join(o.out, "curves.svg")
		out.add(rep.Curves, curves(ms))
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}
