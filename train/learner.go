package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dbm"
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

// Staged learners train in stages that follow the epoch (a DBM's
// pretraining of each layer, then joint training): the loop tells them
// each epoch before it runs, and LoadCheckpoint the epoch a checkpoint is in.
type Staged interface {
	BeginEpoch(epoch int)
}

// Evaluable is the evaluation half of the energy-model contract: a
// learner that supplies it gets eval's whole report (test scores, log Z by
// AIS with its interval, exact log Z where the model is small, the
// log-likelihoods, filters and samples as pictures) with no code of its own
// in eval. Quantities are in the data's own units.
type Evaluable interface {
	Learner
	// Visible is the number of visible units, one per pixel.
	Visible() int
	// DataFreeEnergy returns F(v) for each row, log p(v) = −F(v) − log Z.
	DataFreeEnergy(data *tensor.Dense) []float64
	// AnnealLogZ estimates log Z by AIS from a base model fitted to the
	// training data.
	AnnealLogZ(train *tensor.Dense, cfg rbm.AISConfig) (ais.Estimate, error)
	// EnumerateLogZ returns log Z exactly when the model is small enough
	// (limit: the most binary units it may enumerate), ok false otherwise.
	EnumerateLogZ(limit int) (logZ float64, ok bool, err error)
	// Filters returns the weights into the first n hidden units.
	Filters(n int) [][]float64
	// Samples returns n samples after steps Gibbs sweeps from noise, as
	// visible means; progress, when set, hears the sweeps done.
	Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error)
}

// ReverseEvaluable models also bound the log-likelihood of each test row
// from the other side, by reverse AIS (RAISE).
type ReverseEvaluable interface {
	ReverseLogLikelihood(train, test *tensor.Dense, cfg rbm.AISConfig) ([]float64, error)
}

// Classifiable models become classifiers: eval trains a linear softmax
// classifier on their features (the baseline) and fine-tunes the network
// they initialise on the labels.
type Classifiable interface {
	// Features is the representation a linear classifier sees, [N, F].
	Features(x *tensor.Dense) *tensor.Dense
	// Classifier returns a network initialised from the model and the
	// inputs it takes for the images x.
	Classifier(classes int, rng *rand.Rand) (*classify.MLP, func(x *tensor.Dense) *tensor.Dense, error)
}

var (
	_ Classifiable     = (*rbm.Trainer)(nil)
	_ Classifiable     = (*dbm.Trainer)(nil)
	_ Staged           = (*dbm.Trainer)(nil)
	_ Evaluable        = (*rbm.Trainer)(nil)
	_ ReverseEvaluable = (*rbm.Trainer)(nil)
	_ Evaluable        = (*rbm.GaussianTrainer)(nil)
	_ Evaluable        = (*dbm.Trainer)(nil)
)

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
		return rbm.NewGaussianTrainer(g, rbm.GaussianTrainConfig{TrainConfig: cfg.rbmConfig(), LogVarRate: cfg.LogVarRate}, cfg.Batch, init, rng)
	case dbm.Kind:
		d, err := dbm.New(append([]int{visible}, cfg.Layers...))
		if err != nil {
			return nil, err
		}
		if init != nil {
			if err := d.InitRandom(init, rng); err != nil {
				return nil, err
			}
		}
		return dbm.NewTrainer(d, dbm.TrainConfig{
			PretrainEpochs: cfg.PretrainEpochs, K: cfg.K, Chains: cfg.Chains,
			MeanField:   dbm.MeanFieldConfig{Iters: cfg.MeanFieldIters, Tol: cfg.MeanFieldTol},
			WeightDecay: cfg.WeightDecay, PretrainWeightDecay: cfg.PretrainWeightDecay, PretrainK: cfg.PretrainK,
			PretrainSample: cfg.PretrainSample,
			SparsityTarget: cfg.SparsityTarget, SparsityCost: cfg.SparsityCost,
		}, cfg.Batch)
	}
	return nil, fmt.Errorf("model: kind %q is not trained by gradient steps", cfg.Model)
}
