package graph

import (
	"runtime"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
)

// parallelMin is the fewest elements an element-wise step splits over the
// cores: below it the hand-over costs more than it saves. On the vector
// kernels (numeric.Binary) the Gaussian RBM gradient's steps (78,400 or
// 392,000 values) ran slower split over two cores than on one, and
// splitting every step of 16,384 values or more, even with the pool's
// yielding waits, gained in float32 what it lost in float64: so only far
// larger steps split (measured by BenchmarkStep in rbm/grbm; see
// experiments/bench/RESULTS.md).
const parallelMin = 1 << 20

// parallelMinCostly is parallelMin for the unary steps that call a
// transcendental function on each element (exp, log, softplus, the
// float64 logistic…: tens of times a vector kernel's cost an element),
// where the BLAS lends its goroutines (fastblas.Share): splitting them
// made the float64 Gaussian RBM step, whose logistic runs over 100,000
// values, faster. On a pool of the plan's own, beside the BLAS's, the
// waiting workers of the two contended for the cores and the step was
// slower than serial; so without a lending BLAS these steps run serially
// (measured by BenchmarkStep in rbm/grbm; see experiments/bench/RESULTS.md).
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
