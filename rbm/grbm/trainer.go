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
	// Float32 trains the model in float32 (faster: BenchmarkStep); the
	// evaluation still runs in float64, on a copy.
	Float32 bool
}

// energyTrainer is what Trainer uses of energy.TrainerOf, in either
// precision.
type energyTrainer interface {
	Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) error
	SamplerStats() []float64
	Params() []checkpoint.Tensor
	State() []checkpoint.Tensor
	Chains() *tensor.Dense
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
	et        energyTrainer
	batch     *tensor.Dense // the standardised minibatch
	// model32 is the model trained under TrainConfig.Float32; RBM is then
	// its float64 copy, brought up to date before each evaluation.
	model32 *Model[float32]
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
	nv := g.Visible()
	f, states := tensor.Float64, tensor.Float64
	if cfg.Float32 {
		states = tensor.Float32
	}
	t := &Trainer{
		RBM:   g,
		Mean:  tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		Std:   tensor.New(tensor.WithShape(nv), tensor.Of(f)),
		batch: tensor.New(tensor.WithShape(batch, nv), tensor.Of(states)),
	}
	rates := map[string]float64{"logvar": cfg.LogVarRate}
	var err error
	if cfg.Float32 {
		if t.model32, err = NewModel[float32](nv, g.Hidden()); err != nil {
			return nil, err
		}
		t.model32.MinStd, t.model32.MaxStd = g.MinStd, g.MaxStd
		t.et, err = energy.NewTrainerOf(t.model32, cfg.TrainConfig, batch, rates)
	} else {
		t.et, err = energy.NewTrainer(g, cfg.TrainConfig, batch, rates)
	}
	if err != nil {
		return nil, err
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
	w, b, c, z := g.W, g.B, g.C, g.LogVar
	if t.model32 != nil {
		w, b, c, z = t.model32.W, t.model32.B, t.model32.C, t.model32.LogVar
	}
	for _, p := range []struct {
		x *tensor.Dense
		s float64
	}{{w, 0.01}, {t.et.Chains(), 1}} {
		switch x := p.x.Data().(type) {
		case []float64:
			for i := range x {
				x[i] = p.s * rng.NormFloat64()
			}
		case []float32:
			for i := range x {
				x[i] = float32(p.s * rng.NormFloat64())
			}
		}
	}
	for _, p := range []*tensor.Dense{b, c, z} {
		p.Zero()
	}
	t.sync()
	return t, nil
}

// sync brings RBM up to date with the float32 model, when there is one:
// every evaluation reads RBM.
func (t *Trainer) sync() {
	if t.model32 != nil {
		t.model32.Float64(t.RBM)
	}
}

// standardize writes (x − Mean)/Std of the rows of x into dst.
func (t *Trainer) standardize(dst []float64, x *tensor.Dense) {
	standardizeInto(dst, x, t.Mean.Float64s(), t.Std.Float64s())
}

// standardizeInto writes (x − m)/s of the rows of x into dst, reading a
// float32 or float64 x in place (without allocating) and any other dtype
// through a float64 copy.
func standardizeInto[T energy.Float](dst []T, x *tensor.Dense, m, s []float64) {
	switch x.Dtype() {
	case tensor.Float32:
		standardizeRows(dst, x.Float32s(), m, s)
	case tensor.Float64:
		standardizeRows(dst, x.Float64s(), m, s)
	default:
		standardizeRows(dst, numeric.ToFloat64(x.Data()), m, s)
	}
}

// standardizeRows writes (x − m)/s of the rows of src into dst, in T,
// without allocating.
func standardizeRows[T, S energy.Float](dst []T, src []S, m, s []float64) {
	nv := len(m)
	for r := 0; r+nv <= len(src) && r+nv <= len(dst); r += nv {
		for i := range nv {
			dst[r+i] = T((float64(src[r+i]) - m[i]) / s[i])
		}
	}
}

// Step makes one update from the minibatch v0 (raw units).
func (t *Trainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) error {
	if s, w := v0.Shape(), t.batch.Shape(); !s.Eq(w) || (v0.Dtype() != tensor.Float64 && v0.Dtype() != tensor.Float32) {
		return fmt.Errorf("grbm: Gaussian RBM: minibatch of %v %v, trainer made for %v float32 or float64", s, v0.Dtype(), w)
	}
	if t.model32 != nil {
		standardizeInto(t.batch.Float32s(), v0, t.Mean.Float64s(), t.Std.Float64s())
	} else {
		t.standardize(t.batch.Float64s(), v0)
	}
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
	t.sync()
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
