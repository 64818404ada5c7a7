package train

import (
	"encoding/json"
	"fmt"

	"github.com/boltzmann-go/boltzmann/checkpoint"
)

// BeginCheckpoint tells a staged learner restored from a checkpoint with
// that progress which epoch it is in (the epoch the checkpoint is in, or
// the last one it ended).
func BeginCheckpoint(l Learner, p checkpoint.Progress) {
	if s, ok := l.(Staged); ok {
		epoch := p.Epoch
		if p.Batch == 0 {
			epoch = max(epoch-1, 0)
		}
		s.BeginEpoch(epoch)
	}
}

func (r *runner) restore(build Builder, visible int) error {
	ck, dir, err := checkpoint.LoadFrom(r.opts.Dir, r.opts.ResumeFrom)
	if err != nil {
		return err
	}
	if ck.Kind != r.opts.Kind {
		return fmt.Errorf("train: %s holds a %s model, not %s", dir, ck.Kind, r.opts.Kind)
	}
	if ck.ModelOnly {
		return fmt.Errorf("train: %s is a model-only export (no %s): it can be evaluated and loaded, not resumed", dir, checkpoint.TrainerFile)
	}
	diff, err := diffConfig(ck.Config, r.savedJSON, append([]string{"checkpoint_every", "keep", "epochs"}, r.opts.MayChange...))
	if err != nil {
		return fmt.Errorf("train: %s: %w", dir, err)
	}
	if diff != "" {
		return fmt.Errorf("train: resuming %s with a configuration that differs from the saved one (%s): an exact resume needs the same settings", dir, diff)
	}
	if r.learner, err = build(visible, nil, r.rng); err != nil {
		return err
	}
	if err := checkpoint.Assign(r.learner.Params(), ck.Model, dir+": model"); err != nil {
		return err
	}
	rngT, err := r.rngTensor()
	if err != nil {
		return err
	}
	if err := checkpoint.Assign(append(r.learner.State(), rngT), ck.State, dir+": trainer state"); err != nil {
		return err
	}
	if err := r.pcg.UnmarshalBinary(rngT.T.Data().([]uint8)); err != nil {
		return fmt.Errorf("%s: random source state: %w", dir, err)
	}
	r.prog, r.lastCkpt = ck.Progress, dir
	var saved struct {
		Epochs int `json:"epochs"`
	}
	if json.Unmarshal(ck.Config, &saved) == nil && saved.Epochs != r.cfg.Epochs {
		r.logf("the run had %d epochs and now has %d: constant and exponential learning rates and momentum go on as in a run started with %d; a linear schedule is recomputed to reach its final rate at the new end, so the rate changes at the resume\n",
			saved.Epochs, r.cfg.Epochs, r.cfg.Epochs)
	}
	// Metrics of epochs after the checkpoint are about to be recomputed.
	return truncateMetrics(r.opts.Dir, r.prog.Epoch)
}
