package rbm

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// Tensor names in checkpoints. Parameters keep the names the literature and
// PyTorch code use, so model.safetensors reads naturally from Python.
const (
	NameW = "W"
	NameB = "b"
	NameC = "c"
)

// Params returns the parameters as named tensors (shared, not copied).
func (r *RBM) Params() []checkpoint.Tensor {
	return []checkpoint.Tensor{{Name: NameW, T: r.W}, {Name: NameB, T: r.B}, {Name: NameC, T: r.C}}
}

// Params returns the model's parameters.
func (t *Trainer) Params() []checkpoint.Tensor { return t.RBM.Params() }

// State returns what a resume needs besides the parameters: the momentum
// buffers, the persistent chains under PCD (at every temperature under
// PT), the running hidden activity when a sparsity target is set, FPCD's
// fast weights and PT's swap counts.
func (t *Trainer) State() []checkpoint.Tensor {
	s := []checkpoint.Tensor{
		{Name: "velocity.W", T: t.vel.W},
		{Name: "velocity.b", T: t.vel.B},
		{Name: "velocity.c", T: t.vel.C},
	}
	if t.cfg.Persistent {
		s = append(s, checkpoint.Tensor{Name: "chains", T: t.chains})
	}
	if t.cfg.SparsityTarget > 0 {
		s = append(s, checkpoint.Tensor{Name: "sparsity.q", T: t.q})
	}
	if t.fast != nil {
		s = append(s, checkpoint.Tensor{Name: "fast.W", T: t.fast.W}, checkpoint.Tensor{Name: "fast.b", T: t.fast.B}, checkpoint.Tensor{Name: "fast.c", T: t.fast.C})
	}
	if t.swaps != nil {
		s = append(s, checkpoint.Tensor{Name: "pt.swaps", T: t.swaps})
	}
	return s
}

// SamplerStats returns, under parallel tempering, the fraction of proposed
// swaps accepted between each pair of neighbouring temperatures (β_k, β_k+1)
// since the last call, and starts counting afresh; nil otherwise. A pair
// with no proposal reads 0.
func (t *Trainer) SamplerStats() []float64 { return energy.SwapRates(t.swaps) }

// Evaluate scores the model on data; see [Scores].
func (t *Trainer) Evaluate(data *tensor.Dense, rng *rand.Rand) train.Scores {
	s := t.RBM.Score(data, rng)
	return train.Scores{ReconError: s.ReconError, PseudoLogLikelihood: s.PseudoLogLikelihood, FreeEnergy: s.FreeEnergy}
}

// Builder returns the constructor train.Run calls for a binary RBM with
// hidden units of dtype, trained as cfg says on minibatches of batch rows:
// the weights initialised from the training examples as Hinton's guide
// says (§8: small random weights, visible biases log(p/(1−p))).
func Builder(hidden int, dtype tensor.Dtype, cfg energy.TrainConfig, batch int) train.Builder {
	return func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
		r, err := New(visible, hidden, dtype)
		if err != nil {
			return nil, err
		}
		if init != nil {
			if err := r.InitHinton(init, rng); err != nil {
				return nil, err
			}
		}
		return NewTrainer(r, cfg, batch, rng)
	}
}
