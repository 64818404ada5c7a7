package rbm

import (
	"unsafe"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// dense is the trainer's step for data that is not binary, for float64
// and for CPUs without vector kernels: five matrix products for CD-1 (six
// for PCD-1), each followed by one fused pass over its rows (bias,
// logistic function, Bernoulli draw, scale). As in sparse32, the passes
// run on the trainer's pool through functions bound once, their arguments
// in fields, so that a step allocates nothing.
type dense[T numeric.Float] struct {
	stepSlices[T]
	t                          *Trainer
	n, m, nv, nh               int
	persistent                 bool
	seed, pass                 uint64
	scale                      T // of a hidden pass: 1/n for the data, −1/m for the chains' statistic
	lr, mom, wd                T
	dataRows, chainRows        func(lo, hi int)
	visibleRows, statisticRows func(lo, hi int)
	updateRows                 func(lo, hi int)
}

func newDense[T numeric.Float](t *Trainer) *dense[T] {
	d := &dense[T]{t: t, n: t.n, m: t.m, nv: t.RBM.Visible(), nh: t.RBM.Hidden(), persistent: t.cfg.Persistent}
	d.dataRows, d.chainRows = d.dataPass, d.chainPass
	d.visibleRows, d.statisticRows = d.visiblePass, d.statisticPass
	d.updateRows = d.updatePass
	return d
}

// stepSlices are the slices of an RBM's parameters and of its trainer's
// buffers, read once for the steps (Data boxes a slice on every call).
type stepSlices[T numeric.Float] struct {
	w, b, c                   []T
	x, p, h, pv               []T
	gw, gb, gc, vw, vb, vc, q []T
}

// bind reads the slices when first used and again if the RBM's parameters
// have been given new storage (checkpoints are copied into the old), and
// reports whether it read them.
func (s *stepSlices[T]) bind(t *Trainer) bool {
	r := t.RBM
	if s.w != nil && addr(s.w) == r.W.Uintptr() && addr(s.b) == r.B.Uintptr() && addr(s.c) == r.C.Uintptr() {
		return false
	}
	s.w, s.b, s.c = numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	s.x, s.p, s.h, s.pv = numeric.Data[T](t.x), numeric.Data[T](t.p), numeric.Data[T](t.h), numeric.Data[T](t.pv)
	s.gw, s.gb, s.gc = numeric.Data[T](t.grad.W), numeric.Data[T](t.grad.B), numeric.Data[T](t.grad.C)
	s.vw, s.vb, s.vc = numeric.Data[T](t.vel.W), numeric.Data[T](t.vel.B), numeric.Data[T](t.vel.C)
	s.q = numeric.Data[T](t.q)
	return true
}

func addr[T numeric.Float](x []T) uintptr { return uintptr(unsafe.Pointer(&x[0])) }

// load copies the minibatch into the data rows of x.
func (d *dense[T]) load(v0 []T) {
	d.bind(d.t)
	copy(d.x[:d.n*d.nv], v0)
}

// step makes the update; load has copied the batch into x.
func (d *dense[T]) step(lr, mom float64, seed uint64) {
	t := d.t
	pool := t.pool
	n, m, k, nv, nh := d.n, d.m, t.cfg.K, d.nv, d.nh
	x, p, h, pv, w := d.x, d.p, d.h, d.pv, d.w
	xd, xm := x[:n*nv], x[n*nv:]
	pd, pm := p[:n*nh], p[n*nh:]
	d.seed = seed

	// Positive phase: P_data = p(h|v0)/n. Under CD the chains start here:
	// their first hidden sample is drawn from the same probabilities.
	numeric.Gemm(false, false, n, nh, nv, 1, xd, w, 0, pd)
	d.pass, d.scale = 0, 1/T(n)
	pool.RangeThenPark(n, numeric.BlockFor(nh, rowBlock), d.dataRows)
	d.pass = 1
	if d.persistent {
		// The chains' hidden sample, from their last visible state.
		numeric.Gemm(false, false, m, nh, nv, 1, xm, w, 0, pm)
		pool.RangeThenPark(m, numeric.BlockFor(nh, rowBlock), d.chainRows)
		d.pass++
	}
	// k steps of block Gibbs: v ~ p(v|h), then p(h|v) and, but for the
	// last step, h ~ p(h|v). The last p(h|v) is the negative statistic.
	for step := range k {
		numeric.Gemm(false, true, m, nv, nh, 1, h, w, 0, pv)
		pool.RangeThenPark(m, numeric.BlockFor(nv, rowBlock), d.visibleRows)
		d.pass++
		numeric.Gemm(false, false, m, nh, nv, 1, xm, w, 0, pm)
		if step < k-1 {
			pool.RangeThenPark(m, numeric.BlockFor(nh, rowBlock), d.chainRows)
			d.pass++
			continue
		}
		d.scale = -1 / T(m)
		pool.RangeThenPark(m, numeric.BlockFor(nh, rowBlock), d.statisticRows)
	}

	// ∇W = XᵀP in one product; ∇b and ∇c are column sums.
	gb, gc := d.gb, d.gc
	numeric.Gemm(true, false, nv, nh, n+m, 1, x, p, 0, d.gw)
	colSums(t.scratchV, xd, nv)
	for j := range gb {
		gb[j] = T(t.scratchV[j] / float64(n))
	}
	colSums(t.scratchV, xm, nv)
	for j := range gb {
		gb[j] -= T(t.scratchV[j] / float64(m))
	}
	colSums(t.scratchH, p, nh)
	for j := range gc {
		gc[j] = T(t.scratchH[j])
	}
	if t.cfg.SparsityTarget > 0 {
		d.sparsityPenalty(xd, pd)
	}
	d.lr, d.mom, d.wd = T(lr), T(mom), T(t.cfg.WeightDecay)
	pool.RangeThenPark(len(d.w), 1<<14, d.updateRows)
	for i := range d.b {
		d.vb[i] = d.mom*d.vb[i] + d.lr*gb[i]
		d.b[i] += d.vb[i]
	}
	for i := range d.c {
		d.vc[i] = d.mom*d.vc[i] + d.lr*gc[i]
		d.c[i] += d.vc[i]
	}
}

// dataPass turns the data rows' pre-activations in P into p(h|v0)/n and,
// under CD, draws the chains' first hidden sample from them.
func (d *dense[T]) dataPass(lo, hi int) {
	nh := d.nh
	for i := lo; i < hi; i++ {
		row := d.p[i*nh : (i+1)*nh]
		numeric.SigmoidBias(row, d.c)
		if !d.persistent {
			s := numeric.NewStream(d.seed, d.pass, uint64(i))
			numeric.BernoulliRow(d.h[i*nh:(i+1)*nh], row, &s)
		}
		for j := range row {
			row[j] *= d.scale
		}
	}
}

// chainPass turns the chains' pre-activations in P into p(h|v) and draws
// their hidden sample.
func (d *dense[T]) chainPass(lo, hi int) { d.drawRows(d.p[d.n*d.nh:], d.h, d.c, lo, hi) }

// visiblePass turns the chains' visible pre-activations into p(v|h) and
// draws their visible states into x.
func (d *dense[T]) visiblePass(lo, hi int) { d.drawRows(d.pv, d.x[d.n*d.nv:], d.b, lo, hi) }

// drawRows sets rows lo…hi−1 of z (rows of len(bias)) to σ(z + bias) and
// draws the rows of states from them, row i from stream (seed, pass, i).
func (d *dense[T]) drawRows(z, states, bias []T, lo, hi int) {
	w := len(bias)
	for i := lo; i < hi; i++ {
		row := z[i*w : (i+1)*w]
		numeric.SigmoidBias(row, bias)
		s := numeric.NewStream(d.seed, d.pass, uint64(i))
		numeric.BernoulliRow(states[i*w:(i+1)*w], row, &s)
	}
}

// statisticPass turns the chains' last pre-activations into −p(h|v)/m,
// the negative statistic.
func (d *dense[T]) statisticPass(lo, hi int) {
	nh := d.nh
	pm := d.p[d.n*nh:]
	for i := lo; i < hi; i++ {
		row := pm[i*nh : (i+1)*nh]
		numeric.SigmoidBias(row, d.c)
		for j := range row {
			row[j] *= d.scale
		}
	}
}

// updatePass makes the momentum step of weights lo…hi−1.
func (d *dense[T]) updatePass(lo, hi int) {
	w, gw, vw := d.w[lo:hi], d.gw[lo:hi], d.vw[lo:hi]
	for i := range w {
		vw[i] = d.mom*vw[i] + d.lr*(gw[i]-d.wd*w[i])
		w[i] += vw[i]
	}
}

// sparsityPenalty updates the running activity q from P_data (p(h|v0)/n)
// and subtracts the sparsity penalty from the gradient.
func (d *dense[T]) sparsityPenalty(xd, pd []T) {
	t := d.t
	nv, nh := d.nv, d.nh
	q, gw, gc := d.q, d.gw, d.gc
	act, vmean := t.scratchH, t.scratchV
	colSums(act, pd, nh) // the mean activity: P_data is already divided by n
	colSums(vmean, xd, nv)
	for k := range vmean {
		vmean[k] /= float64(t.n)
	}
	for j := range q {
		q[j] = T(0.9*float64(q[j]) + 0.1*act[j])
		pen := t.cfg.SparsityCost * (float64(q[j]) - t.cfg.SparsityTarget)
		gc[j] -= T(pen)
		for k := range nv {
			gw[k*nh+j] -= T(pen * vmean[k])
		}
	}
}
