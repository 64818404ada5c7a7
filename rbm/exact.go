package rbm

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// MaxExactUnits bounds the smaller layer of an RBM whose log Z [RBM.ExactLogZ]
// computes by enumeration: 2^25 states of a 784-unit visible layer take
// minutes on two cores.
const MaxExactUnits = 25

// ExactLogZ computes log Z exactly by summing over every state of the
// smaller layer with the other layer summed out analytically:
//
//	log Z = log Σ_h exp(cᵀh + Σ_i softplus(b_i + (Wh)_i))   (or the same over v)
//
// in float64 and log space. States are visited in Gray-code order, so each
// differs from the last in one unit and its pre-activations are updated by
// one row of W; the state space is split over GOMAXPROCS goroutines.
func (r *RBM) ExactLogZ() (float64, error) {
	nv, nh := r.Visible(), r.Hidden()
	w64 := numeric.ToFloat64(r.W.Data())
	b64, c64 := numeric.ToFloat64(r.B.Data()), numeric.ToFloat64(r.C.Data())
	// Enumerate layer "s" (n units, biases a) with the other layer (m units,
	// biases o) summed out; coupling[s_unit*m + o_unit].
	var n, m int
	var a, o, coupling []float64
	if nh <= nv {
		n, m, a, o = nh, nv, c64, b64
		coupling = make([]float64, nh*nv) // Wᵀ
		for i := range nv {
			for j := range nh {
				coupling[j*nv+i] = w64[i*nh+j]
			}
		}
	} else {
		n, m, a, o, coupling = nv, nh, b64, c64, w64
	}
	if n > MaxExactUnits {
		return 0, fmt.Errorf("rbm: exact log Z needs a layer of at most %d units, the smaller has %d", MaxExactUnits, n)
	}
	// The top bits choose a chunk; each goroutine walks its chunks' low bits.
	top := min(n, 6)
	chunks := 1 << top
	low := n - top
	results := make([]ais.LogSum, chunks)
	numeric.ParallelFor(chunks, func(c int) {
		results[c] = sumChunk(c, low, n, m, a, o, coupling, make([]float64, m))
	})
	total := ais.NewLogSum()
	for _, r := range results {
		total.Add(r.Value())
	}
	return total.Value(), nil
}

// sumChunk sums exp(term) over the states whose top bits are chunk.
func sumChunk(chunk, low, n, m int, a, o, coupling, pre []float64) ais.LogSum {
	state := make([]bool, n)
	for k := low; k < n; k++ {
		state[k] = chunk>>(k-low)&1 == 1
	}
	copy(pre, o)
	lin := 0.0
	for k, on := range state {
		if on {
			lin += a[k]
			for i, x := range coupling[k*m : (k+1)*m] {
				pre[i] += x
			}
		}
	}
	acc := ais.NewLogSum()
	for g := 0; ; g++ {
		t := lin
		for _, x := range pre {
			t += numeric.Softplus(x)
		}
		acc.Add(t)
		if g+1 == 1<<low {
			break
		}
		// Gray code: step g+1 flips the lowest set bit of g+1.
		k := 0
		for (g+1)>>k&1 == 0 {
			k++
		}
		sign := 1.0
		if state[k] {
			sign = -1
		}
		state[k] = !state[k]
		lin += sign * a[k]
		for i, x := range coupling[k*m : (k+1)*m] {
			pre[i] += sign * x
		}
	}
	return acc
}
