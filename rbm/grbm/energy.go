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
	pre := g.hiddenInputs(v)
	for r := range len(pre) / nh {
		sampleHidden(h[r*nh:(r+1)*nh], pre[r*nh:(r+1)*nh], beta, rng)
	}
}

// hiddenInputs returns c_j + Σ_i W_ij v_i/σ_i² for each row of v.
func (g *RBM) hiddenInputs(v []float64) []float64 {
	nv, nh := g.Visible(), g.Hidden()
	n := len(v) / nv
	s2 := g.Variances()
	scaled := make([]float64, n*nv)
	for q, x := range v[:n*nv] {
		scaled[q] = x / s2[q%nv]
	}
	pre := make([]float64, n*nh)
	numeric.Gemm(false, false, n, nh, nv, 1, scaled, g.W.Float64s(), 0, pre)
	c := g.C.Float64s()
	for q := range pre {
		pre[q] += c[q%nh]
	}
	return pre
}

// visibleMeans returns b + Wh for each row of h.
func (g *RBM) visibleMeans(h []float64) []float64 {
	nv, nh := g.Visible(), g.Hidden()
	n := len(h) / nh
	m := make([]float64, n*nv)
	numeric.Gemm(false, true, n, nv, nh, 1, h[:n*nh], g.W.Float64s(), 0, m)
	b := g.B.Float64s()
	for q := range m {
		m[q] += b[q%nv]
	}
	return m
}

// SampleVisible draws v_i ~ N(b_i + (Wh)_i, σ_i²/β).
func (g *RBM) SampleVisible(v, h []float64, beta float64, rng *rand.Rand) {
	nv := g.Visible()
	s2 := g.Variances()
	sd := make([]float64, nv)
	for i, x := range s2 {
		sd[i] = math.Sqrt(x / beta)
	}
	m := g.visibleMeans(h)
	for q := range m {
		v[q] = m[q] + sd[q%nv]*rng.NormFloat64()
	}
}

// Energy is E(v, h) = Σ_i (v_i − b_i)²/(2σ_i²) − cᵀh − Σ_i v_i (Wh)_i/σ_i².
func (g *RBM) Energy(out, v, h []float64) {
	nv, nh := g.Visible(), g.Hidden()
	b, c := g.B.Float64s(), g.C.Float64s()
	s2 := g.Variances()
	m := g.visibleMeans(h[:len(out)*nh])
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
	s2 := g.Variances()
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
