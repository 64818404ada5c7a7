package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Interaction is the function F of a dense associative memory: the
// rectified polynomial F(x) = xⁿ for x > 0 (0 otherwise) of degree n ≥ 2,
// or, with Exponential, F(x) = e^x.
type Interaction struct {
	Degree      int
	Exponential bool
}

// DenseMemory is the dense associative memory of Krotov & Hopfield (2016):
// E(s) = −Σ_μ F(ξ^μ·s). Degree 2 is the Hebbian network; higher degrees
// store of order N^(n−1) patterns, the exponential far more (Demircigil et
// al. 2017). It keeps the patterns, not a coupling matrix.
type DenseMemory struct {
	Patterns [][]float64
	F        Interaction
	n        int
}

// NewDenseMemory stores ±1 patterns of one length with interaction f.
func NewDenseMemory(patterns [][]float64, f Interaction) (*DenseMemory, error) {
	if len(patterns) == 0 {
		return nil, fmt.Errorf("hopfield: a dense memory needs at least one pattern")
	}
	if !f.Exponential && f.Degree < 2 {
		return nil, fmt.Errorf("hopfield: interaction degree %d: want at least 2", f.Degree)
	}
	n := len(patterns[0])
	probe := &Network{n: n}
	if err := probe.checkPatterns(patterns); err != nil {
		return nil, err
	}
	return &DenseMemory{Patterns: patterns, F: f, n: n}, nil
}

func (d *DenseMemory) overlaps(s []float64) []float64 {
	o := make([]float64, len(d.Patterns))
	for m, p := range d.Patterns {
		for i, x := range p {
			o[m] += x * s[i]
		}
	}
	return o
}

func (d *DenseMemory) f(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return math.Pow(x, float64(d.F.Degree))
}

// Energy is −Σ_μ F(ξ^μ·s); for the exponential interaction it is reported
// as −log Σ_μ e^{ξ^μ·s}, the same ordering of states without overflow.
func (d *DenseMemory) Energy(s []float64) float64 { return d.energyOf(d.overlaps(s)) }

// energyOf is the energy given the overlaps o_μ = ξ^μ·s.
func (d *DenseMemory) energyOf(o []float64) float64 {
	if d.F.Exponential {
		top := math.Inf(-1)
		for _, x := range o {
			top = max(top, x)
		}
		sum := 0.0
		for _, x := range o {
			sum += math.Exp(x - top)
		}
		return -(top + math.Log(sum))
	}
	e := 0.0
	for _, x := range o {
		e -= d.f(x)
	}
	return e
}

// Descend runs asynchronous updates, in a fresh random order each sweep,
//
//	s_i ← sign Σ_μ [F(ξ^μ_i + a_μ) − F(−ξ^μ_i + a_μ)],  a_μ = Σ_{j≠i} ξ^μ_j s_j,
//
// each of which lowers E or leaves s alone, until a sweep changes nothing.
func (d *DenseMemory) Descend(s []float64, maxSweeps int, rng *rand.Rand) Trace {
	if len(s) != d.n {
		panic(fmt.Sprintf("hopfield: state of %d units for a memory of %d", len(s), d.n))
	}
	o := d.overlaps(s)
	t := Trace{Energies: []float64{d.Energy(s)}}
	order := rng.Perm(d.n)
	for t.Sweeps < maxSweeps {
		t.Sweeps++
		shuffle(order, rng)
		changed := 0
		for _, i := range order {
			drive := 0.0
			if d.F.Exponential {
				// Σ_μ e^{a_μ}(e^{ξ_i} − e^{−ξ_i}) has the sign of Σ_μ ξ_i e^{a_μ − max a}.
				top := math.Inf(-1)
				for m, p := range d.Patterns {
					top = max(top, o[m]-p[i]*s[i])
				}
				for m, p := range d.Patterns {
					drive += p[i] * math.Exp(o[m]-p[i]*s[i]-top)
				}
			} else {
				for m, p := range d.Patterns {
					a := o[m] - p[i]*s[i]
					drive += d.f(a+p[i]) - d.f(a-p[i])
				}
			}
			v := sign(drive, s[i])
			if v != s[i] {
				for m, p := range d.Patterns {
					o[m] += p[i] * (v - s[i])
				}
				s[i] = v
				changed++
				t.Energies = append(t.Energies, d.energyOf(o))
			}
		}
		t.Flips += changed
		if changed == 0 {
			t.FixedPoint = true
			break
		}
	}
	return t
}
