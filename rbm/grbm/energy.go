package grbm

import (
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/rbm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The Gaussian-Bernoulli RBM as an [energy.Model]: what it supplies for
// [energy.Trainer] to train it.
var (
	_ energy.Model          = (*RBM)(nil)
	_ energy.Preconditioner = (*RBM)(nil)
	_ energy.Constrainer    = (*RBM)(nil)
)

// Parameters are W, b, c (fast PCD's fast weights move them; the decay
// applies to W) and the log-variances z.
func (g *RBM) Parameters() []energy.Parameter {
	return []energy.Parameter{
		{Name: rbm.NameW, T: g.W, Decay: true, Fast: true},
		{Name: rbm.NameB, T: g.B, Fast: true},
		{Name: rbm.NameC, T: g.C, Fast: true},
		{Name: "logvar", T: g.LogVar},
	}
}

// FreeEnergyExpr is F(v) of the rows of v from the nodes of W, b, c, z.
func (g *RBM) FreeEnergyExpr(v *G.Node, p []*G.Node) (*G.Node, error) {
	return freeEnergy(v, p[0], p[1], p[2], p[3])
}

// SampleHidden draws h_j = 1 with probability σ(β(c_j + Σ_i W_ij v_i/σ_i²)),
// the inputs of all rows as one matrix product.
func (g *RBM) SampleHidden(h, v []float64, beta float64, rng *rand.Rand) {
	nh := g.Hidden()
	w := g.getWork()
	defer g.putWork(w)
	pre := g.hiddenInputsInto(w, v)
	for r := range len(pre) / nh {
		sampleHidden(h[r*nh:(r+1)*nh], pre[r*nh:(r+1)*nh], beta, rng)
	}
}

// work is the scratch of one call of the sampling methods, pooled so that
// a training step allocates nothing while concurrent calls stay safe.
type work struct{ s2, sd, scaled, pre, means []float64 }

func (g *RBM) getWork() *work {
	if g.pool == nil {
		return &work{}
	}
	return g.pool.Get().(*work)
}

func (g *RBM) putWork(w *work) {
	if g.pool != nil {
		g.pool.Put(w)
	}
}

// hiddenInputs returns c_j + Σ_i W_ij v_i/σ_i² for each row of v.
func (g *RBM) hiddenInputs(v []float64) []float64 { return g.hiddenInputsInto(&work{}, v) }

// hiddenInputsInto is hiddenInputs in w's buffers (the result is w.pre).
func (g *RBM) hiddenInputsInto(w *work, v []float64) []float64 {
	nv, nh := g.Visible(), g.Hidden()
	n := len(v) / nv
	s2 := g.variancesInto(numeric.Scratch(&w.s2, nv))
	scaled := numeric.Scratch(&w.scaled, n*nv)
	for r := range n {
		for i, x := range v[r*nv : (r+1)*nv] {
			scaled[r*nv+i] = x / s2[i]
		}
	}
	pre := numeric.Scratch(&w.pre, n*nh)
	numeric.Gemm(false, false, n, nh, nv, 1, scaled, g.W.Float64s(), 0, pre)
	c := g.C.Float64s()
	for r := range n {
		for j, x := range c {
			pre[r*nh+j] += x
		}
	}
	return pre
}

// visibleMeans returns b + Wh for each row of h.
func (g *RBM) visibleMeans(h []float64) []float64 { return g.visibleMeansInto(&work{}, h) }

// visibleMeansInto is visibleMeans in w's buffers (the result is w.means).
func (g *RBM) visibleMeansInto(w *work, h []float64) []float64 {
	nv, nh := g.Visible(), g.Hidden()
	n := len(h) / nh
	m := numeric.Scratch(&w.means, n*nv)
	numeric.Gemm(false, true, n, nv, nh, 1, h[:n*nh], g.W.Float64s(), 0, m)
	b := g.B.Float64s()
	for r := range n {
		for i, x := range b {
			m[r*nv+i] += x
		}
	}
	return m
}

// SampleVisible draws v_i ~ N(b_i + (Wh)_i, σ_i²/β).
func (g *RBM) SampleVisible(v, h []float64, beta float64, rng *rand.Rand) {
	nv := g.Visible()
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, nv))
	sd := numeric.Scratch(&w.sd, nv)
	for i, x := range s2 {
		sd[i] = math.Sqrt(x / beta)
	}
	m := g.visibleMeansInto(w, h)
	for q := range m {
		v[q] = m[q] + sd[q%nv]*rng.NormFloat64()
	}
}

// Energy is E(v, h) = Σ_i (v_i − b_i)²/(2σ_i²) − cᵀh − Σ_i v_i (Wh)_i/σ_i².
func (g *RBM) Energy(out, v, h []float64) {
	nv, nh := g.Visible(), g.Hidden()
	b, c := g.B.Float64s(), g.C.Float64s()
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, nv))
	m := g.visibleMeansInto(w, h[:len(out)*nh])
	for r := range out {
		e := 0.0
		for j, x := range h[r*nh : (r+1)*nh] {
			e -= c[j] * x
		}
		for i, x := range v[r*nv : (r+1)*nv] {
			d := x - b[i]
			e += (d*d - 2*x*(m[r*nv+i]-b[i])) / (2 * s2[i])
		}
		out[r] = e
	}
}

// Clone copies the parameters and the bounds on σ.
func (g *RBM) Clone() energy.Model {
	c := *g
	c.W, c.B, c.C, c.LogVar = g.W.Clone().(*tensor.Dense), g.B.Clone().(*tensor.Dense), g.C.Clone().(*tensor.Dense), g.LogVar.Clone().(*tensor.Dense)
	return &c
}

// Precondition scales the steps of b_i and of W's row i by σ_i². The
// likelihood's curvature in them is 1/σ_i²: a pixel the model has learned
// to be sharp (σ_i → MinStd) would make those steps a hundred to ten
// thousand times too long and the chains diverge. The diagonal
// preconditioner gives every pixel the same step and leaves the fixed
// points where they are.
func (g *RBM) Precondition(grad []*tensor.Dense) {
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, g.Visible()))
	nh := g.Hidden()
	gw, gb := grad[0].Float64s(), grad[1].Float64s()
	for i, v := range s2 {
		gb[i] *= v
		for j := range nh {
			gw[i*nh+j] *= v
		}
	}
}

// Constrain keeps σ within [MinStd, MaxStd].
func (g *RBM) Constrain() {
	lo, hi := 2*math.Log(g.MinStd), 2*math.Log(g.MaxStd)
	for i, z := range g.LogVar.Float64s() {
		g.LogVar.Float64s()[i] = min(max(z, lo), hi)
	}
}

// Gibbs runs k sweeps on the rows of v [N, visible] (standardised units):
// h ~ p(h|v), then v ~ N(b + Wh, σ²).
func (g *RBM) Gibbs(v *tensor.Dense, k int, rng *rand.Rand) {
	x := v.Float64s()
	h := make([]float64, len(x)/g.Visible()*g.Hidden())
	for range k {
		g.SampleHidden(h, x, 1, rng)
		g.SampleVisible(x, h, 1, rng)
	}
}
