package hopfield

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Rule names a learning rule.
type Rule string

// The learning rules.
const (
	Hebbian       Rule = "hebbian"
	Storkey       Rule = "storkey"
	PseudoInverse Rule = "pseudo-inverse"
)

// ParseRule checks a rule name.
func ParseRule(s string) (Rule, error) {
	switch r := Rule(s); r {
	case Hebbian, Storkey, PseudoInverse:
		return r, nil
	}
	return "", fmt.Errorf("unknown rule %q: want hebbian, storkey or pseudo-inverse", s)
}

func (h *Network) checkPatterns(patterns [][]float64) error {
	for k, p := range patterns {
		if len(p) != h.n {
			return fmt.Errorf("hopfield: pattern %d has %d units, the network %d", k, len(p), h.n)
		}
		for i, x := range p {
			if x != 1 && x != -1 {
				return fmt.Errorf("hopfield: pattern %d unit %d is %g: want ±1", k, i, x)
			}
		}
	}
	return nil
}

// Store sets the couplings to store patterns (each ±1, of length N) by the
// rule, replacing what was stored; thresholds are set to zero.
func (h *Network) Store(rule Rule, patterns [][]float64) error {
	if err := h.checkPatterns(patterns); err != nil {
		return err
	}
	clear(h.couplings())
	clear(h.thresholds())
	if rule == PseudoInverse {
		return h.pseudoInverse(patterns)
	}
	return h.Add(rule, patterns)
}

// Add stores more patterns on top of those stored, by an incremental rule
// (Hebbian or Storkey): storing P patterns one batch at a time gives the
// couplings that storing them at once does.
func (h *Network) Add(rule Rule, patterns [][]float64) error {
	if err := h.checkPatterns(patterns); err != nil {
		return err
	}
	switch rule {
	case Hebbian:
		h.hebbian(patterns)
	case Storkey:
		for _, p := range patterns {
			h.storkeyAdd(p)
		}
	case PseudoInverse:
		return fmt.Errorf("hopfield: the pseudo-inverse rule is not incremental: use Store")
	default:
		return fmt.Errorf("hopfield: unknown rule %q", rule)
	}
	return nil
}

// hebbian adds (1/N) Σ_μ ξ^μ ξ^μᵀ to J, keeping the diagonal zero.
func (h *Network) hebbian(patterns [][]float64) {
	n, j := h.n, h.couplings()
	inv := 1 / float64(n)
	for _, p := range patterns {
		for a := range n {
			pa := p[a] * inv
			row := j[a*n : (a+1)*n]
			for b, x := range p {
				row[b] += pa * x
			}
		}
	}
	for a := range n {
		j[a*n+a] = 0
	}
}

// storkeyAdd adds one pattern by Storkey's rule (1997):
//
//	w_ij += (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j)/N,  h_ij = Σ_{k≠i,j} w_ik ξ_k,
//
// where h_ij is the field at i without the contributions of i and j.
func (h *Network) storkeyAdd(xi []float64) {
	n, w := h.n, h.couplings()
	// Full fields f_i = Σ_k w_ik ξ_k (w_ii = 0), then h_ij = f_i − w_ij ξ_j.
	f := make([]float64, n)
	for i := range n {
		s := 0.0
		for k, x := range w[i*n : (i+1)*n] {
			s += x * xi[k]
		}
		f[i] = s
	}
	inv := 1 / float64(n)
	// Update each pair (i, j), (j, i) from the old values of both.
	for i := range n {
		for j := i + 1; j < n; j++ {
			wij, wji := w[i*n+j], w[j*n+i]
			hij := f[i] - wij*xi[j]
			hji := f[j] - wji*xi[i]
			// The rule is symmetric in i and j; compute it once so that
			// rounding cannot make J asymmetric.
			d := (xi[i]*xi[j] - xi[i]*hji - hij*xi[j]) * inv
			w[i*n+j] = wij + d
			w[j*n+i] = wji + d
		}
	}
}

// pseudoInverse sets J = Ξ(ΞᵀΞ)⁻¹Ξᵀ, the projection onto the span of the
// patterns, with the diagonal zeroed: J ξ = ξ − diag(C) ξ, and every C_ii < 1
// below P = N keeps each pattern a fixed point.
func (h *Network) pseudoInverse(patterns [][]float64) error {
	n, p := h.n, len(patterns)
	if p == 0 {
		return nil
	}
	if p > n {
		return fmt.Errorf("hopfield: the pseudo-inverse rule stores at most N = %d patterns, got %d", n, p)
	}
	xi := mat.NewDense(n, p, nil)
	for k, pat := range patterns {
		for i, x := range pat {
			xi.Set(i, k, x)
		}
	}
	var gram, inv mat.Dense
	gram.Mul(xi.T(), xi)
	if err := inv.Inverse(&gram); err != nil {
		return fmt.Errorf("hopfield: the patterns are not linearly independent: %w", err)
	}
	var left, proj mat.Dense
	left.Mul(xi, &inv)
	proj.Mul(&left, xi.T())
	j := h.couplings()
	for a := range n {
		for b := range n {
			if a != b {
				// Average the two halves so that rounding keeps J exactly symmetric.
				j[a*n+b] = 0.5 * (proj.At(a, b) + proj.At(b, a))
			}
		}
	}
	return nil
}
