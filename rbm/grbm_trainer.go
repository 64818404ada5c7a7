package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// GaussianKind is the model kind of a Gaussian-Bernoulli RBM in checkpoints.
const GaussianKind = "grbm"

// minStandardVar floors each pixel's variance in the standardisation.
const minStandardVar = 0.01

// GaussianTrainConfig holds the fixed hyperparameters of PCD-k training of
// a Gaussian-Bernoulli RBM.
type GaussianTrainConfig struct {
	K, Chains   int
	WeightDecay float64
	// LogVarRate scales the learning rate of the log-variances (Cho et al.
	// learn them more slowly than the rest).
	LogVarRate float64
}

// GaussianTrainer trains a Gaussian-Bernoulli RBM by PCD-k with momentum,
// its gradient from Gorgonia's automatic differentiation of the free energy
// ([GaussianAutodiff]): the model supplies its energy, conditionals and
// sampler, and nothing of the gradient is written by hand. Data are
// standardised per visible unit with the mean and standard deviation of the
// training set, which are saved with the parameters.
type GaussianTrainer struct {
	GRBM      *GaussianRBM
	Mean, Std *tensor.Dense // standardisation: the model sees (x − Mean)/Std
	cfg       GaussianTrainConfig
	ad        *GaussianAutodiff
	grad, vel *GaussianGradient
	chains    *tensor.Dense // [chains, visible], in standardised units
	batch     *tensor.Dense // the standardised minibatch
}

// NewGaussianTrainer prepares to train g on minibatches of batch rows.
// When data is not nil the standardisation is fitted to it (a floor of 0.01
// on each standard deviation, for pixels that never change) and the model
// initialised: W ~ N(0, 0.01²), b = 0, c = 0, σ = 1; the chains start from
// N(0, 1). Otherwise the parameters wait for a checkpoint.
func NewGaussianTrainer(g *GaussianRBM, cfg GaussianTrainConfig, batch int, data *tensor.Dense, rng *rand.Rand) (*GaussianTrainer, error) {
	if cfg.K < 1 || cfg.Chains < 1 || batch < 1 || cfg.WeightDecay < 0 || cfg.LogVarRate < 0 {
		return nil, fmt.Errorf("rbm: Gaussian trainer with k %d, %d chains, batch %d, weight decay %g, log-variance rate %g", cfg.K, cfg.Chains, batch, cfg.WeightDecay, cfg.LogVarRate)
	}
	nv, nh := g.Visible(), g.Hidden()
	ad, err := NewGaussianAutodiff(g, batch, cfg.Chains)
	if err != nil {
		return nil, err
	}
	f := tensor.Float64
	newGrad := func() *GaussianGradient {
		return &GaussianGradient{W: tensor.New(tensor.WithShape(nv, nh), tensor.Of(f)), B: tensor.New(tensor.WithShape(nv), tensor.Of(f)),
			C: tensor.New(tensor.WithShape(nh), tensor.Of(f)), LogVar: tensor.New(tensor.WithShape(nv), tensor.Of(f))}
	}
	t := &GaussianTrainer{
		GRBM: g, cfg: cfg, ad: ad, grad: newGrad(), vel: newGrad(),
		Mean:   tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		Std:    tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		chains: tensor.New(tensor.WithShape(cfg.Chains, nv), tensor.Of(f)),
		batch:  tensor.New(tensor.WithShape(batch, nv), tensor.Of(f)),
	}
	if data == nil {
		return t, nil
	}
	// Standardise with a floor of 0.1 on each pixel's spread: a pixel that
	// is almost always off would otherwise turn its rare "on" into an
	// outlier hundreds of deviations out.
	base, err := FitGaussianBase(data, minStandardVar)
	if err != nil {
		return nil, err
	}
	copy(t.Mean.Float64s(), base.Mean)
	for i, v := range base.Var {
		t.Std.Float64s()[i] = math.Sqrt(v)
	}
	for _, p := range []struct {
		x []float64
		s float64
	}{{g.W.Float64s(), 0.01}, {t.chains.Float64s(), 1}} {
		for i := range p.x {
			p.x[i] = p.s * rng.NormFloat64()
		}
	}
	clear(g.B.Float64s())
	clear(g.C.Float64s())
	clear(g.LogVar.Float64s())
	return t, nil
}

// standardize writes (x − Mean)/Std of the rows of x into dst.
func (t *GaussianTrainer) standardize(dst []float64, x *tensor.Dense) {
	nv := t.GRBM.Visible()
	src := numeric.ToFloat64(x.Data())
	m, s := t.Mean.Float64s(), t.Std.Float64s()
	for r := 0; r+nv <= len(src) && r+nv <= len(dst); r += nv {
		for i := range nv {
			dst[r+i] = (src[r+i] - m[i]) / s[i]
		}
	}
}

// Gibbs runs k sweeps on the rows of v [N, visible] (standardised units):
// h ~ p(h|v), then v ~ N(b + Wh, σ²).
func (g *GaussianRBM) Gibbs(v *tensor.Dense, k int, rng *rand.Rand) {
	nv, nh := g.Visible(), g.Hidden()
	x, s2 := v.Float64s(), g.Variances()
	pre, h := make([]float64, nh), make([]float64, nh)
	for r := 0; r+nv <= len(x); r += nv {
		row := x[r : r+nv]
		for range k {
			g.hiddenInput(pre, row, s2)
			sampleHidden(h, pre, 1, rng)
			for i := range row {
				row[i] = g.visibleMean(i, h) + math.Sqrt(s2[i])*rng.NormFloat64()
			}
		}
	}
}

// Step makes one PCD-k update from the minibatch v0 (raw units).
func (t *GaussianTrainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) {
	g := t.GRBM
	t.standardize(t.batch.Float64s(), v0)
	g.Gibbs(t.chains, t.cfg.K, rng)
	if err := t.ad.Compute(g, t.batch, t.chains, t.grad); err != nil {
		panic(fmt.Sprintf("rbm: Gaussian gradient: %v", err)) // shapes are fixed at construction
	}
	// The likelihood's curvature in b_i and W_i· is 1/σ_i²: a pixel the
	// model has learned to be sharp (σ_i → MinStd) would make the step in
	// them a hundred to ten thousand times too long and the chains diverge.
	// Scaling those rows of the gradient by σ_i² (a diagonal
	// preconditioner: the fixed points stay where they are) gives every
	// pixel the same step.
	s2 := g.Variances()
	nh := g.Hidden()
	gw, gb := t.grad.W.Float64s(), t.grad.B.Float64s()
	for i, v := range s2 {
		gb[i] *= v
		for j := range nh {
			gw[i*nh+j] *= v
		}
	}
	floor, ceiling := 2*math.Log(g.MinStd), 2*math.Log(g.MaxStd)
	for _, p := range []struct {
		par, grad, vel []float64
		rate, decay    float64
	}{
		{g.W.Float64s(), t.grad.W.Float64s(), t.vel.W.Float64s(), lr, t.cfg.WeightDecay},
		{g.B.Float64s(), t.grad.B.Float64s(), t.vel.B.Float64s(), lr, 0},
		{g.C.Float64s(), t.grad.C.Float64s(), t.vel.C.Float64s(), lr, 0},
		{g.LogVar.Float64s(), t.grad.LogVar.Float64s(), t.vel.LogVar.Float64s(), lr * t.cfg.LogVarRate, 0},
	} {
		numeric.Momentum(p.par, p.vel, p.grad, p.rate, mom, p.decay)
	}
	for i, z := range g.LogVar.Float64s() {
		g.LogVar.Float64s()[i] = min(max(z, floor), ceiling)
	}
}

// Params are the model's parameters and the standardisation.
func (t *GaussianTrainer) Params() []checkpoint.Tensor {
	g := t.GRBM
	return []checkpoint.Tensor{{Name: NameW, T: g.W}, {Name: NameB, T: g.B}, {Name: NameC, T: g.C}, {Name: "logvar", T: g.LogVar},
		{Name: "standardize.mean", T: t.Mean}, {Name: "standardize.std", T: t.Std}}
}

// State is the momentum buffers and the persistent chains.
func (t *GaussianTrainer) State() []checkpoint.Tensor {
	return []checkpoint.Tensor{{Name: "velocity.W", T: t.vel.W}, {Name: "velocity.b", T: t.vel.B}, {Name: "velocity.c", T: t.vel.C},
		{Name: "velocity.logvar", T: t.vel.LogVar}, {Name: "chains", T: t.chains}}
}

// Evaluate reports the mean free energy and the reconstruction error
// (squared error per image of v against the mean of p(v|h), h ~ p(h|v), in
// standardised units) of data.
func (t *GaussianTrainer) Evaluate(data *tensor.Dense, rng *rand.Rand) map[string]float64 {
	g := t.GRBM
	nv, nh := g.Visible(), g.Hidden()
	n := data.Shape()[0]
	x := make([]float64, n*nv)
	t.standardize(x, data)
	xs := tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(x))
	f := g.FreeEnergy(xs)
	s2 := g.Variances()
	pre, h := make([]float64, nh), make([]float64, nh)
	free, recon := 0.0, 0.0
	for r := range n {
		free += f[r] / float64(n)
		row := x[r*nv : (r+1)*nv]
		g.hiddenInput(pre, row, s2)
		sampleHidden(h, pre, 1, rng)
		for i, xi := range row {
			d := xi - g.visibleMean(i, h)
			recon += d * d / float64(n)
		}
	}
	return map[string]float64{"free_energy": free, "recon_error": recon}
}
