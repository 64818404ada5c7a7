package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// Kind is the model kind recorded in checkpoints.
const Kind = "rbm"

// RBM is a Bernoulli-Bernoulli restricted Boltzmann machine.
type RBM struct {
	W *tensor.Dense // [visible, hidden] couplings
	B *tensor.Dense // [visible] visible biases
	C *tensor.Dense // [hidden] hidden biases
}

// New returns an RBM with all parameters zero. dt is tensor.Float32 or
// tensor.Float64.
func New(visible, hidden int, dt tensor.Dtype) (*RBM, error) {
	if visible <= 0 || hidden <= 0 {
		return nil, fmt.Errorf("rbm: visible (%d) and hidden (%d) units must be positive", visible, hidden)
	}
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("rbm: dtype %v not supported: want float32 or float64", dt)
	}
	return &RBM{
		W: tensor.New(tensor.WithShape(visible, hidden), tensor.Of(dt)),
		B: tensor.New(tensor.WithShape(visible), tensor.Of(dt)),
		C: tensor.New(tensor.WithShape(hidden), tensor.Of(dt)),
	}, nil
}

// Visible is the number of visible units.
func (r *RBM) Visible() int { return r.W.Shape()[0] }

// Hidden is the number of hidden units.
func (r *RBM) Hidden() int { return r.W.Shape()[1] }

// Dtype is the element type of the parameters.
func (r *RBM) Dtype() tensor.Dtype { return r.W.Dtype() }

// InitHinton initialises the parameters as Hinton's practical guide (§8)
// advises: W ~ N(0, 0.01²), b_i = log(p_i/(1−p_i)) where p_i is the mean of
// visible unit i over data (clipped to [1e-3, 1−1e-3] so that a pixel that is
// always off does not get an infinite bias), and c = 0.
func (r *RBM) InitHinton(data *tensor.Dense, rng *rand.Rand) error {
	if s := data.Shape(); len(s) != 2 || s[1] != r.Visible() {
		return fmt.Errorf("rbm: initialisation data have shape %v, want [N, %d]", s, r.Visible())
	}
	if r.Dtype() == tensor.Float32 {
		initHinton(r, numeric.Data[float32](data), rng)
	} else {
		initHinton(r, numeric.Data[float64](data), rng)
	}
	return nil
}

func initHinton[T numeric.Float](r *RBM, data []T, rng *rand.Rand) {
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	for i := range w {
		w[i] = T(0.01 * rng.NormFloat64())
	}
	nv := len(b)
	mean := make([]float64, nv)
	for r := 0; r+nv <= len(data); r += nv {
		for i, x := range data[r : r+nv] {
			mean[i] += float64(x)
		}
	}
	n := float64(len(data) / nv)
	for i := range b {
		p := min(max(mean[i]/n, 1e-3), 1-1e-3)
		b[i] = T(math.Log(p / (1 - p)))
	}
	clear(c)
}

// rows returns the number of rows of a [N, d] matrix and checks d.
func rows(t *tensor.Dense, d int, what string) int {
	s := t.Shape()
	if len(s) != 2 || s[1] != d {
		panic(fmt.Sprintf("rbm: %s has shape %v, want [N, %d]", what, s, d))
	}
	return s[0]
}

// HiddenProbs sets out [N, hidden] to P(h=1|v) for each row of v [N, visible].
func (r *RBM) HiddenProbs(v, out *tensor.Dense) {
	n := rows(v, r.Visible(), "v")
	rows(out, r.Hidden(), "hidden output")
	if r.Dtype() == tensor.Float32 {
		hiddenProbs[float32](r, n, v, out)
	} else {
		hiddenProbs[float64](r, n, v, out)
	}
}

func hiddenProbs[T numeric.Float](r *RBM, n int, v, out *tensor.Dense) {
	o := numeric.Data[T](out)
	numeric.Gemm(false, false, n, r.Hidden(), r.Visible(), 1, numeric.Data[T](v), numeric.Data[T](r.W), 0, o)
	numeric.AddRowSigmoid(o, numeric.Data[T](r.C))
}

// VisibleProbs sets out [N, visible] to P(v=1|h) for each row of h [N, hidden].
func (r *RBM) VisibleProbs(h, out *tensor.Dense) {
	n := rows(h, r.Hidden(), "h")
	rows(out, r.Visible(), "visible output")
	if r.Dtype() == tensor.Float32 {
		visibleProbs[float32](r, n, h, out)
	} else {
		visibleProbs[float64](r, n, h, out)
	}
}

func visibleProbs[T numeric.Float](r *RBM, n int, h, out *tensor.Dense) {
	o := numeric.Data[T](out)
	numeric.Gemm(false, true, n, r.Visible(), r.Hidden(), 1, numeric.Data[T](h), numeric.Data[T](r.W), 0, o)
	numeric.AddRowSigmoid(o, numeric.Data[T](r.B))
}

// Sample sets dst[i] to 1 with probability p[i]; dst and p have one shape.
func Sample(dst, p *tensor.Dense, rng *rand.Rand) {
	switch d := dst.Data().(type) {
	case []float32:
		numeric.SampleBernoulli(d, p.Data().([]float32), rng)
	case []float64:
		numeric.SampleBernoulli(d, p.Data().([]float64), rng)
	}
}

// Chain holds the buffers of a block Gibbs chain over N rows, so that a
// sampling loop allocates nothing.
type Chain struct {
	V, H   *tensor.Dense // current states
	PV, PH *tensor.Dense // the conditionals that produced them
}

// NewChain allocates a chain of n rows for r, its visible states zero.
func (r *RBM) NewChain(n int) *Chain {
	dt := r.Dtype()
	return &Chain{
		V:  tensor.New(tensor.WithShape(n, r.Visible()), tensor.Of(dt)),
		H:  tensor.New(tensor.WithShape(n, r.Hidden()), tensor.Of(dt)),
		PV: tensor.New(tensor.WithShape(n, r.Visible()), tensor.Of(dt)),
		PH: tensor.New(tensor.WithShape(n, r.Hidden()), tensor.Of(dt)),
	}
}

// Gibbs runs k steps of block Gibbs sampling from the visible states in
// c.V: h ~ p(h|v), then v ~ p(v|h). On return c.V is the last visible sample
// and c.PH holds p(h|c.V), the Rao-Blackwellised hidden statistic; c.H and
// c.PV hold the last hidden sample and the visible probabilities it gave.
func (r *RBM) Gibbs(c *Chain, k int, rng *rand.Rand) {
	r.HiddenProbs(c.V, c.PH)
	r.gibbsFrom(c, k, rng)
}
