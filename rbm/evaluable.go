package rbm

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// The evaluation half of the energy-model contract (evaluate.Evaluable): what
// eval needs to report a model's log-likelihood and draw its pictures, in
// the data's own units. [Trainer] supplies it (and grbm.Trainer, for the
// Gaussian RBM); eval has no code of its own for either.

// DataFreeEnergy returns F(v) for each row of data, so that
// log p(v) = −F(v) − log Z.
func (t *Trainer) DataFreeEnergy(data *tensor.Dense) []float64 { return t.RBM.FreeEnergy(data) }

// AnnealLogZ estimates log Z by AIS from the base-rate model fitted to the
// training images.
func (t *Trainer) AnnealLogZ(train *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	bA, err := ais.BaseRates(train)
	if err != nil {
		return ais.Estimate{}, err
	}
	est, _, err := t.RBM.AIS(bA, cfg)
	return est, err
}

// ReverseLogLikelihood bounds log p(v) of each row of test from below by
// RAISE, from the same base model as [Trainer.AnnealLogZ].
func (t *Trainer) ReverseLogLikelihood(train, test *tensor.Dense, cfg ais.Config) ([]float64, error) {
	bA, err := ais.BaseRates(train)
	if err != nil {
		return nil, err
	}
	return t.RBM.RAISE(bA, test, cfg)
}

// EnumerateLogZ returns log Z exactly when the smaller layer has at most
// limit units, and ok false otherwise.
func (t *Trainer) EnumerateLogZ(limit int) (logZ float64, ok bool, err error) {
	if min(t.RBM.Visible(), t.RBM.Hidden()) > limit {
		return 0, false, nil
	}
	z, err := t.RBM.ExactLogZ()
	return z, err == nil, err
}

// Filters returns the weights into the first n hidden units, one visible
// vector each.
func (t *Trainer) Filters(n int) [][]float64 {
	return numeric.Columns(t.RBM.W.Data(), t.RBM.Visible(), t.RBM.Hidden(), n)
}

// Samples runs n Gibbs chains for steps sweeps from uniformly random
// visible states and returns the visible probabilities of the last sweep;
// progress, when set, hears how many sweeps are done.
func (t *Trainer) Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error) {
	r := t.RBM
	if n < 1 || steps < 1 {
		return nil, fmt.Errorf("rbm: %d samples after %d Gibbs steps", n, steps)
	}
	c := r.NewChain(n)
	half := tensor.New(tensor.WithShape(n, r.Visible()), tensor.Of(r.Dtype()))
	switch h := half.Data().(type) {
	case []float32:
		for i := range h {
			h[i] = 0.5
		}
	case []float64:
		for i := range h {
			h[i] = 0.5
		}
	}
	Sample(c.V, half, rng)
	const chunk = 10
	for done := 0; done < steps; {
		k := min(chunk, steps-done)
		r.Gibbs(c, k, rng)
		done += k
		if progress != nil {
			progress(done)
		}
	}
	return numeric.Rows(numeric.ToFloat64(c.PV.Data()), n, r.Visible()), nil
}

// Visible is the number of visible units.
func (t *Trainer) Visible() int { return t.RBM.Visible() }
