package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Lattice is the 2-D Ising model on an L×L periodic square lattice with
// nearest-neighbour coupling J = 1 and no field: the energy of a Hopfield
// network whose couplings are the lattice's edges, stored as the lattice
// itself rather than a dense N×N matrix. It is sampled with the same
// heat-bath update as [Network.Glauber], P(s_i = +1) = σ(2λ_i/T), where λ_i
// is the sum of the four neighbours.
type Lattice struct {
	L int
	S []int8 // row-major spins ±1
}

// NewLattice returns an L×L lattice with every spin up.
func NewLattice(l int) (*Lattice, error) {
	if l < 2 {
		return nil, fmt.Errorf("hopfield: lattice side %d: want at least 2", l)
	}
	s := make([]int8, l*l)
	for i := range s {
		s[i] = 1
	}
	return &Lattice{L: l, S: s}, nil
}

// CriticalTemperature is Onsager's T_c = 2/ln(1+√2) for J = k_B = 1.
var CriticalTemperature = 2 / math.Log(1+math.Sqrt2)

// OnsagerMagnetisation is the exact spontaneous magnetisation per spin of
// the infinite lattice (Onsager; Yang 1952): (1 − sinh(2/T)^−4)^(1/8) below
// T_c, 0 above.
func OnsagerMagnetisation(t float64) float64 {
	if t >= CriticalTemperature {
		return 0
	}
	return math.Pow(1-math.Pow(math.Sinh(2/t), -4), 0.125)
}

// Sweep updates every spin once, in lattice order, by the heat-bath rule at
// temperature t. The field of a spin takes five values, so the five
// probabilities are computed once per sweep; a spin is set up when a
// uniform 64-bit draw falls below its threshold.
func (l *Lattice) Sweep(t float64, rng *rand.Rand) {
	var thr [5]uint64 // index (λ+4)/2 for λ ∈ {−4, −2, 0, 2, 4}
	for k := range thr {
		p := numeric.Sigmoid(2 * float64(2*k-4) / t)
		thr[k] = uint64(math.Min(p*(1<<63), (1<<63)-1)) << 1
		if p >= 1 {
			thr[k] = math.MaxUint64
		}
	}
	n := l.L
	s := l.S
	for r := range n {
		up, down := ((r+n-1)%n)*n, ((r+1)%n)*n
		row := r * n
		for c := range n {
			left, right := row+(c+n-1)%n, row+(c+1)%n
			lambda := int(s[up+c]) + int(s[down+c]) + int(s[left]) + int(s[right])
			if rng.Uint64() < thr[(lambda+4)/2] {
				s[row+c] = 1
			} else {
				s[row+c] = -1
			}
		}
	}
}

// Magnetisation is m = (1/N) Σ s_i.
func (l *Lattice) Magnetisation() float64 {
	sum := 0
	for _, x := range l.S {
		sum += int(x)
	}
	return float64(sum) / float64(len(l.S))
}

// Energy is H = −Σ_⟨ij⟩ s_i s_j over the 2N nearest-neighbour bonds.
func (l *Lattice) Energy() float64 {
	n, e := l.L, 0
	for r := range n {
		for c := range n {
			s := int(l.S[r*n+c])
			e -= s * (int(l.S[r*n+(c+1)%n]) + int(l.S[((r+1)%n)*n+c]))
		}
	}
	return float64(e)
}
