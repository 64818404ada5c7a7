package evaluate

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// The contracts below are what each part of an evaluation needs, each
// its own interface, so that a model implements only what it has: log Z
// and the log-likelihood need a [Density], the scores a [Scorer], the
// pictures a [Filterer] and a [Sampler] (or a [PatternStore]), RAISE a
// [ReverseEvaluable], the classifiers a [Classifiable]. Quantities are in
// the data's own units.

// Density is a model with an unnormalised density over its visible
// units: its free energy and the log partition function that normalises
// it. It is all that log Z and the log-likelihoods need.
type Density interface {
	// Visible is the number of visible units, one per pixel.
	Visible() int
	// DataFreeEnergy returns F(v) for each row, log p(v) = −F(v) − log Z.
	DataFreeEnergy(data *tensor.Dense) []float64
	// AnnealLogZ estimates log Z by AIS from a base model fitted to the
	// training data.
	AnnealLogZ(train *tensor.Dense, cfg ais.Config) (ais.Estimate, error)
	// EnumerateLogZ returns log Z exactly when the model is small enough
	// (limit: the most binary units it may enumerate), ok false otherwise.
	EnumerateLogZ(limit int) (logZ float64, ok bool, err error)
}

// Scorer scores a model on data as the training loop logs it each epoch
// (train.Learner has it too).
type Scorer interface {
	// Evaluate scores the model on data; rng serves any stochastic
	// estimate. A score the model does not have is NaN.
	Evaluate(data *tensor.Dense, rng *rand.Rand) train.Scores
}

// Evaluable is what eval's report needs of a model: its scores and its
// density. A model that is also a [Filterer] or a [Sampler] gets the
// pictures too.
type Evaluable interface {
	Scorer
	Density
}

// Filterer draws a model's learned features as pictures, one tile each
// (each tile scaled to its own range).
type Filterer interface {
	// Filters returns the weights into the first n hidden units.
	Filters(n int) [][]float64
}

// Sampler draws samples from a model, as values in [0, 1].
type Sampler interface {
	// Samples returns n samples after steps Gibbs sweeps from noise, as
	// visible means; progress, when set, hears the sweeps done.
	Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error)
}

// PatternStore is a memory that holds patterns rather than a density (a
// Hopfield network): its pictures are the patterns it stores.
type PatternStore interface {
	// StoredPatterns returns the first n stored patterns, values in [0, 1].
	StoredPatterns(n int) [][]float64
}

// ReverseEvaluable models also bound the log-likelihood of each test row
// from the other side, by reverse AIS (RAISE). A kind for which RAISE
// applies to some models only also supplies [ReverseApplier].
type ReverseEvaluable interface {
	ReverseLogLikelihood(train, test *tensor.Dense, cfg ais.Config) ([]float64, error)
}

// ReverseApplier says whether RAISE applies to this model (a Boltzmann
// machine whose hidden units are coupled to one another has no exact
// hidden posterior, so it does not); a model without it is taken at its
// ReverseEvaluable.
type ReverseApplier interface {
	ReverseApplies() bool
}

// VariationalBound says whether DataFreeEnergy is a variational free
// energy, so that −F − log Z is a lower bound on log p(v) rather than its
// value (a DBM's mean-field bound); the report marks it.
type VariationalBound interface {
	VariationalBound() bool
}

// Classifiable models become classifiers: a linear softmax classifier
// trains on their features (the baseline) and the network they
// initialise is fine-tuned on the labels.
type Classifiable interface {
	// Features is the representation a linear classifier sees, [N, F].
	Features(x *tensor.Dense) *tensor.Dense
	// Classifier returns a network initialised from the model and the
	// inputs it takes for the images x.
	Classifier(classes int, rng *rand.Rand) (*classify.MLP, func(x *tensor.Dense) *tensor.Dense, error)
}
