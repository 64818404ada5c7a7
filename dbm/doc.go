// Package dbm implements deep Boltzmann machines (Salakhutdinov & Hinton,
// AISTATS 2009): binary units in layers 0 (visible) to L, each coupled
// only to its neighbours, with energy
//
//	E(x) = −Σ_l b_lᵀx_l − Σ_l x_lᵀ W[l] x_{l+1}
//
// and p(x) = e^{−E(x)}/Z. Given its two neighbours a layer's units are
// independent: P(x_lj = 1 | rest) = σ(b_lj + (W[l−1]ᵀx_{l−1})_j + (W[l]x_{l+1})_j).
//
// Training ([Trainer]) has two stages: greedy pretraining of a stack of
// modified RBMs, then joint training with the mean-field posterior as the
// positive phase and persistent Gibbs chains as the negative phase. The
// gradient is computed from sufficient statistics; [AutodiffGradient]
// differentiates the energy, one Gorgonia expression, and the tests hold
// the two equal.
//
// Evaluation: [DBM.AIS] estimates log Z over the even layers with the odd
// ones summed out analytically, from a base model of independent even
// units ([DBM.BaseModel] fits it to the data), [DBM.ExactLogZ] enumerates the smaller
// half of the layers of a tiny model, and [DBM.BoundTerms] gives the
// variational lower bound on log p(v) from mean-field ([DBM.MeanField]).
//
// Parameters are float32 *tensor.Dense; randomness comes from injected
// generators and streams keyed by them, so runs repeat exactly.
package dbm
