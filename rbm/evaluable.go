package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// The evaluation half of the energy-model contract (evaluate.Evaluable): what
// eval needs to report a model's log-likelihood and draw its pictures, in
// the data's own units. [Trainer] and [GaussianTrainer] supply it; eval has
// no code of its own for either.

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

// DataFreeEnergy returns F(x) for each row of data in pixel units: the
// model's free energy of the standardised row z = (x − mean)/std plus
// Σ log std_i, the change of variables, so that log p(x) = −F(x) − log Z
// is a density over the data as given.
func (t *GaussianTrainer) DataFreeEnergy(data *tensor.Dense) []float64 {
	f := t.GRBM.FreeEnergy(t.standardized(data))
	logStd := 0.0
	for _, s := range t.Std.Float64s() {
		logStd += math.Log(s)
	}
	for i := range f {
		f[i] += logStd
	}
	return f
}

// AnnealLogZ estimates log Z (of the model over standardised data) by AIS
// from the Gaussian fitted to the standardised training images, each
// variance raised to at least the model's σ_i²: a pixel that is constant in
// the data (the border of MNIST) would otherwise give the base a far
// narrower Gaussian than the model's, and AIS would underestimate log Z by
// many nats on a model that has not yet shrunk σ_i there.
func (t *GaussianTrainer) AnnealLogZ(train *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	base, err := FitGaussianBase(t.standardized(train), 1e-4)
	if err != nil {
		return ais.Estimate{}, err
	}
	for i, s2 := range t.GRBM.Variances() {
		base.Var[i] = max(base.Var[i], s2)
	}
	est, _, err := t.GRBM.AIS(base, cfg)
	return est, err
}

// EnumerateLogZ returns log Z exactly when the hidden layer has at most
// limit units (the visible integral is Gaussian), and ok false otherwise.
func (t *GaussianTrainer) EnumerateLogZ(limit int) (logZ float64, ok bool, err error) {
	if t.GRBM.Hidden() > limit {
		return 0, false, nil
	}
	z, err := t.GRBM.ExactLogZ()
	return z, err == nil, err
}

// Filters returns the weights into the first n hidden units.
func (t *GaussianTrainer) Filters(n int) [][]float64 {
	return numeric.Columns(t.GRBM.W.Data(), t.GRBM.Visible(), t.GRBM.Hidden(), n)
}

// Samples runs n Gibbs chains for steps sweeps from standard normal
// (standardised) visible states and returns the mean of p(v|h) after the
// last sweep's hidden sample, mapped back to pixel units.
func (t *GaussianTrainer) Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error) {
	g := t.GRBM
	if n < 1 || steps < 1 {
		return nil, fmt.Errorf("rbm: %d samples after %d Gibbs steps", n, steps)
	}
	nv, nh := g.Visible(), g.Hidden()
	v := tensor.New(tensor.WithShape(n, nv), tensor.Of(tensor.Float64))
	x := v.Float64s()
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	const chunk = 10
	for done := 0; done < steps-1; {
		k := min(chunk, steps-1-done)
		g.Gibbs(v, k, rng)
		done += k
		if progress != nil {
			progress(done)
		}
	}
	h := make([]float64, n*nh)
	g.SampleHidden(h, x, 1, rng)
	means := g.visibleMeans(h)
	m, s := t.Mean.Float64s(), t.Std.Float64s()
	for q, mu := range means {
		x[q] = mu*s[q%nv] + m[q%nv]
	}
	out := numeric.Rows(x, n, nv)
	if progress != nil {
		progress(steps)
	}
	return out, nil
}

// standardized returns (x − mean)/std row by row, as a new float64 matrix.
func (t *GaussianTrainer) standardized(data *tensor.Dense) *tensor.Dense {
	n, nv := data.Shape()[0], data.Shape()[1]
	z := make([]float64, n*nv)
	t.standardize(z, data)
	return tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(z))
}

// Visible is the number of visible units.
func (t *Trainer) Visible() int { return t.RBM.Visible() }

// Visible is the number of visible units.
func (t *GaussianTrainer) Visible() int { return t.GRBM.Visible() }
