package train

import (
	"gorgonia.org/tensor"

	"github.com/boltzmann-go/boltzmann/checkpoint"
)

// rngTensor is the sampler generator's state as a tensor: saved with the
// trainer state, it makes a resumed run draw what an uninterrupted one would.
func (r *runner) rngTensor() (checkpoint.Tensor, error) {
	b, err := r.pcg.MarshalBinary()
	if err != nil {
		return checkpoint.Tensor{}, err
	}
	return checkpoint.Tensor{Name: rngTensorName, T: tensor.New(tensor.WithShape(len(b)), tensor.WithBacking(b))}, nil
}

// save checkpoints the run as it stands (pruned to cfg.Keep) and records
// the checkpoint as the last one written.
func (r *runner) save() error {
	rngT, err := r.rngTensor()
	if err != nil {
		return err
	}
	dir, err := checkpoint.Save(r.opts.Dir, &checkpoint.Checkpoint{
		Kind:     r.opts.Kind,
		Config:   r.savedJSON,
		Progress: r.prog,
		Model:    r.learner.Params(),
		State:    append(r.learner.State(), rngT),
	}, r.cfg.Keep)
	if err != nil {
		return err
	}
	r.lastCkpt = dir
	r.logf("checkpoint %s\n", dir)
	return nil
}
