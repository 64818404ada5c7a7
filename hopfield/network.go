package hopfield

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Network is a Hopfield network of N ±1 units.
type Network struct {
	J     *tensor.Dense // [N, N] float64, symmetric, zero diagonal
	Theta *tensor.Dense // [N] float64 thresholds
	n     int
}

// New returns a network of n units with no couplings.
func New(n int) (*Network, error) {
	if n < 1 {
		return nil, fmt.Errorf("hopfield: %d units: want at least 1", n)
	}
	return &Network{
		J:     tensor.New(tensor.WithShape(n, n), tensor.Of(tensor.Float64)),
		Theta: tensor.New(tensor.WithShape(n), tensor.Of(tensor.Float64)),
		n:     n,
	}, nil
}

// N is the number of units.
func (h *Network) N() int { return h.n }

func (h *Network) couplings() []float64  { return h.J.Data().([]float64) }
func (h *Network) thresholds() []float64 { return h.Theta.Data().([]float64) }

// Field is the local field λ_i = Σ_j J_ij s_j + θ_i.
func (h *Network) Field(s []float64, i int) float64 {
	row := h.couplings()[i*h.n : (i+1)*h.n]
	f := h.thresholds()[i]
	for j, x := range s {
		f += row[j] * x
	}
	return f
}

// Fields returns every local field.
func (h *Network) Fields(s []float64) []float64 {
	out := make([]float64, h.n)
	for i := range out {
		out[i] = h.Field(s, i)
	}
	return out
}

// Energy is H(s) = −½ sᵀJs − θᵀs.
func (h *Network) Energy(s []float64) float64 {
	th := h.thresholds()
	e := 0.0
	for i := range h.n {
		e -= s[i] * (0.5*(h.Field(s, i)-th[i]) + th[i])
	}
	return e
}

// Check verifies the invariants: a square symmetric J with zero diagonal,
// and finite values. Loading a checkpoint calls it.
func (h *Network) Check() error {
	j := h.couplings()
	for a := range h.n {
		if j[a*h.n+a] != 0 {
			return fmt.Errorf("hopfield: J[%d,%d] = %g: the diagonal must be zero", a, a, j[a*h.n+a])
		}
		for b := a + 1; b < h.n; b++ {
			if j[a*h.n+b] != j[b*h.n+a] {
				return fmt.Errorf("hopfield: J[%d,%d] = %g but J[%d,%d] = %g: J must be symmetric", a, b, j[a*h.n+b], b, a, j[b*h.n+a])
			}
		}
	}
	return nil
}

// Overlap is m = (1/N) Σ_i ξ_i s_i, 1 when s = ξ and −1 when s = −ξ.
func Overlap(xi, s []float64) float64 {
	m := 0.0
	for i, x := range xi {
		m += x * s[i]
	}
	return m / float64(len(xi))
}

func sign(x, current float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return current // a zero field leaves the unit as it is
}
