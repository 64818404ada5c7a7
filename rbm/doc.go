// Package rbm implements restricted Boltzmann machines: the binary RBM
// ([RBM]) and the Gaussian-Bernoulli RBM ([GaussianRBM]), their training by
// contrastive divergence (CD-k, Hinton 2002) and persistent contrastive
// divergence (PCD-k, Tieleman 2008) with fast weights (FPCD) or parallel
// tempering (PT) as alternative negative phases, and the estimation of
// their partition functions (AIS, RAISE, exact enumeration).
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
// # What a model supplies, and what the framework derives
//
// An energy-based model here is its free energy and its sampler:
//
//   - the free energy F(v) as a Gorgonia expression (freeEnergyExpr,
//     gaussianFreeEnergy), from which automatic differentiation gives the
//     likelihood gradient −∂/∂θ [mean F(v_data) − mean F(v_model)] of any
//     parameterisation, with no derivative written by hand;
//   - its conditionals and a Gibbs sweep (the negative phase's sampler);
//   - optionally, the sufficient statistics of a closed-form gradient for a
//     fast path ([Trainer]'s sums of rows for binary units), which a test
//     must hold equal to the autodiff gradient;
//   - for AIS, a tractable base model and the log of the unnormalised
//     marginal along the path from it, with the same Gibbs sweep at each β;
//     for small models, log Z by enumeration of the smaller binary layer.
//
// For evaluation a model supplies, in the data's own units (train.Evaluable;
// evaluable.go here): its free energy of data rows, AIS from its base model
// fitted to the training data, log Z by enumeration when small enough, its
// first-layer filters and samples from Gibbs chains; optionally RAISE
// (train.ReverseEvaluable).
//
// From these the framework derives: the training loop with its schedules
// (package train, which sees a model only through train.Learner: Step,
// Evaluate, Params, State), checkpoints that resume exactly, sweeps, the
// commands, the AIS estimate with its interval, and the whole of eval's
// report (log Z, the log-likelihoods, pictures), which has no code of its
// own for any kind of model.
//
// What it does not yet derive: the negative phase. CD, PCD, FPCD and PT
// live in [Trainer], for binary units; [GaussianTrainer] runs its own PCD-k
// (no FPCD or PT) with the gradient from Gorgonia, and a new kind of unit
// still writes its trainer's Step. [GaussianRBM] and [GaussianTrainer] are a
// model added this way; registering it with train.NewLearner is all the
// training loop needed.
//
// Parameters are *tensor.Dense of dtype float32 (the default) or float64
// (the Gaussian RBM: float64). Every random choice takes an injected
// *rand.Rand or a stream keyed by one.
package rbm
