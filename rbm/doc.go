// Package rbm implements the binary restricted Boltzmann machine ([RBM]),
// its training by contrastive divergence (CD-k, Hinton 2002) and persistent
// contrastive divergence (PCD-k, Tieleman 2008) with fast weights (FPCD) or
// parallel tempering (PT) as alternative negative phases, and the
// estimation of its partition function (AIS, RAISE, exact enumeration).
//
// # The binary RBM
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
// # What the binary RBM supplies, and what the framework derives
//
// The RBM is an energy model whose gradient has a closed form: [Trainer]
// is its fast path (sums of rows for binary units), with the negative
// phases of package energy (energy.TrainConfig: CD-k, PCD-k, fast PCD,
// parallel tempering); [Builder] hands it to train.Run. For evaluation it
// supplies, in the data's own units (evaluate.Evaluable; evaluable.go
// here): its free energy of data rows, AIS from the base rates of the
// training data (its block of chains for ais.Run), log Z by enumeration
// when small enough, its first-layer filters and samples from Gibbs
// chains, and RAISE (evaluate.ReverseEvaluable).
//
// From these the framework derives: the training loop with its schedules
// (package train, which sees a model only through train.Learner: Step,
// Evaluate, Params, State), checkpoints that resume exactly, sweeps, the
// commands, the AIS estimate with its interval, and the whole of eval's
// report (log Z, the log-likelihoods, pictures), which has no code of its
// own for any kind of model. The Gaussian-Bernoulli RBM, trained through
// package energy, is package rbm/grbm.
//
// Parameters are *tensor.Dense of dtype float32 (the default) or float64. Every random choice takes an injected
// *rand.Rand or a stream keyed by one.
package rbm
