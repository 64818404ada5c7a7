package evaluate

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// Evaluable is the evaluation half of the energy-model contract: a
// learner that supplies it gets the whole report (test scores, log Z by
// AIS with its interval, exact log Z where the model is small, the
// log-likelihoods, filters and samples as pictures) with no code of its
// own here. Quantities are in the data's own units.
type Evaluable interface {
	train.Learner
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
	// Filters returns the weights into the first n hidden units.
	Filters(n int) [][]float64
	// Samples returns n samples after steps Gibbs sweeps from noise, as
	// visible means; progress, when set, hears the sweeps done.
	Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error)
}

// ReverseEvaluable models also bound the log-likelihood of each test row
// from the other side, by reverse AIS (RAISE). A kind for which RAISE
// applies to some models only (a Boltzmann machine whose hidden units are
// not coupled to one another) also has ReverseApplies() bool, and is
// skipped where it says false.
type ReverseEvaluable interface {
	ReverseLogLikelihood(train, test *tensor.Dense, cfg ais.Config) ([]float64, error)
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
