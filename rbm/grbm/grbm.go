package grbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/graph"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/rbm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// RBM is a Gaussian-Bernoulli RBM in the parameterisation of Cho,
// Ilin & Raiko (ICANN 2011, "Improved learning of Gaussian-Bernoulli
// restricted Boltzmann machines"): real visible units with their own
// variances σ_i² = e^{z_i}, binary hidden units, and the energy
//
//	E(v, h) = Σ_i (v_i − b_i)²/(2σ_i²) − Σ_j c_j h_j − Σ_ij W_ij h_j v_i/σ_i²,
//
// so that p(h_j=1|v) = σ(c_j + Σ_i W_ij v_i/σ_i²), v_i|h ~ N(b_i + (Wh)_i, σ_i²),
// and the free energy is
//
//	F(v) = Σ_i (v_i − b_i)²/(2σ_i²) − Σ_j softplus(c_j + Σ_i W_ij v_i/σ_i²).
//
// The log-variances z are learned in place of σ, which keeps σ positive;
// MinStd and MaxStd bound σ. Parameters are float64 *tensor.Dense.
type RBM struct {
	Model[float64]
}

// Model is the Gaussian-Bernoulli RBM's parameters, of T, and what the
// energy trainer needs of them (energy.ModelOf[T]): conditionals, energy,
// free-energy expression, preconditioner and bounds. [RBM] is the float64
// one, with the evaluation; a float32 Model trains faster (BenchmarkStep) and
// is evaluated as an RBM ([Model.Float64]).
type Model[T energy.Float] struct {
	W      *tensor.Dense // [visible, hidden]
	B      *tensor.Dense // [visible]: the visible means
	C      *tensor.Dense // [hidden]
	LogVar *tensor.Dense // [visible]: z_i = log σ_i²
	MinStd float64
	MaxStd float64

	pool *sync.Pool // of *work[T]: the sampling methods' scratch
	rows *rowSplit  // float32: the per-row draws' goroutines (nil: draws in order from the caller's rng)
}

// New returns a Gaussian-Bernoulli RBM with zero parameters (unit
// variances), σ bounded to [0.01, 10] (the trainer's data are standardised
// to unit variance).
func New(visible, hidden int) (*RBM, error) {
	m, err := NewModel[float64](visible, hidden)
	if err != nil {
		return nil, err
	}
	return &RBM{*m}, nil
}

// NewModel is [New] in precision T.
func NewModel[T energy.Float](visible, hidden int) (*Model[T], error) {
	if visible < 1 || hidden < 1 {
		return nil, fmt.Errorf("grbm: %d visible and %d hidden units: want at least one of each", visible, hidden)
	}
	f := numeric.Dtype[T]()
	var rows *rowSplit
	if f == tensor.Float32 {
		rows = newRowSplit()
	}
	return &Model[T]{
		rows:   rows,
		W:      tensor.New(tensor.WithShape(visible, hidden), tensor.Of(f)),
		B:      tensor.New(tensor.WithShape(visible), tensor.Of(f)),
		C:      tensor.New(tensor.WithShape(hidden), tensor.Of(f)),
		LogVar: tensor.New(tensor.WithShape(visible), tensor.Of(f)),
		MinStd: 0.01,
		MaxStd: 10,
		pool:   &sync.Pool{New: func() any { return newWork[T](visible, hidden) }},
	}, nil
}

// Float64 sets dst (of the same shape) to this model in float64, for
// evaluation.
func (g *Model[T]) Float64(dst *RBM) {
	for _, p := range [][2]*tensor.Dense{{dst.W, g.W}, {dst.B, g.B}, {dst.C, g.C}, {dst.LogVar, g.LogVar}} {
		d := p[0].Float64s()
		for i, x := range numeric.Data[T](p[1]) {
			d[i] = float64(x)
		}
	}
	dst.MinStd, dst.MaxStd = g.MinStd, g.MaxStd
}

// Visible and Hidden are the layer sizes.
func (g *Model[T]) Visible() int { return g.W.Shape()[0] }
func (g *Model[T]) Hidden() int  { return g.W.Shape()[1] }

// Variances returns σ_i² = e^{z_i} within [MinStd², MaxStd²].
func (g *Model[T]) Variances() []float64 {
	out := make([]float64, g.Visible())
	for i, x := range numeric.Data[T](g.LogVar) {
		out[i] = variance(float64(x), g.MinStd, g.MaxStd)
	}
	return out
}

// variancesInto is Variances into out, of T.
func (g *Model[T]) variancesInto(out []T) []T {
	for i, x := range numeric.Data[T](g.LogVar) {
		out[i] = T(variance(float64(x), g.MinStd, g.MaxStd))
	}
	return out
}

// variance is e^z within [lo², hi²].
func variance(z, lo, hi float64) float64 { return min(max(math.Exp(z), lo*lo), hi*hi) }

// sampleHidden draws h_j = 1 with probability σ(β·pre_j).
func sampleHidden[T energy.Float](h, pre []T, beta float64, rng *rand.Rand) {
	for j, p := range pre {
		h[j] = 0
		if rng.Float64() < numeric.Sigmoid(beta*float64(p)) {
			h[j] = 1
		}
	}
}

// FreeEnergy returns F(v) for each row of v [N, visible], a thousand rows
// at a time.
func (g *RBM) FreeEnergy(v *tensor.Dense) []float64 {
	nv, nh := g.Visible(), g.Hidden()
	x, b, s2 := v.Float64s(), g.B.Float64s(), g.Variances()
	n := len(x) / nv
	out := make([]float64, n)
	const chunk = 1000
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		pre := g.hiddenInputs(x[lo*nv : hi*nv])
		numeric.ParallelFor(hi-lo, func(r int) {
			f := 0.0
			for i, xi := range x[(lo+r)*nv : (lo+r+1)*nv] {
				d := xi - b[i]
				f += d * d / (2 * s2[i])
			}
			for _, p := range pre[r*nh : (r+1)*nh] {
				f -= numeric.Softplus(p)
			}
			out[lo+r] = f
		})
	}
	return out
}

// ExactLogZ sums over the hidden states (at most rbm.MaxExactUnits units) with
// the Gaussian visible integral in closed form:
//
//	log Z = Σ_i ½ log(2πσ_i²) + log Σ_h exp(cᵀh + Σ_i ((Wh)_i² + 2 b_i (Wh)_i)/(2σ_i²)).
func (g *RBM) ExactLogZ() (float64, error) {
	nv, nh := g.Visible(), g.Hidden()
	if nh > rbm.MaxExactUnits {
		return 0, fmt.Errorf("grbm: exact log Z sums over 2^%d hidden states: at most %d hidden units", nh, rbm.MaxExactUnits)
	}
	w, b, c, s2 := g.W.Float64s(), g.B.Float64s(), g.C.Float64s(), g.Variances()
	base := 0.0
	for _, s := range s2 {
		base += 0.5 * math.Log(2*math.Pi*s)
	}
	wh := make([]float64, nv)
	acc := ais.NewLogSum()
	for state := 0; state < 1<<nh; state++ {
		e := 0.0
		clear(wh)
		for j := range nh {
			if state>>j&1 == 1 {
				e += c[j]
				for i := range nv {
					wh[i] += w[i*nh+j]
				}
			}
		}
		for i, m := range wh {
			e += (m*m + 2*b[i]*m) / (2 * s2[i])
		}
		acc.Add(e)
	}
	return base + acc.Value(), nil
}

// Base is the base model of AIS for a Gaussian-Bernoulli RBM:
// independent Gaussians with the data's means and variances.
type Base struct {
	Mean, Var []float64
}

// FitBase fits the base model to data [N, visible], with a floor of
// minVar on each variance.
func FitBase(data *tensor.Dense, minVar float64) (Base, error) {
	s := data.Shape()
	if len(s) != 2 || s[0] < 2 {
		return Base{}, fmt.Errorf("grbm: the Gaussian base needs at least two rows, got shape %v", s)
	}
	n, d := s[0], s[1]
	x := numeric.ToFloat64(data.Data())
	m, v := make([]float64, d), make([]float64, d)
	for r := range n {
		for i, xi := range x[r*d : (r+1)*d] {
			m[i] += xi / float64(n)
		}
	}
	for r := range n {
		for i, xi := range x[r*d : (r+1)*d] {
			dd := xi - m[i]
			v[i] += dd * dd / float64(n-1)
		}
	}
	for i := range v {
		v[i] = max(v[i], minVar)
	}
	return Base{Mean: m, Var: v}, nil
}

// AIS estimates log Z by annealed importance sampling from the base model
// along p_β(v, h) ∝ exp(−(1−β)E_A(v) − β E(v, h)), where
// E_A(v) = Σ_i (v_i − μ_i)²/(2s_i²): at β = 0 the visible units are the base
// Gaussians and the hidden units fair coins, Z_0 = 2^H Π_i √(2π s_i²). Each
// transition is a Gibbs sweep at β: h ~ σ(β(c + Wᵀ(v/σ²))), then v from the
// Gaussian with precision (1−β)/s² + β/σ² and the precision-weighted mean of
// μ and b + Wh. The log weights add log f_β_k(v) − log f_β_{k−1}(v) with
//
//	log f_β(v) = −(1−β)E_A(v) − β Σ_i (v_i − b_i)²/(2σ_i²) + Σ_j softplus(β(c_j + Σ_i W_ij v_i/σ_i²)),
//
// the hidden units summed out. Chain i draws from its own stream.
func (g *RBM) AIS(base Base, cfg ais.Config) (ais.Estimate, []float64, error) {
	nv, nh := g.Visible(), g.Hidden()
	if len(base.Mean) != nv || len(base.Var) != nv {
		return ais.Estimate{}, nil, fmt.Errorf("grbm: base model of %d and %d units for %d visible units", len(base.Mean), len(base.Var), nv)
	}
	for i, s := range base.Var {
		if !(s > 0) {
			return ais.Estimate{}, nil, fmt.Errorf("grbm: base variance %d is %g: want positive", i, s)
		}
	}
	logZ0 := float64(nh) * math.Ln2
	for _, s := range base.Var {
		logZ0 += 0.5 * math.Log(2*math.Pi*s)
	}
	// The chains run in blocks, a block's products as two matrix products
	// a step; chain r draws from its own stream whatever its block.
	return ais.Run(cfg, logZ0, 2*runtime.GOMAXPROCS(0), func(lo, hi int) ais.Chains {
		return g.newChains(base, cfg.Seed, lo, hi)
	})
}

// chains are a block of the Gaussian RBM's AIS chains.
type chains struct {
	g           *RBM
	base        Base
	b, s2, w, c []float64
	rows        int
	rngs        []*rand.Rand
	v, vs, mean []float64 // [rows, nv]: states, v/σ², the means of p(v|h)
	pre, h      []float64 // [rows, nh]: c + Wᵀ(v/σ²), hidden states
}

// newChains draws chains lo…hi−1 from the base Gaussians.
func (g *RBM) newChains(base Base, seed uint64, lo, hi int) *chains {
	nv, nh, rows := g.Visible(), g.Hidden(), hi-lo
	a := &chains{g: g, base: base, b: g.B.Float64s(), s2: g.Variances(), w: g.W.Float64s(), c: g.C.Float64s(), rows: rows,
		rngs: make([]*rand.Rand, rows),
		v:    make([]float64, rows*nv), vs: make([]float64, rows*nv), mean: make([]float64, rows*nv),
		pre: make([]float64, rows*nh), h: make([]float64, rows*nh)}
	for r := range rows {
		st := numeric.NewStream(seed, uint64(lo+r), 0)
		a.rngs[r] = rand.New(&st)
	}
	for r := range rows {
		for i := range nv {
			a.v[r*nv+i] = base.Mean[i] + math.Sqrt(base.Var[i])*a.rngs[r].NormFloat64()
		}
	}
	return a
}

// logF is log f_β(v) of one chain, from its pre-activations pre.
func (a *chains) logF(v, pre []float64, beta float64) float64 {
	f := 0.0
	for i, x := range v {
		da, db := x-a.base.Mean[i], x-a.b[i]
		f -= (1-beta)*da*da/(2*a.base.Var[i]) + beta*db*db/(2*a.s2[i])
	}
	for _, p := range pre {
		f += numeric.Softplus(beta * p)
	}
	return f
}

// AddLogRatio sets the pre-activations and adds log f_hi − log f_lo of
// every chain to logw (ais.Chains).
func (a *chains) AddLogRatio(logw []float64, hi, lo float64) {
	nv, nh := a.g.Visible(), a.g.Hidden()
	for r := range a.rows {
		for i := range nv {
			a.vs[r*nv+i] = a.v[r*nv+i] / a.s2[i]
		}
		copy(a.pre[r*nh:(r+1)*nh], a.c)
	}
	numeric.Gemm(false, false, a.rows, nh, nv, 1, a.vs, a.w, 1, a.pre)
	for r := range a.rows {
		v, pre := a.v[r*nv:(r+1)*nv], a.pre[r*nh:(r+1)*nh]
		logw[r] += a.logF(v, pre, hi) - a.logF(v, pre, lo)
	}
}

// Transition is one Gibbs sweep at β from the pre-activations
// AddLogRatio left (ais.Chains): h, then v from the Gaussian with
// precision (1−β)/s² + β/σ² and the precision-weighted mean.
func (a *chains) Transition(beta float64) {
	nv, nh := a.g.Visible(), a.g.Hidden()
	for r := range a.rows {
		sampleHidden(a.h[r*nh:(r+1)*nh], a.pre[r*nh:(r+1)*nh], beta, a.rngs[r])
		copy(a.mean[r*nv:(r+1)*nv], a.b)
	}
	numeric.Gemm(false, true, a.rows, nv, nh, 1, a.h, a.w, 1, a.mean)
	for r := range a.rows {
		for i := range nv {
			prec := (1-beta)/a.base.Var[i] + beta/a.s2[i]
			m := ((1-beta)*a.base.Mean[i]/a.base.Var[i] + beta*a.mean[r*nv+i]/a.s2[i]) / prec
			a.v[r*nv+i] = m + a.rngs[r].NormFloat64()/math.Sqrt(prec)
		}
	}
}

// freeEnergy builds F(v) for each row of v as a node of shape [N].
func freeEnergy(v, w, b, c, z *G.Node) (*G.Node, error) {
	var b0 graph.Builder
	do := b0.Do
	invVar := do(func() (*G.Node, error) { return G.Exp(do(func() (*G.Node, error) { return G.Neg(z) })) })
	diff := do(func() (*G.Node, error) { return G.BroadcastSub(v, b, nil, []byte{0}) })
	sq := do(func() (*G.Node, error) { return G.Square(diff) })
	quad := do(func() (*G.Node, error) { return G.BroadcastHadamardProd(sq, invVar, nil, []byte{0}) })
	half := do(func() (*G.Node, error) { return G.Sum(quad, 1) })
	var halfConst any = 0.5
	if v.Dtype() == tensor.Float32 {
		halfConst = float32(0.5) // a constant of the graph's dtype
	}
	halfq := do(func() (*G.Node, error) { return G.Mul(half, G.NewConstant(halfConst)) })
	scaled := do(func() (*G.Node, error) { return G.BroadcastHadamardProd(v, invVar, nil, []byte{0}) })
	vw := do(func() (*G.Node, error) { return G.Mul(scaled, w) })
	pre := do(func() (*G.Node, error) { return G.BroadcastAdd(vw, c, nil, []byte{0}) })
	sp := do(func() (*G.Node, error) { return G.Softplus(pre) })
	s := do(func() (*G.Node, error) { return G.Sum(sp, 1) })
	f := do(func() (*G.Node, error) { return G.Sub(halfq, s) })
	return f, b0.Err()
}
