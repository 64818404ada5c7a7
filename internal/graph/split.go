package graph

import (
	"runtime"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
)

// parallelMin is the fewest elements an element-wise step splits over the
// cores: below it the hand-over costs more than it saves. On the vector
// kernels (numeric.Binary) a step of the Gaussian RBM's gradient (78,400
// or 392,000 values) took 15–20 µs or 90 µs on one core, and 20–40 µs or
// 140 µs split over two with the workers parked between steps (2-vCPU AMD
// EPYC, 2026-12-03). With the pool's yielding waits, splitting every step
// of 16,384 values or more made the float32 step 3% faster and the float64
// one 5% slower: so only far larger steps split.
const parallelMin = 1 << 20

// parallelMinCostly is parallelMin for the unary steps that call a
// transcendental function on each element (exp, log, softplus, the
// float64 logistic…: 5–20 ns an element against a vector kernel's
// fraction of one), where the BLAS lends its goroutines (fastblas.Share):
// the float64 Gaussian RBM step, whose logistic runs over 100,000 values, took
// 6.8–7.0 ms against 7.0–7.3 ms (go test -bench Step/simd ./rbm/grbm,
// 2-vCPU AMD EPYC, 2026-12-03). On a pool of the plan's own, beside the
// BLAS's, the waiting workers of the two contended for the cores and the
// step took 8.6 ms; so without a lending BLAS these steps run serially.
const parallelMinCostly = 1 << 14

// costlyUnary names the unary operations whose kernel is a call of a
// scalar function of the math package on each element.
var costlyUnary = map[string]bool{"exp": true, "ln": true, "tanh": true, "log1p": true, "expm1": true, "sigmoid": true, "softplus": true}

// split binds, for each element-wise step large enough, the function that
// computes a range of its elements, and starts the pool that runs them
// (its goroutines end when the plan and its pool are collected).
func (p *Plan[T]) split() {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	for i := range p.steps {
		s := &p.steps[i]
		switch s.kind {
		case opUnary, opSigmoid32, opBinary:
		default:
			continue
		}
		if len(p.vals[s.dst]) < s.splitFrom() || (s.kind == opBinary && s.m < 2) {
			continue
		}
		s.par = func(lo, hi int) { p.runRange(&p.steps[i], lo, hi) }
		// The plan's own pool only for the steps that split without the
		// lent goroutines too.
		if p.pool == nil && len(p.vals[s.dst]) >= parallelMin {
			p.pool = pool.New()
		}
	}
}

// splitFrom is the fewest elements of s worth splitting over the cores.
func (s *step[T]) splitFrom() int {
	if s.costly {
		return parallelMinCostly
	}
	return parallelMin
}

// runRange computes elements [lo, hi) of an element-wise step.
func (p *Plan[T]) runRange(s *step[T], lo, hi int) {
	v := p.vals
	if s.kind == opBinary { // a range of rows
		binaryRows(v[s.dst], v[s.a], v[s.b], s, lo, hi)
		return
	}
	dst, a := v[s.dst][lo:hi], v[s.a]
	switch s.kind {
	case opUnary:
		s.unary(dst, a[lo:hi])
	case opSigmoid32:
		copy(dst, a[lo:hi])
		numeric.SigmoidBias(dst, s.zeros[lo:hi])
	}
}
