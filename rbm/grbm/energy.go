package grbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
	"github.com/boltzmann-go/boltzmann/rbm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The Gaussian-Bernoulli RBM as an [energy.ModelOf]: what it supplies for
// [energy.TrainerOf] to train it, in float64 and float32.
var (
	_ energy.Model            = (*RBM)(nil)
	_ energy.ModelOf[float32] = (*Model[float32])(nil)
	_ energy.Preconditioner   = (*RBM)(nil)
	_ energy.Constrainer      = (*Model[float32])(nil)
)

// Parameters are W, b, c (fast PCD's fast weights move them; the decay
// applies to W) and the log-variances z.
func (g *Model[T]) Parameters() []energy.Parameter {
	return []energy.Parameter{
		{Name: rbm.NameW, T: g.W, Decay: true, Fast: true},
		{Name: rbm.NameB, T: g.B, Fast: true},
		{Name: rbm.NameC, T: g.C, Fast: true},
		{Name: "logvar", T: g.LogVar},
	}
}

// FreeEnergyExpr is F(v) of the rows of v from the nodes of W, b, c, z.
func (g *Model[T]) FreeEnergyExpr(v *G.Node, p []*G.Node) (*G.Node, error) {
	return freeEnergy(v, p[0], p[1], p[2], p[3])
}

// SampleHidden draws h_j = 1 with probability σ(β(c_j + Σ_i W_ij v_i/σ_i²)),
// the inputs of all rows as one matrix product. A float32 model draws
// each row from its own stream (keyed by one draw of rng), the rows split
// over the cores; a float64 one computes the probabilities over the cores
// the SIMD BLAS lends, then draws from rng in order.
func (g *Model[T]) SampleHidden(h, v []T, beta float64, rng *rand.Rand) {
	nh := g.Hidden()
	w := g.getWork()
	defer g.putWork(w)
	pre := g.hiddenInputsInto(w, v)
	if g.rows != nil {
		w.key, w.beta, w.h, w.n = rng.Uint64(), beta, h, nh
		w.next.Store(0)
		g.rows.run(len(pre)/nh, nh, w.hiddenJob)
		w.h = nil
		return
	}
	// float64: the probabilities over the cores the BLAS lends (exactly
	// the values sampleHidden would compute), then the draws in order.
	w.beta, w.n = beta, nh
	fastblas.RunShared(len(pre)/nh, numeric.BlockFor(nh*logisticCost, 1), w.probJob)
	for j, p := range pre {
		h[j] = 0
		if rng.Float64() < float64(p) {
			h[j] = 1
		}
	}
}

// logisticCost is the cost of numeric.Sigmoid on one value in units of a
// multiply–add (numeric.BlockFor): math.Exp takes about twenty.
const logisticCost = 20

// probRows sets rows [lo, hi) of w.pre to σ(β·pre), in float64 (a
// float64 model's SampleHidden).
func (w *work[T]) probRows(lo, hi int) {
	for j := lo * w.n; j < hi*w.n; j++ {
		w.pre[j] = T(numeric.Sigmoid(w.beta * float64(w.pre[j])))
	}
}

// hiddenRows draws rows [lo, hi) of SampleHidden's hidden states: the
// probabilities on the vector kernel (numeric.Sigmoid32), then Bernoulli
// draws from the row's stream.
func (w *work[T]) hiddenRows(lo, hi int) {
	n := w.n
	zeros := w.zeros[:n]
	for r := lo; r < hi; r++ {
		row := w.pre[r*n : (r+1)*n]
		if w.beta != 1 {
			for j := range row {
				row[j] *= T(w.beta)
			}
		}
		numeric.SigmoidBias(row, zeros)
		st := numeric.NewStream(w.key, uint64(r), 0)
		numeric.BernoulliRow(w.h[r*n:(r+1)*n], row, &st)
	}
}

// visibleRows draws rows [lo, hi) of SampleVisible's visible states,
// N(mean, sd²) from the row's stream.
func (w *work[T]) visibleRows(lo, hi int) {
	n := w.n
	slot := w.next.Add(1) - 1
	st, rnd := &w.streams[slot], w.rands[slot]
	for r := lo; r < hi; r++ {
		*st = numeric.NewStream(w.key, uint64(r), 1)
		v, m := w.v[r*n:(r+1)*n], w.means[r*n:(r+1)*n]
		for i, sd := range w.sd[:n] {
			v[i] = m[i] + sd*T(rnd.NormFloat64())
		}
	}
}

// rowSplit runs a float32 model's per-row draws over the cores. The draws
// come from the rows' own streams, so they are the same on any number of
// cores.
type rowSplit struct {
	pool *pool.Pool // nil on one core
	busy sync.Mutex // a call that finds the pool in use runs its rows itself
}

func newRowSplit() *rowSplit {
	s := &rowSplit{}
	if runtime.GOMAXPROCS(0) > 1 {
		s.pool = pool.New()
	}
	return s
}

// run calls job on blocks of [0, rows), each row width draws, on the pool
// when it is free and the rows are worth splitting (numeric.BlockFor: a
// block carries at least numeric.MinWork draws). Where a block starts does
// not change the draws (each row has its own stream), only the speed.
func (s *rowSplit) run(rows, width int, job func(lo, hi int)) {
	minBlock := numeric.BlockFor(width, 1)
	if s.pool == nil || rows < 2*minBlock {
		job(0, rows)
		return
	}
	if s.busy.TryLock() {
		defer s.busy.Unlock()
		s.pool.Range(rows, minBlock, job)
		return
	}
	s.pool.RangeSerial(rows, minBlock, job)
}

// work is the scratch of one call of the sampling methods, pooled so that
// a training step allocates nothing while concurrent calls stay safe.
type work[T energy.Float] struct {
	s2, sd, scaled, pre, means []T

	// The per-row draws of a float32 model (rowSplit): the call's key,
	// inverse temperature, states and row width, the jobs bound once, a
	// zero bias for the vector sigmoid, and a stream and generator for each
	// piece of the rows.
	key                   uint64
	beta                  float64
	h, v                  []T
	n                     int
	hiddenJob, visibleJob func(lo, hi int)
	probJob               func(lo, hi int) // probRows
	zeros                 []T
	next                  atomic.Int32
	streams               []numeric.Stream // one for each block a call splits into (at most GOMAXPROCS)
	rands                 []*rand.Rand
}

// newWork makes the scratch of a model with the given layer sizes.
func newWork[T energy.Float](visible, hidden int) *work[T] {
	procs := runtime.GOMAXPROCS(0)
	w := &work[T]{zeros: make([]T, max(visible, hidden)), streams: make([]numeric.Stream, procs), rands: make([]*rand.Rand, procs)}
	w.hiddenJob, w.visibleJob, w.probJob = w.hiddenRows, w.visibleRows, w.probRows
	for i := range w.rands {
		w.rands[i] = rand.New(&w.streams[i])
	}
	return w
}

func (g *Model[T]) getWork() *work[T] {
	if g.pool == nil {
		return newWork[T](g.Visible(), g.Hidden())
	}
	return g.pool.Get().(*work[T])
}

func (g *Model[T]) putWork(w *work[T]) {
	if g.pool != nil {
		g.pool.Put(w)
	}
}

// hiddenInputs returns c_j + Σ_i W_ij v_i/σ_i² for each row of v, in
// buffers of its own (a bare work: the draws' streams are not needed).
func (g *Model[T]) hiddenInputs(v []T) []T { return g.hiddenInputsInto(&work[T]{}, v) }

// hiddenInputsInto is hiddenInputs in w's buffers (the result is w.pre).
func (g *Model[T]) hiddenInputsInto(w *work[T], v []T) []T {
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
	numeric.Gemm(false, false, n, nh, nv, 1, scaled, numeric.Data[T](g.W), 0, pre)
	c := numeric.Data[T](g.C)
	for r := range n {
		for j, x := range c {
			pre[r*nh+j] += x
		}
	}
	return pre
}

// visibleMeans returns b + Wh for each row of h, in a buffer of its own.
func (g *Model[T]) visibleMeans(h []T) []T { return g.visibleMeansInto(&work[T]{}, h) }

// visibleMeansInto is visibleMeans in w's buffers (the result is w.means).
func (g *Model[T]) visibleMeansInto(w *work[T], h []T) []T {
	nv, nh := g.Visible(), g.Hidden()
	n := len(h) / nh
	m := numeric.Scratch(&w.means, n*nv)
	numeric.Gemm(false, true, n, nv, nh, 1, h[:n*nh], numeric.Data[T](g.W), 0, m)
	b := numeric.Data[T](g.B)
	for r := range n {
		for i, x := range b {
			m[r*nv+i] += x
		}
	}
	return m
}

// SampleVisible draws v_i ~ N(b_i + (Wh)_i, σ_i²/β).
func (g *Model[T]) SampleVisible(v, h []T, beta float64, rng *rand.Rand) {
	nv := g.Visible()
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, nv))
	sd := numeric.Scratch(&w.sd, nv)
	for i, x := range s2 {
		sd[i] = T(math.Sqrt(float64(x) / beta))
	}
	m := g.visibleMeansInto(w, h)
	if g.rows != nil {
		w.key, w.v, w.n = rng.Uint64(), v, nv
		w.next.Store(0)
		g.rows.run(len(m)/nv, nv, w.visibleJob)
		w.v = nil
		return
	}
	for q := range m {
		v[q] = m[q] + sd[q%nv]*T(rng.NormFloat64())
	}
}

// Energy is E(v, h) = Σ_i (v_i − b_i)²/(2σ_i²) − cᵀh − Σ_i v_i (Wh)_i/σ_i².
func (g *Model[T]) Energy(out []float64, v, h []T) {
	nv, nh := g.Visible(), g.Hidden()
	b, c := numeric.Data[T](g.B), numeric.Data[T](g.C)
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, nv))
	m := g.visibleMeansInto(w, h[:len(out)*nh])
	for r := range out {
		e := 0.0
		for j, x := range h[r*nh : (r+1)*nh] {
			e -= float64(c[j] * x)
		}
		for i, x := range v[r*nv : (r+1)*nv] {
			d := x - b[i]
			e += float64((d*d - 2*x*(m[r*nv+i]-b[i])) / (2 * s2[i]))
		}
		out[r] = e
	}
}

// Clone copies the parameters and the bounds on σ.
func (g *Model[T]) Clone() energy.ModelOf[T] {
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
func (g *Model[T]) Precondition(grad []*tensor.Dense) {
	w := g.getWork()
	defer g.putWork(w)
	s2 := g.variancesInto(numeric.Scratch(&w.s2, g.Visible()))
	nh := g.Hidden()
	gw, gb := numeric.Data[T](grad[0]), numeric.Data[T](grad[1])
	for i, v := range s2 {
		gb[i] *= v
		for j := range nh {
			gw[i*nh+j] *= v
		}
	}
}

// Constrain keeps σ within [MinStd, MaxStd].
func (g *Model[T]) Constrain() {
	lo, hi := T(2*math.Log(g.MinStd)), T(2*math.Log(g.MaxStd))
	z := numeric.Data[T](g.LogVar)
	for i, x := range z {
		z[i] = min(max(x, lo), hi)
	}
}

// Gibbs runs k sweeps on the rows of v [N, visible] (standardised units):
// h ~ p(h|v), then v ~ N(b + Wh, σ²).
func (g *Model[T]) Gibbs(v *tensor.Dense, k int, rng *rand.Rand) {
	x := numeric.Data[T](v)
	h := make([]T, len(x)/g.Visible()*g.Hidden())
	for range k {
		g.SampleHidden(h, x, 1, rng)
		g.SampleVisible(x, h, 1, rng)
	}
}
