package grbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// The evaluation contract (evaluate.Evaluable), in pixel units.

// DataFreeEnergy returns F(x) for each row of data in pixel units: the
// model's free energy of the standardised row z = (x − mean)/std plus
// Σ log std_i, the change of variables, so that log p(x) = −F(x) − log Z
// is a density over the data as given.
func (t *Trainer) DataFreeEnergy(data *tensor.Dense) []float64 {
	t.sync()
	f := t.RBM.FreeEnergy(t.standardized(data))
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
func (t *Trainer) AnnealLogZ(train *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	t.sync()
	base, err := FitBase(t.standardized(train), 1e-4)
	if err != nil {
		return ais.Estimate{}, err
	}
	for i, s2 := range t.RBM.Variances() {
		base.Var[i] = max(base.Var[i], s2)
	}
	est, _, err := t.RBM.AIS(base, cfg)
	return est, err
}

// EnumerateLogZ returns log Z exactly when the hidden layer has at most
// limit units (the visible integral is Gaussian), and ok false otherwise.
func (t *Trainer) EnumerateLogZ(limit int) (logZ float64, ok bool, err error) {
	t.sync()
	if t.RBM.Hidden() > limit {
		return 0, false, nil
	}
	z, err := t.RBM.ExactLogZ()
	return z, err == nil, err
}

// Filters returns the weights into the first n hidden units.
func (t *Trainer) Filters(n int) [][]float64 {
	t.sync()
	return numeric.Columns(t.RBM.W.Data(), t.RBM.Visible(), t.RBM.Hidden(), n)
}

// Samples runs n Gibbs chains for steps sweeps from standard normal
// (standardised) visible states and returns the mean of p(v|h) after the
// last sweep's hidden sample, mapped back to pixel units.
func (t *Trainer) Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error) {
	t.sync()
	g := t.RBM
	if n < 1 || steps < 1 {
		return nil, fmt.Errorf("grbm: %d samples after %d Gibbs steps", n, steps)
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
func (t *Trainer) standardized(data *tensor.Dense) *tensor.Dense {
	n, nv := data.Shape()[0], data.Shape()[1]
	z := make([]float64, n*nv)
	t.standardize(z, data)
	return tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(z))
}

// Visible is the number of visible units.
func (t *Trainer) Visible() int { return t.RBM.Visible() }
