package train

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

func (r *runner) loop(ctx context.Context) (*Result, error) {
	nb := r.batches.Len()
	epochs := r.plan.epochs()
	res := &Result{}
	var spent time.Duration
	epochsRun := 0
	for epoch := r.prog.Epoch; epoch < epochs; epoch++ {
		if s, ok := r.learner.(Staged); ok {
			s.BeginEpoch(epoch)
		}
		r.batches.Shuffle(r.cfg.Seed, epoch)
		start := time.Now()
		desc := fmt.Sprintf("epoch %d/%d", epoch+1, epochs)
		stage, _ := r.plan.stage(epoch)
		if stage.Name != "" {
			desc += ", " + stage.Name
		}
		if epochsRun > 0 {
			left := spent / time.Duration(epochsRun) * time.Duration(epochs-epoch)
			desc += fmt.Sprintf(" (last: %s; run ends in %s)", scoreLine(res.Metrics, true), left.Round(time.Second))
		}
		bar := r.newBar(nb, desc)
		_ = bar.Set(r.prog.Batch)
		lr, mom := 0.0, r.plan.momentum(epoch)
		params := r.learner.Params() // once an epoch, so that the check after each step allocates nothing
		for b := r.prog.Batch; b < nb; b++ {
			lr = r.plan.rate(r.prog.Step, nb, epoch)
			x := r.batches.Batch(b)
			if r.redraw != nil {
				if err := r.redraw.Draw(r.drawn, x, r.cfg.Seed, epoch, b); err != nil {
					_ = bar.Exit()
					return nil, err
				}
				x = r.drawn
			}
			if err := r.learner.Step(x, lr, mom, r.rng); err != nil {
				_ = bar.Exit()
				return nil, fmt.Errorf("train: epoch %d, batch %d: %w", epoch+1, b+1, err)
			}
			r.prog.Step++
			r.prog.Batch = b + 1
			if err := checkFinite(params); err != nil {
				_ = bar.Exit()
				err = fmt.Errorf("train: diverged at epoch %d, batch %d (step %d): %v; the last good checkpoint is %s; try a smaller -lr",
					epoch+1, b+1, r.prog.Step, err, orNone(r.lastCkpt))
				// The run directory says so too, for whoever looks at it later
				// (boltzmann serve); a failure to write it changes nothing.
				_ = atomicfile.WriteFile(filepath.Join(r.opts.Dir, DivergedFile), []byte(err.Error()+"\n"))
				return nil, err
			}
			_ = bar.Add(1)
			if r.opts.AfterStep != nil {
				r.opts.AfterStep(r.prog)
			}
			if ctx.Err() != nil && r.prog.Batch < nb {
				_ = bar.Exit()
				if err := r.save(); err != nil {
					return nil, err
				}
				res.Checkpoint, res.Progress = r.lastCkpt, r.prog
				return res, fmt.Errorf("%w (at epoch %d, batch %d)", ErrInterrupted, epoch+1, r.prog.Batch)
			}
		}
		_ = bar.Finish()
		trainTime := time.Since(start)
		r.prog.Epoch, r.prog.Batch = epoch+1, 0
		m := r.evaluate(epoch, lr, mom)
		if st, ok := r.learner.(SamplerStats); ok {
			m.SwapAccept = st.SamplerStats()
		}
		m.TrainSeconds = trainTime.Seconds()
		m.ExamplesPerSec = float64(nb*r.cfg.Batch) / trainTime.Seconds()
		m.Seconds = time.Since(start).Seconds()
		spent += time.Since(start)
		epochsRun++
		if err := appendMetrics(r.opts.Dir, m); err != nil {
			return nil, err
		}
		res.Metrics = m
		r.logf("epoch %d/%d  lr %.4g  %s  (%.1fs)\n", m.Epoch, epochs, m.LR, scoreLine(m, false), m.Seconds)
		next, _ := r.plan.stage(epoch + 1)
		stageEnd := r.prog.Epoch < epochs && stage.Name != next.Name
		if r.prog.Epoch%r.cfg.CheckpointEvery == 0 || r.prog.Epoch == epochs || ctx.Err() != nil || stageEnd {
			if err := r.save(); err != nil {
				return nil, err
			}
		}
		if stageEnd {
			// The end of a stage (a DBM's pretraining of a layer) stays on
			// disk whatever keep says, as checkpoints/end-of-<stage>.
			name := "end-of-" + strings.ReplaceAll(strings.ReplaceAll(stage.Name, " ", "-"), "/", "-of-")
			if err := checkpoint.Pin(r.opts.Dir, filepath.Base(r.lastCkpt), name); err != nil {
				return nil, err
			}
		}
		if ctx.Err() != nil && r.prog.Epoch < epochs {
			res.Checkpoint, res.Progress = r.lastCkpt, r.prog
			return res, fmt.Errorf("%w (after epoch %d)", ErrInterrupted, r.prog.Epoch)
		}
	}
	res.Checkpoint, res.Progress = r.lastCkpt, r.prog
	return res, nil
}

func orNone(s string) string {
	if s == "" {
		return "none (no checkpoint was written yet)"
	}
	return s
}

func (r *runner) newBar(n int, desc string) *progressbar.ProgressBar {
	w := r.opts.Progress
	if w == nil {
		w = io.Discard
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(r.opts.Progress != nil),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
}

// evaluate scores the model on the validation set and on as many training
// examples, with a generator of its own so that evaluation draws nothing
// from the training stream.
func (r *runner) evaluate(epoch int, lr, mom float64) Metrics {
	rng := rand.New(rand.NewPCG(r.cfg.Seed^streamEvaluate, uint64(epoch)))
	v := NoScores()
	if r.valid != nil && r.valid.Shape()[0] > 0 {
		v = r.learner.Evaluate(r.valid, rng)
	}
	t := r.learner.Evaluate(r.trainEval, rng)
	return Metrics{
		Epoch: r.prog.Epoch, Step: r.prog.Step, LR: lr, Momentum: mom,
		ValidRecon: v.ReconError, ValidPLL: v.PseudoLogLikelihood, ValidFree: v.FreeEnergy,
		TrainRecon: t.ReconError, TrainPLL: t.PseudoLogLikelihood, TrainFree: t.FreeEnergy,
	}
}

func checkFinite(ts []checkpoint.Tensor) error {
	for _, t := range ts {
		if err := numeric.CheckFinite(t.Name, t.T); err != nil {
			return fmt.Errorf("parameter %v is not finite", err)
		}
	}
	return nil
}
