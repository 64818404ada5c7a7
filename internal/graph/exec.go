package graph

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Run computes the outputs from the inputs (one slice per input, in
// Compile's order, each of its node's size), which the plan reads in place
// and does not keep past the call.
func (p *Plan[T]) Run(inputs ...[]T) error {
	if len(inputs) != len(p.in) {
		return fmt.Errorf("graph: %d inputs for a plan of %d", len(inputs), len(p.in))
	}
	for i, x := range inputs {
		if len(x) != p.sizes[i] {
			return fmt.Errorf("graph: input %d has %d elements, want %d", i, len(x), p.sizes[i])
		}
		p.vals[p.in[i]] = x
	}
	for i := range p.steps {
		p.run(&p.steps[i])
	}
	for _, s := range p.in {
		p.vals[s] = nil
	}
	return nil
}

// Output is the value of output i after the last Run, valid until the next.
func (p *Plan[T]) Output(i int) []T { return p.vals[p.out[i]] }

func (p *Plan[T]) run(s *step[T]) {
	v := p.vals
	if s.par != nil {
		// Parked between calls, so as not to hold a core that the BLAS's
		// own threads want next.
		n, minBlock := len(v[s.dst]), s.splitFrom()/2
		if s.kind == opBinary {
			n, minBlock = s.m, max(1, s.splitFrom()/2/s.n)
		}
		// On the goroutines the SIMD BLAS lends, when they are free: one
		// set of workers then waits between the steps and the products.
		if fastblas.Share(n, minBlock, s.par) {
			return
		}
		if len(v[s.dst]) < parallelMin {
			s.par(0, n) // split only for the lent goroutines
			return
		}
		p.pool.RangeThenPark(n, minBlock, s.par)
		return
	}
	switch s.kind {
	case opAlias:
		v[s.dst] = v[s.a]
	case opMatMul:
		lda, ldb := s.k, s.n
		if s.transA {
			lda = s.m
		}
		if s.transB {
			ldb = s.k
		}
		numeric.GemmLD(s.transA, s.transB, s.m, s.n, s.k, 1, v[s.a], lda, v[s.b], ldb, 0, v[s.dst], s.n)
	case opRepeat:
		src, dst := v[s.a], v[s.dst]
		for o := range s.m {
			row := src[o*s.k : (o+1)*s.k]
			for r := range s.n {
				copy(dst[(o*s.n+r)*s.k:], row)
			}
		}
	case opTranspose:
		numeric.Transpose(v[s.dst], v[s.a], s.m, s.n)
	case opUnary:
		s.unary(v[s.dst], v[s.a])
	case opSigmoid32:
		copy(v[s.dst], v[s.a])
		numeric.SigmoidBias(v[s.dst], s.zeros)
	case opBinary:
		binaryRows(v[s.dst], v[s.a], v[s.b], s, 0, s.m)
	case opSum:
		sum(v[s.dst], v[s.a], s.m, s.n, s.axis)
	case opSoftmax:
		softmax(v[s.dst], v[s.a], s.m, s.n, s.isLog)
	case opSoftmaxDiff:
		softmaxDiff(v[s.dst], v[s.b], v[s.c], s.m, s.n, s.isLog)
	}
}
