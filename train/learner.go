package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/rbm"
	"gorgonia.org/tensor"
)

// Learner is what the loop trains. Implementations own their buffers; the
// loop owns the random source and the schedules.
type Learner interface {
	// Step makes one parameter update from a minibatch [batch, visible].
	Step(batch *tensor.Dense, lr, momentum float64, rng *rand.Rand)
	// Evaluate scores the model on data, by name ("recon_error", "pll",
	// "free_energy"); rng serves any stochastic estimate.
	Evaluate(data *tensor.Dense, rng *rand.Rand) map[string]float64
	// Params are the model's parameters, saved to model.safetensors.
	Params() []checkpoint.Tensor
	// State is the rest that an exact resume needs (momentum buffers,
	// persistent chains), saved to trainer.safetensors.
	State() []checkpoint.Tensor
}

// Dtype maps a config dtype name to the tensor dtype.
func (c Config) Dtype() tensor.Dtype {
	if c.DType == "float64" {
		return tensor.Float64
	}
	return tensor.Float32
}

// NewLearner builds the model that cfg.Model names with visible input
// units. When init is not nil the parameters are initialised from that
// training data with rng; otherwise they are left for a checkpoint to fill.
func NewLearner(cfg Config, visible int, init *tensor.Dense, rng *rand.Rand) (Learner, error) {
	switch cfg.Model {
	case rbm.Kind:
		r, err := rbm.New(visible, cfg.Hidden, cfg.Dtype())
		if err != nil {
			return nil, err
		}
		if init != nil {
			if err := r.InitHinton(init, rng); err != nil {
				return nil, err
			}
		}
		return rbm.NewTrainer(r, cfg.rbmConfig(), cfg.Batch, rng)
	case rbm.GaussianKind:
		g, err := rbm.NewGaussian(visible, cfg.Hidden)
		if err != nil {
			return nil, err
		}
		return rbm.NewGaussianTrainer(g, rbm.GaussianTrainConfig{K: cfg.K, Chains: cfg.Chains, WeightDecay: cfg.WeightDecay, LogVarRate: cfg.LogVarRate}, cfg.Batch, init, rng)
	}
	return nil, fmt.Errorf("model: kind %q is not trained by gradient steps", cfg.Model)
}
