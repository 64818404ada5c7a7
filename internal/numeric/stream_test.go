package numeric

import (
	"math"
	"testing"
)

func TestStreamsAreUniformAndDistinct(t *testing.T) {
	// Mean and lag-1 correlation of the 24-bit draws of one stream, and the
	// correlation between neighbouring streams.
	const n = 200000
	a, b := NewStream(7, 1, 0), NewStream(7, 1, 1)
	var sum, lag, cross, prev float64
	for i := range n {
		x := float64(a.Uint64()>>40) / (1 << 24)
		y := float64(b.Uint64()>>40) / (1 << 24)
		sum += x
		if i > 0 {
			lag += (x - 0.5) * (prev - 0.5)
		}
		cross += (x - 0.5) * (y - 0.5)
		prev = x
	}
	// Standard errors: mean 0.29/√n ≈ 6.5e-4; products (1/12)/√n ≈ 1.9e-4.
	if m := sum / n; math.Abs(m-0.5) > 0.003 {
		t.Errorf("mean %g, want 0.5 ± 0.003", m)
	}
	if c := lag / n; math.Abs(c) > 1e-3 {
		t.Errorf("lag-1 covariance %g, want 0 ± 1e-3", c)
	}
	if c := cross / n; math.Abs(c) > 1e-3 {
		t.Errorf("covariance of neighbouring streams %g, want 0 ± 1e-3", c)
	}
	if NewStream(7, 1, 0) == NewStream(7, 0, 1) || NewStream(7, 1, 0) == NewStream(8, 1, 0) {
		t.Error("streams with different keys coincide")
	}
}

// TestNeighbouringStreamsDoNotOverlap: the streams of neighbouring keys
// (rows b and b+1 of one pass, passes a and a+1 of one row, seeds s and
// s+1) share no value among their first thousand draws, at any lag.
func TestNeighbouringStreamsDoNotOverlap(t *testing.T) {
	const n = 1000
	draws := func(s Stream) map[uint64]bool {
		m := map[uint64]bool{}
		for range n {
			m[s.Uint64()] = true
		}
		return m
	}
	for _, pair := range [][2]Stream{
		{NewStream(5, 3, 10), NewStream(5, 3, 11)},
		{NewStream(5, 3, 10), NewStream(5, 4, 10)},
		{NewStream(5, 3, 10), NewStream(6, 3, 10)},
		{NewStream(5, 0, 0), NewStream(5, 0, 1)},
	} {
		a, b := draws(pair[0]), draws(pair[1])
		for x := range b {
			if a[x] {
				t.Fatalf("streams %v and %v share the draw %x", pair[0], pair[1], x)
			}
		}
	}
}

func TestBernoulliRowFrequencies(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(p []float64, s *Stream) []float64
	}{
		{"float32", func(p []float64, s *Stream) []float64 {
			p32, d := make([]float32, len(p)), make([]float32, len(p))
			for i := range p {
				p32[i] = float32(p[i])
			}
			BernoulliRow(d, p32, s)
			out := make([]float64, len(p))
			for i := range d {
				out[i] = float64(d[i])
			}
			return out
		}},
		{"float64", func(p []float64, s *Stream) []float64 {
			d := make([]float64, len(p))
			BernoulliRow(d, p, s)
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Five probabilities, repeated; an odd length exercises the tail.
			probs := []float64{0, 0.01, 0.3, 0.77, 1}
			p := make([]float64, 5*1001)
			for i := range p {
				p[i] = probs[i%5]
			}
			counts := make([]float64, 5)
			const rounds = 40
			for r := range rounds {
				s := NewStream(3, 0, uint64(r))
				for i, x := range tc.f(p, &s) {
					counts[i%5] += x
				}
			}
			for k, want := range probs {
				n := 1001.0 * rounds
				got := counts[k] / n
				sd := math.Sqrt(want * (1 - want) / n)
				if math.Abs(got-want) > 5*sd+1e-12 {
					t.Errorf("p = %g: frequency %g, want within 5σ = %g", want, got, 5*sd)
				}
			}
		})
	}
}
