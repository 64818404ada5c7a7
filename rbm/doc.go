// Package rbm implements the restricted Boltzmann machine with binary visible
// and hidden units, and its training by contrastive divergence (CD-k, Hinton
// 2002) and persistent contrastive divergence (PCD-k, Tieleman 2008).
//
// The energy of a joint state is E(v, h) = −vᵀWh − bᵀv − cᵀh, and summing out
// the hidden units gives the free energy
//
//	F(v) = −bᵀv − Σ_j softplus(c_j + (vᵀW)_j),
//
// so that p(v) = e^{−F(v)}/Z. The conditionals factorise:
// P(h_j=1|v) = σ(c_j + (vᵀW)_j) and P(v_i=1|h) = σ(b_i + (Wh)_i).
//
// The gradient of the mean log-likelihood is ⟨v p(h|v)ᵀ⟩_data − ⟨v p(h|v)ᵀ⟩_model,
// with hidden probabilities rather than samples in both statistics (Hinton's
// practical guide, UTML TR 2010-003, §3). [Trainer] computes it from these
// sufficient statistics in the hot loop; [AutodiffGradient] computes the same
// gradient by Gorgonia's automatic differentiation of
// mean F(v_data) − mean F(v_model) with the model samples held constant, and
// the tests hold the two equal.
//
// Parameters are *tensor.Dense of dtype float32 (the default) or float64.
// Every random choice takes an injected *rand.Rand.
package rbm
