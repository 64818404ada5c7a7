package train

import (
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"gorgonia.org/tensor"
)

// Learner is what the loop trains. Implementations own their buffers; the
// loop owns the random source and the schedules.
type Learner interface {
	// Step makes one parameter update from a minibatch [batch, visible].
	// An error (a minibatch of the wrong shape or dtype, a sampler that
	// the data do not suit) stops the run; a programmer's error inside
	// the model may panic.
	Step(batch *tensor.Dense, lr, momentum float64, rng *rand.Rand) error
	// Evaluate scores the model on data; rng serves any stochastic
	// estimate. A score the model does not have is NaN.
	Evaluate(data *tensor.Dense, rng *rand.Rand) Scores
	// Params are the model's parameters, saved to model.safetensors.
	Params() []checkpoint.Tensor
	// State is the rest that an exact resume needs (momentum buffers,
	// persistent chains), saved to trainer.safetensors.
	State() []checkpoint.Tensor
}

// Scores are what the loop logs of a model each epoch, on the validation
// images and on as many training images. A score the model does not have
// (the pseudo-log-likelihood of real-valued units) is NaN, null in JSON.
type Scores struct {
	// ReconError is the squared error per example of a one-step
	// mean-field reconstruction.
	ReconError float64
	// PseudoLogLikelihood is the mean log pseudo-likelihood per example,
	// by one random unit's flip (scikit-learn's estimate), in nats.
	PseudoLogLikelihood float64
	// FreeEnergy is the mean free energy per example.
	FreeEnergy float64
}

// NoScores has every score absent.
func NoScores() Scores { return Scores{math.NaN(), math.NaN(), math.NaN()} }

// Staged learners train in stages that follow one another (a DBM's
// pretraining of each layer, then joint training). The loop lays the
// stages end to end, counts momentum and the learning-rate schedule from
// the start of each, names them in progress and logs, keeps the last
// checkpoint of each, and tells the learner each epoch before it runs
// (and, on loading a checkpoint, the epoch it is in).
type Staged interface {
	// Stages are the learner's stages; epochs is the run's Config.Epochs.
	Stages(epochs int) []Stage
	// BeginEpoch tells the learner the epoch about to run.
	BeginEpoch(epoch int)
}

// SamplerStats is a learner that reports on its sampler once an epoch
// (parallel tempering's swap acceptance rates, logged as swap_accept).
type SamplerStats interface {
	SamplerStats() []float64
}

// Builder makes the learner that a run trains: init holds the training
// examples to initialise the parameters from (nil when a checkpoint will
// fill them), and rng is the run's sampler stream, which the learner's
// steps then continue to draw from.
type Builder func(visible int, init *tensor.Dense, rng *rand.Rand) (Learner, error)
