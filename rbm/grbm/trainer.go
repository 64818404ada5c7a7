package grbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// Kind is the model kind of a Gaussian-Bernoulli RBM in checkpoints.
const Kind = "grbm"

// minStandardVar floors each pixel's variance in the standardisation.
const minStandardVar = 0.01

// TrainConfig holds the fixed hyperparameters of the training of
// a Gaussian-Bernoulli RBM: the negative phase (CD-k, PCD-k, fast PCD or
// parallel tempering, as for the binary RBM; no sparsity target) and the
// log-variances' learning-rate scale.
type TrainConfig struct {
	energy.TrainConfig
	// LogVarRate scales the learning rate of the log-variances (Cho et al.
	// learn them more slowly than the rest).
	LogVarRate float64
}

// Trainer trains a Gaussian-Bernoulli RBM with an [energy.Trainer]:
// the model supplies its free energy, conditionals and energy
// ([energy.Model]), and the gradient (Gorgonia's automatic differentiation)
// and the negative phase are the framework's. Data are standardised per
// visible unit with the mean and standard deviation of the training set,
// which are saved with the parameters.
type Trainer struct {
	RBM       *RBM
	Mean, Std *tensor.Dense // standardisation: the model sees (x − Mean)/Std
	et        *energy.Trainer
	batch     *tensor.Dense // the standardised minibatch
}

// NewTrainer prepares to train g on minibatches of batch rows.
// When data is not nil the standardisation is fitted to it (a floor of 0.1
// on each pixel's spread) and the model initialised: W ~ N(0, 0.01²),
// b = 0, c = 0, σ = 1; the chains start from N(0, 1). Otherwise the
// parameters wait for a checkpoint.
func NewTrainer(g *RBM, cfg TrainConfig, batch int, data *tensor.Dense, rng *rand.Rand) (*Trainer, error) {
	if cfg.LogVarRate < 0 || math.IsNaN(cfg.LogVarRate) {
		return nil, fmt.Errorf("grbm: log-variance rate %g: want a number ≥ 0", cfg.LogVarRate)
	}
	et, err := energy.NewTrainer(g, cfg.TrainConfig, batch, map[string]float64{"logvar": cfg.LogVarRate})
	if err != nil {
		return nil, err
	}
	nv := g.Visible()
	f := tensor.Float64
	t := &Trainer{
		RBM: g, et: et,
		Mean:  tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		Std:   tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		batch: tensor.New(tensor.WithShape(batch, nv), tensor.Of(f)),
	}
	if data == nil {
		return t, nil
	}
	// Standardise with a floor of 0.1 on each pixel's spread: a pixel that
	// is almost always off would otherwise turn its rare "on" into an
	// outlier hundreds of deviations out.
	base, err := FitBase(data, minStandardVar)
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
	}{{g.W.Float64s(), 0.01}, {et.Chains().Float64s(), 1}} {
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
func (t *Trainer) standardize(dst []float64, x *tensor.Dense) {
	nv := t.RBM.Visible()
	var src []float64
	if x.Dtype() == tensor.Float64 {
		src = x.Float64s() // without the interface Data() would allocate
	} else {
		src = numeric.ToFloat64(x.Data())
	}
	m, s := t.Mean.Float64s(), t.Std.Float64s()
	for r := 0; r+nv <= len(src) && r+nv <= len(dst); r += nv {
		for i := range nv {
			dst[r+i] = (src[r+i] - m[i]) / s[i]
		}
	}
}

// Step makes one update from the minibatch v0 (raw units).
func (t *Trainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) error {
	if s, w := v0.Shape(), t.batch.Shape(); !s.Eq(w) || v0.Dtype() != tensor.Float64 {
		return fmt.Errorf("grbm: Gaussian RBM: minibatch of %v %v, trainer made for %v float64", s, v0.Dtype(), w)
	}
	t.standardize(t.batch.Float64s(), v0)
	return t.et.Step(t.batch, lr, mom, rng)
}

// SamplerStats is PT's swap acceptance per pair of temperatures since the
// last call (nil under other samplers).
func (t *Trainer) SamplerStats() []float64 { return t.et.SamplerStats() }

// Params are the model's parameters and the standardisation.
func (t *Trainer) Params() []checkpoint.Tensor {
	return append(t.et.Params(), checkpoint.Tensor{Name: "standardize.mean", T: t.Mean}, checkpoint.Tensor{Name: "standardize.std", T: t.Std})
}

// State is the trainer's: momentum buffers, chains, fast weights, swap
// counts (energy.Trainer.State).
func (t *Trainer) State() []checkpoint.Tensor { return t.et.State() }

// Evaluate reports the mean free energy and the reconstruction error
// (squared error per image of v against the mean of p(v|h), h ~ p(h|v), in
// standardised units) of data.
func (t *Trainer) Evaluate(data *tensor.Dense, rng *rand.Rand) train.Scores {
	g := t.RBM
	nv, nh := g.Visible(), g.Hidden()
	n := data.Shape()[0]
	x := make([]float64, n*nv)
	t.standardize(x, data)
	free := 0.0
	for _, f := range g.FreeEnergy(tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(x))) {
		free += f / float64(n)
	}
	recon := 0.0
	const chunk = 1000
	for lo := 0; lo < n; lo += chunk {
		rows := x[lo*nv : min(lo+chunk, n)*nv]
		h := make([]float64, len(rows)/nv*nh)
		g.SampleHidden(h, rows, 1, rng)
		for q, m := range g.visibleMeans(h) {
			d := rows[q] - m
			recon += d * d / float64(n)
		}
	}
	return train.Scores{ReconError: recon, PseudoLogLikelihood: math.NaN(), FreeEnergy: free}
}
