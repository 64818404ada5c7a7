package bm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// MaxHiddenSum is the most hidden units whose states the free energy sums
// over when hidden units are coupled to one another.
const MaxHiddenSum = 20

// Trainer trains a machine under train.Run with one of the rules, with
// momentum and weight decay, and reports on it for evaluate.
type Trainer struct {
	*Learner
	WeightDecay float64
	vW, vB      *tensor.Dense // momentum buffers
	chains      *tensor.Dense // the modern rule's chains, [C, N] (nil otherwise)
}

// Builder returns the train.Builder of a machine of h hidden units with
// the connectivity (a name, or mask of [N, N] values when conn is ""),
// learning by cfg; init scales the initial couplings.
func Builder(h int, conn string, mask []float64, cfg LearnConfig, weightDecay, init float64) train.Builder {
	return func(visible int, initData *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
		var err error
		if conn != "" {
			if mask, err = Connectivity(conn, visible, h); err != nil {
				return nil, err
			}
		}
		m, err := New(visible, h, mask, init, rng)
		if err != nil {
			return nil, err
		}
		if initData != nil { // visible biases at the data's log-odds
			if rates, err := ais.BaseRates(initData); err == nil {
				copy(m.b(), rates)
			}
		}
		l, err := NewLearner(m, cfg, rng)
		if err != nil {
			return nil, err
		}
		t := &Trainer{Learner: l, WeightDecay: weightDecay,
			vW: tensor.New(tensor.WithShape(m.N(), m.N()), tensor.Of(tensor.Float64)),
			vB: tensor.New(tensor.WithShape(m.N()), tensor.Of(tensor.Float64))}
		if len(l.Chains) > 0 {
			flat := make([]float64, 0, len(l.Chains)*m.N())
			for _, c := range l.Chains {
				flat = append(flat, c...)
			}
			t.chains = tensor.New(tensor.WithShape(len(l.Chains), m.N()), tensor.WithBacking(flat))
			for i := range l.Chains { // the chains live in the tensor, so that a checkpoint holds them
				l.Chains[i] = flat[i*m.N() : (i+1)*m.N()]
			}
		}
		return t, nil
	}
}

func rows(x *tensor.Dense) ([][]float64, error) {
	s := x.Shape()
	data, ok := x.Data().([]float64)
	if !ok || len(s) != 2 {
		return nil, fmt.Errorf("bm: want a [N, D] float64 matrix (dtype float64), got %v %v", s, x.Dtype())
	}
	out := make([][]float64, s[0])
	for i := range out {
		out[i] = data[i*s[1] : (i+1)*s[1]]
	}
	return out, nil
}

// Step makes one update from a minibatch: the rule's gradient, weight
// decay on W, momentum.
func (t *Trainer) Step(batch *tensor.Dense, lr, momentum float64, rng *rand.Rand) error {
	b, err := rows(batch)
	if err != nil {
		return err
	}
	if len(b) > 0 && len(b[0]) != t.M.V {
		return fmt.Errorf("bm: a batch of %d values a row for %d visible units", len(b[0]), t.M.V)
	}
	dW, db := t.Gradient(b, rng)
	w := t.M.w()
	vw, vb := t.vW.Data().([]float64), t.vB.Data().([]float64)
	for i := range vw {
		vw[i] = momentum*vw[i] + dW[i] - t.WeightDecay*w[i]
	}
	for i := range vb {
		vb[i] = momentum*vb[i] + db[i]
	}
	t.M.Apply(vw, vb, lr)
	return nil
}

// Params are the machine's tensors.
func (t *Trainer) Params() []checkpoint.Tensor { return t.M.Params() }

// State is the momentum and, for the modern rule, the persistent chains.
func (t *Trainer) State() []checkpoint.Tensor {
	st := []checkpoint.Tensor{{Name: "vW", T: t.vW}, {Name: "vb", T: t.vB}}
	if t.chains != nil {
		st = append(st, checkpoint.Tensor{Name: "chains", T: t.chains})
	}
	return st
}

// Visible is the number of visible units.
func (t *Trainer) Visible() int { return t.M.V }

// hiddenCoupled says whether any two hidden units are coupled.
func (m *Machine) hiddenCoupled() bool {
	n, mask := m.N(), m.mask()
	for i := m.V; i < n; i++ {
		for j := m.V; j < n; j++ {
			if mask[i*n+j] != 0 {
				return true
			}
		}
	}
	return false
}

// FreeEnergy is F(v) = −log Σ_h exp(−E(v, h)): in closed form when the
// hidden units are not coupled to one another, by summing their states
// when they are (at most MaxHiddenSum of them).
func (m *Machine) FreeEnergy(v []float64) (float64, error) {
	s := make([]float64, m.N())
	copy(s, v)
	if !m.hiddenCoupled() {
		return -m.logTempered(s, nil, 1), nil
	}
	if m.H > MaxHiddenSum {
		return math.NaN(), fmt.Errorf("bm: %d coupled hidden units are too many to sum over (at most %d)", m.H, MaxHiddenSum)
	}
	return -m.logMarginal(v), nil
}

// DataFreeEnergy is F(v) of each row (NaN where it cannot be summed).
func (t *Trainer) DataFreeEnergy(data *tensor.Dense) []float64 {
	r, err := rows(data)
	out := make([]float64, len(r))
	if err != nil {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	for i, v := range r {
		out[i], _ = t.M.FreeEnergy(v)
	}
	return out
}

// Evaluate scores data: the squared error of a mean-field reconstruction
// (hidden means given v, then visible means given those), the pseudo-
// log-likelihood by one random unit's flip, and the mean free energy.
func (t *Trainer) Evaluate(data *tensor.Dense, rng *rand.Rand) train.Scores {
	r, err := rows(data)
	if err != nil || len(r) == 0 {
		return train.NoScores()
	}
	m := t.M
	mu := make([]float64, m.N())
	var recon, pll, free float64
	for _, v := range r {
		for i := range mu {
			mu[i] = 0.5
		}
		copy(mu, v)
		m.meanFieldOn(mu, m.V, 1, 10)
		for i := range m.V {
			p := numeric.Sigmoid(m.Gap(mu, i))
			recon += (p - v[i]) * (p - v[i])
		}
		f, err := m.FreeEnergy(v)
		if err != nil {
			return train.Scores{ReconError: math.NaN(), PseudoLogLikelihood: math.NaN(), FreeEnergy: math.NaN()}
		}
		free += f
		k := rng.IntN(m.V)
		flipped := append([]float64(nil), v...)
		flipped[k] = 1 - flipped[k]
		g, _ := m.FreeEnergy(flipped)
		pll += float64(m.V) * -numeric.Softplus(f-g)
	}
	n := float64(len(r))
	return train.Scores{ReconError: recon / n, PseudoLogLikelihood: pll / n, FreeEnergy: free / n}
}

// EnumerateLogZ is log Z by enumeration when the machine has at most
// limit units (and MaxExact).
func (t *Trainer) EnumerateLogZ(limit int) (float64, bool, error) {
	if t.M.N() > min(limit, MaxExact) {
		return 0, false, nil
	}
	z, err := t.M.LogZ(1)
	return z, err == nil, err
}

// Filters are the couplings from the visible units into the first n
// hidden units.
func (t *Trainer) Filters(n int) [][]float64 {
	m := t.M
	w := m.w()
	var out [][]float64
	for j := m.V; j < m.N() && len(out) < n; j++ {
		f := make([]float64, m.V)
		for i := range m.V {
			f[i] = w[i*m.N()+j]
		}
		out = append(out, f)
	}
	return out
}

// Samples runs n chains of steps Gibbs sweeps at T = 1 from random states
// and returns the visible units' probabilities given the last state.
func (t *Trainer) Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error) {
	m := t.M
	net, _ := m.Network()
	all := m.freeUnits(false)
	states := make([][]float64, n)
	for k := range states {
		states[k] = randomState(m.N(), rng)
	}
	for step := range steps {
		for _, s := range states {
			annealOn(net, s, []Step{{T: 1, Sweeps: 1}}, all, false, rng)
		}
		if progress != nil {
			progress(step + 1)
		}
	}
	out := make([][]float64, n)
	for k, s := range states {
		out[k] = make([]float64, m.V)
		for i := range m.V {
			out[k][i] = numeric.Sigmoid(m.Gap(s, i))
		}
	}
	return out, nil
}

// AnnealLogZ estimates log Z by AIS over every unit, from independent
// units at the training data's base rates (the hidden ones at one half)
// to the machine, with Gibbs sweeps as the transitions; one stream a
// chain.
func (t *Trainer) AnnealLogZ(trainData *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	m := t.M
	a := make([]float64, m.N())
	if trainData != nil {
		rates, err := ais.BaseRates(trainData)
		if err != nil {
			return ais.Estimate{}, err
		}
		copy(a, rates)
	}
	logZ0 := enumerate.IndependentLogZ(a)
	est, _, err := ais.Run(cfg, logZ0, runtime.GOMAXPROCS(0), func(lo, hi int) ais.Chains {
		c := &aisChains{m: m, a: a}
		for k := lo; k < hi; k++ {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)))
			s := make([]float64, m.N())
			for i := range s {
				s[i] = bernoulli(numeric.Sigmoid(a[i]), rng)
			}
			c.states, c.rngs = append(c.states, s), append(c.rngs, rng)
		}
		return c
	})
	return est, err
}

// aisChains are AIS chains on p_β(s) ∝ exp(−βE(s) + (1−β)aᵀs).
type aisChains struct {
	m      *Machine
	a      []float64
	states [][]float64
	rngs   []*rand.Rand
}

func (c *aisChains) AddLogRatio(logw []float64, hi, lo float64) {
	for k, s := range c.states {
		base := 0.0
		for i, x := range s {
			base += c.a[i] * x
		}
		logw[k] += (hi - lo) * (-c.m.Energy(s) - base)
	}
}

func (c *aisChains) Transition(beta float64) {
	for k, s := range c.states {
		rng := c.rngs[k]
		for i := range s {
			g := beta*c.m.Gap(s, i) + (1-beta)*c.a[i]
			s[i] = 0
			if rng.Float64() < numeric.Sigmoid(g) {
				s[i] = 1
			}
		}
	}
}

var _ train.Learner = (*Trainer)(nil)
