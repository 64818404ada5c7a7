package bm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"gorgonia.org/tensor"
)

// Kind is the model kind recorded in checkpoints.
const Kind = "bm"

// The connectivities: which pairs of units may be coupled.
const (
	Full       = "full"  // every pair
	Restricted = "rbm"   // visible–hidden only: an RBM
	SemiRBM    = "semi"  // visible–hidden and visible–visible (lateral)
	HiddenToo  = "vh+hh" // visible–hidden and hidden–hidden
)

// Machine is a Boltzmann machine of N = V + H binary units, the first V
// visible.
type Machine struct {
	V, H int
	W    *tensor.Dense // [N, N] float64, symmetric, zero diagonal and zero where Mask is
	B    *tensor.Dense // [N] float64 biases
	Mask *tensor.Dense // [N, N] float64, 1 where a coupling may be non-zero
}

// Connectivity returns the mask of a named connectivity for v visible and
// h hidden units.
func Connectivity(name string, v, h int) ([]float64, error) {
	n := v + h
	m := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			vi, vj := i < v, j < v
			ok := false
			switch name {
			case Full:
				ok = true
			case Restricted:
				ok = vi != vj
			case SemiRBM:
				ok = vi || vj
			case HiddenToo:
				ok = !(vi && vj)
			default:
				return nil, fmt.Errorf("bm: unknown connectivity %q: want full, rbm, semi or vh+hh", name)
			}
			if ok {
				m[i*n+j] = 1
			}
		}
	}
	return m, nil
}

// New returns a machine with the given mask (see [Connectivity]; it must be
// symmetric, 0 or 1, with a zero diagonal) and small random couplings
// (normal, standard deviation scale) where the mask allows.
func New(v, h int, mask []float64, scale float64, rng *rand.Rand) (*Machine, error) {
	n := v + h
	if v < 1 || h < 0 {
		return nil, fmt.Errorf("bm: %d visible and %d hidden units: want at least one visible", v, h)
	}
	if len(mask) != n*n {
		return nil, fmt.Errorf("bm: mask of %d values for %d units: want %d", len(mask), n, n*n)
	}
	for i := range n {
		for j := range n {
			x := mask[i*n+j]
			if x != 0 && x != 1 || x != mask[j*n+i] || i == j && x != 0 {
				return nil, fmt.Errorf("bm: mask[%d][%d] = %g: a mask is symmetric, 0 or 1, with a zero diagonal", i, j, x)
			}
		}
	}
	m := &Machine{V: v, H: h,
		W:    tensor.New(tensor.WithShape(n, n), tensor.Of(tensor.Float64)),
		B:    tensor.New(tensor.WithShape(n), tensor.Of(tensor.Float64)),
		Mask: tensor.New(tensor.WithShape(n, n), tensor.WithBacking(append([]float64(nil), mask...))),
	}
	w := m.w()
	for i := range n {
		for j := i + 1; j < n; j++ {
			if mask[i*n+j] == 1 && scale > 0 {
				x := rng.NormFloat64() * scale
				w[i*n+j], w[j*n+i] = x, x
			}
		}
	}
	return m, nil
}

// N is the number of units.
func (m *Machine) N() int { return m.V + m.H }

func (m *Machine) w() []float64    { return m.W.Data().([]float64) }
func (m *Machine) b() []float64    { return m.B.Data().([]float64) }
func (m *Machine) mask() []float64 { return m.Mask.Data().([]float64) }

// Energy is E(s) = −½ sᵀWs − bᵀs for a state of 0/1 values.
func (m *Machine) Energy(s []float64) float64 {
	n, w, b := m.N(), m.w(), m.b()
	e := 0.0
	for i := range n {
		if s[i] == 0 {
			continue
		}
		row := w[i*n : (i+1)*n]
		f := 0.0
		for j := i + 1; j < n; j++ {
			f += row[j] * s[j]
		}
		e -= s[i] * (f + b[i])
	}
	return e
}

// Gap is unit i's energy gap Δ_i = Σ_j W_ij s_j + b_i: E with s_i = 0
// less E with s_i = 1.
func (m *Machine) Gap(s []float64, i int) float64 {
	n := m.N()
	row := m.w()[i*n : (i+1)*n]
	g := m.b()[i]
	for j, x := range s {
		g += row[j] * x
	}
	return g
}

// Network is the machine as a Hopfield network of ±1 spins σ = 2s − 1:
// J = W/4, θ_i = b_i/2 + Σ_j W_ij/4, so that E(s) = H(σ) + offset. Its
// Glauber sweeps at temperature T sample the machine at T.
func (m *Machine) Network() (net *hopfield.Network, offset float64) {
	n, w, b := m.N(), m.w(), m.b()
	net, _ = hopfield.New(n)
	j, th := net.J.Data().([]float64), net.Theta.Data().([]float64)
	sumW := 0.0
	for i := range n {
		th[i] = b[i] / 2
		for k := range n {
			j[i*n+k] = w[i*n+k] / 4
			th[i] += w[i*n+k] / 4
			sumW += w[i*n+k]
		}
	}
	sumB := 0.0
	for _, x := range b {
		sumB += x
	}
	return net, -sumW/8 - sumB/2
}

// ToSpins writes σ = 2s − 1 into dst.
func ToSpins(dst, s []float64) {
	for i, x := range s {
		dst[i] = 2*x - 1
	}
}

// FromSpins writes s = (σ + 1)/2 into dst.
func FromSpins(dst, sigma []float64) {
	for i, x := range sigma {
		dst[i] = (x + 1) / 2
	}
}

// Step is one stage of an annealing schedule: Sweeps sweeps at temperature T.
type Step struct {
	T      float64 `json:"t" yaml:"t"`
	Sweeps int     `json:"sweeps" yaml:"sweeps"`
}

// Schedule1985 is the annealing schedule of Ackley, Hinton & Sejnowski's
// encoder experiments, two sweeps at 20, two at 15, two at 12 and four at
// 10, with the statistics then collected at 10 (their energies were in
// units where that was the working temperature); scaled by t, with t = 0.1
// it ends at T = 1.
func Schedule1985(t float64) []Step {
	return []Step{{20 * t, 2}, {15 * t, 2}, {12 * t, 2}, {10 * t, 4}}
}

// FromHopfield turns a hopfield temperature schedule into steps of sweeps
// sweeps each.
func FromHopfield(s hopfield.Schedule, sweeps int) []Step {
	out := make([]Step, len(s))
	for i, t := range s {
		out[i] = Step{T: t, Sweeps: sweeps}
	}
	return out
}

// Anneal runs the schedule's Glauber sweeps on the free units of the 0/1
// state s (the hidden ones when clamped, else all), in a fresh random
// order each sweep unless fixed, through the hopfield package's dynamics.
func (m *Machine) Anneal(s []float64, schedule []Step, clamped, fixed bool, rng *rand.Rand) {
	m.AnnealUnits(s, schedule, m.freeUnits(clamped), fixed, rng)
}

// AnnealUnits is Anneal on the listed units alone (the rest clamped): an
// encoder's output group and hidden units given its input group.
func (m *Machine) AnnealUnits(s []float64, schedule []Step, units []int, fixed bool, rng *rand.Rand) {
	net, _ := m.Network()
	annealOn(net, s, schedule, units, fixed, rng)
}

// annealOn anneals the listed units of s on net, the machine's network
// (built once by callers that anneal many times).
func annealOn(net *hopfield.Network, s []float64, schedule []Step, units []int, fixed bool, rng *rand.Rand) {
	sigma := make([]float64, len(s))
	ToSpins(sigma, s)
	for _, st := range schedule {
		if st.Sweeps > 0 && len(units) > 0 {
			net.GlauberUnits(sigma, st.T, st.Sweeps, units, fixed, rng)
		}
	}
	FromSpins(s, sigma)
}

// freeUnits lists the units a phase updates.
func (m *Machine) freeUnits(clamped bool) []int {
	first := 0
	if clamped {
		first = m.V
	}
	units := make([]int, 0, m.N()-first)
	for i := first; i < m.N(); i++ {
		units = append(units, i)
	}
	return units
}

// Params are the machine's tensors as a checkpoint holds them.
func (m *Machine) Params() []checkpoint.Tensor {
	return []checkpoint.Tensor{{Name: "W", T: m.W}, {Name: "b", T: m.B}, {Name: "mask", T: m.Mask}}
}

// Check reports a coupling that breaks the machine's symmetry, its zero
// diagonal or its mask, or a value that is not finite.
func (m *Machine) Check() error {
	n, w, mask := m.N(), m.w(), m.mask()
	for i := range n {
		for j := range n {
			x := w[i*n+j]
			if math.IsNaN(x) || math.IsInf(x, 0) || x != w[j*n+i] || (mask[i*n+j] == 0 && x != 0) {
				return fmt.Errorf("bm: W[%d][%d] = %g breaks symmetry, the mask or finiteness", i, j, x)
			}
		}
	}
	return nil
}
