package energy

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// Trainer trains any [Model] by the negative phase its
// configuration names — CD-k, PCD-k, fast PCD or parallel tempering, the
// same choices as [Trainer]'s — with the gradient from Gorgonia's automatic
// differentiation of the model's free energy ([FreeEnergyGradient]),
// momentum and weight decay. Nothing of it knows the model's units: the
// model's conditionals drive the chains, its joint energy decides PT's
// swaps, and its optional [Preconditioner] and [Constrainer] shape the step.
//
// The chains are rows of V [Chains·Temperatures, visible], the β = 1 chains
// first; H holds their hidden states during a step (drawn afresh from V at
// each sweep, so a resume needs only V).
type TrainerOf[T Float] struct {
	Model  ModelOf[T]
	cfg    TrainConfig
	batch  int
	params []Parameter
	rates  []float64
	grad   []*tensor.Dense
	vel    []*tensor.Dense
	fast   []*tensor.Dense // FPCD: fast weights of the Fast parameters (nil for others)
	shadow ModelOf[T]      // FPCD: the model plus the fast weights, on which the chains run
	ad     *FreeEnergyGradient
	// momentum is the parameters' update, split over the goroutines the
	// SIMD BLAS lends between its products.
	momentum *numeric.MomentumJob[T]

	v, h   *tensor.Dense // chains [rows, visible], their hidden states [rows, hidden]
	vModel *tensor.Dense // the β = 1 chains: a view of v's first rows
	betas  []float64
	energy []float64
	swaps  *tensor.Dense // PT: [2, temperatures−1] swap attempts and acceptances since SamplerStats
}

// Trainer is the float64 [TrainerOf].
type Trainer = TrainerOf[float64]

// NewTrainer is [NewTrainerOf] for a float64 model.
func NewTrainer(m Model, cfg TrainConfig, batch int, rates map[string]float64) (*Trainer, error) {
	return NewTrainerOf(m, cfg, batch, rates)
}

// NewTrainerOf prepares to train m on minibatches of batch rows under
// cfg (sparsity targets are the binary RBM's only: rbm.Trainer). rates scales the learning
// rate of the parameters it names (the others take it unscaled). The
// chains start at zero: see [Trainer.Chains].
func NewTrainerOf[T Float](m ModelOf[T], cfg TrainConfig, batch int, rates map[string]float64) (*TrainerOf[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.SparsityTarget > 0 {
		return nil, fmt.Errorf("energy: a sparsity target is the binary trainer's only")
	}
	if batch < 1 {
		return nil, fmt.Errorf("energy: batch of %d rows: want at least 1", batch)
	}
	chains := cfg.Chains
	if !cfg.Persistent {
		chains = batch // CD: one chain per data row, restarted there
		cfg.Chains = batch
		cfg.Sampler, cfg.Temperatures = SamplerPCD, 1
	}
	dt := numeric.Dtype[T]()
	for _, p := range m.Parameters() {
		if p.T.Dtype() != dt {
			return nil, fmt.Errorf("energy: parameter %s is %v: the model's states are %v", p.Name, p.T.Dtype(), dt)
		}
	}
	ad, err := NewFreeEnergyGradient(m, batch, chains)
	if err != nil {
		return nil, err
	}
	t := &TrainerOf[T]{Model: m, cfg: cfg, batch: batch, params: m.Parameters(), ad: ad, betas: []float64{1}, momentum: numeric.NewMomentumJob[T]()}
	known := map[string]bool{}
	for _, p := range t.params {
		known[p.Name] = true
		r, ok := rates[p.Name]
		if !ok {
			r = 1
		}
		if r < 0 || math.IsNaN(r) {
			return nil, fmt.Errorf("energy: learning-rate scale %g of %s: want a number ≥ 0", r, p.Name)
		}
		t.rates = append(t.rates, r)
		t.grad = append(t.grad, zerosLike(p.T))
		t.vel = append(t.vel, zerosLike(p.T))
	}
	for name := range rates {
		if !known[name] {
			return nil, fmt.Errorf("energy: learning-rate scale for %q: the model has no such parameter", name)
		}
	}
	if cfg.Sampler == SamplerFPCD {
		t.shadow = m.Clone()
		t.fast = make([]*tensor.Dense, len(t.params))
		for i, p := range t.params {
			if p.Fast {
				t.fast[i] = zerosLike(p.T)
			}
		}
	}
	if cfg.Sampler == SamplerPT {
		t.betas = cfg.Betas()
		t.swaps = tensor.New(tensor.WithShape(2, cfg.Temperatures-1), tensor.Of(tensor.Float64))
	}
	rows := chains * len(t.betas)
	nv, nh := m.Visible(), m.Hidden()
	t.v = tensor.New(tensor.WithShape(rows, nv), tensor.Of(dt))
	t.h = tensor.New(tensor.WithShape(rows, nh), tensor.Of(dt))
	t.vModel = tensor.New(tensor.WithShape(chains, nv), tensor.WithBacking(numeric.Data[T](t.v)[:chains*nv]))
	t.energy = make([]float64, rows)
	return t, nil
}

func zerosLike(x *tensor.Dense) *tensor.Dense {
	return tensor.New(tensor.WithShape(x.Shape().Clone()...), tensor.Of(x.Dtype()))
}

// Chains is the chains' visible states [Chains·Temperatures, visible], the
// β = 1 chains first: a model's trainer sets their starting point.
func (t *TrainerOf[T]) Chains() *tensor.Dense { return t.v }

// HiddenChains is the chains' hidden states after the last step, rows as
// in Chains.
func (t *TrainerOf[T]) HiddenChains() *tensor.Dense { return t.h }

// Step makes one update from the minibatch v0 [batch, visible] (of T).
func (t *TrainerOf[T]) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) error {
	m := t.Model
	dt := numeric.Dtype[T]()
	if s := v0.Shape(); v0.Dtype() != dt || len(s) != 2 || s[0] != t.batch || s[1] != m.Visible() {
		return fmt.Errorf("energy: minibatch of %v %v, trainer made for [%d %d] %v", []int(s), v0.Dtype(), t.batch, m.Visible(), dt)
	}
	if !t.cfg.Persistent {
		copy(numeric.Data[T](t.v), numeric.Data[T](v0))
	}
	sampler := m
	if t.shadow != nil {
		// FPCD: the chains run on the model plus the fast weights.
		for i, p := range t.shadow.Parameters() {
			dst, src := numeric.Data[T](p.T), numeric.Data[T](t.params[i].T)
			copy(dst, src)
			if t.fast[i] != nil {
				for q, f := range numeric.Data[T](t.fast[i]) {
					dst[q] += f
				}
			}
		}
		sampler = t.shadow
	}
	nv, nh := m.Visible(), m.Hidden()
	per := t.cfg.Chains
	v, h := numeric.Data[T](t.v), numeric.Data[T](t.h)
	for k := range t.cfg.K {
		for b, beta := range t.betas {
			sampler.SampleHidden(h[b*per*nh:(b+1)*per*nh], v[b*per*nv:(b+1)*per*nv], beta, rng)
		}
		if k == 0 && len(t.betas) > 1 {
			t.swap(sampler, rng)
		}
		for b, beta := range t.betas {
			sampler.SampleVisible(v[b*per*nv:(b+1)*per*nv], h[b*per*nh:(b+1)*per*nh], beta, rng)
		}
	}
	if err := t.ad.ComputeParameters(t.params, v0, t.vModel, t.grad); err != nil {
		return err
	}
	if pc, ok := m.(Preconditioner); ok {
		pc.Precondition(t.grad)
	}
	fastLR := t.cfg.FastLR
	if fastLR == 0 {
		fastLR = lr
	}
	for i, p := range t.params {
		decay := 0.0
		if p.Decay {
			decay = t.cfg.WeightDecay
		}
		g := numeric.Data[T](t.grad[i])
		t.momentum.Update(numeric.Data[T](p.T), numeric.Data[T](t.vel[i]), g, T(lr*t.rates[i]), T(mom), T(decay), fastblas.RunShared)
		if t.fast != nil && t.fast[i] != nil {
			f := numeric.Data[T](t.fast[i])
			fd, fl := T(t.cfg.FastDecay), T(fastLR)
			for q := range f {
				f[q] = fd*f[q] + fl*g[q]
			}
		}
	}
	if c, ok := m.(Constrainer); ok {
		c.Constrain()
	}
	return nil
}

// swap proposes, for every chain and every other pair of neighbouring
// temperatures (the even pairs or the odd ones, by one draw), to exchange
// the two chains' joint states, and accepts with probability
// min(1, exp((β_k − β_{k+1})(E_k − E_{k+1}))): the Metropolis rule for the
// product of the tempered distributions.
func (t *TrainerOf[T]) swap(m ModelOf[T], rng *rand.Rand) {
	nv, nh := m.Visible(), m.Hidden()
	per := t.cfg.Chains
	v, h := numeric.Data[T](t.v), numeric.Data[T](t.h)
	m.Energy(t.energy, v, h)
	c := t.swaps.Float64s()
	pairs := len(t.betas) - 1
	for k := int(rng.Uint64() >> 63); k < pairs; k += 2 {
		db := t.betas[k] - t.betas[k+1]
		for r := range per {
			a, b := k*per+r, (k+1)*per+r
			c[k]++
			if d := db * (t.energy[a] - t.energy[b]); d < 0 && rng.Float64() >= math.Exp(d) {
				continue
			}
			c[pairs+k]++
			numeric.SwapElements(v[a*nv:(a+1)*nv], v[b*nv:(b+1)*nv])
			numeric.SwapElements(h[a*nh:(a+1)*nh], h[b*nh:(b+1)*nh])
			t.energy[a], t.energy[b] = t.energy[b], t.energy[a]
		}
	}
}

// SamplerStats returns, under parallel tempering, the fraction of proposed
// swaps accepted between each pair of neighbouring temperatures since the
// last call, and starts counting afresh; nil otherwise.
func (t *TrainerOf[T]) SamplerStats() []float64 { return SwapRates(t.swaps) }

// Params are the model's parameters.
func (t *TrainerOf[T]) Params() []checkpoint.Tensor {
	out := make([]checkpoint.Tensor, len(t.params))
	for i, p := range t.params {
		out[i] = checkpoint.Tensor{Name: p.Name, T: p.T}
	}
	return out
}

// State is what a resume needs besides the parameters: the momentum
// buffers, the persistent chains (at every temperature under PT), FPCD's
// fast weights and PT's swap counts.
func (t *TrainerOf[T]) State() []checkpoint.Tensor {
	var s []checkpoint.Tensor
	for i, p := range t.params {
		s = append(s, checkpoint.Tensor{Name: "velocity." + p.Name, T: t.vel[i]})
	}
	if t.cfg.Persistent {
		s = append(s, checkpoint.Tensor{Name: "chains", T: t.v})
	}
	for i, p := range t.params {
		if t.fast != nil && t.fast[i] != nil {
			s = append(s, checkpoint.Tensor{Name: "fast." + p.Name, T: t.fast[i]})
		}
	}
	if t.swaps != nil {
		s = append(s, checkpoint.Tensor{Name: "pt.swaps", T: t.swaps})
	}
	return s
}
