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
// An energy-based model here is an [EnergyModel]: its parameters, its free
// energy and its sampler:
//
//   - the free energy F(v) as a Gorgonia expression of the parameters
//     (FreeEnergyExpr), from which automatic differentiation
//     ([FreeEnergyGradient]) gives the likelihood gradient
//     −∂/∂θ [mean F(v_data) − mean F(v_model)] of any parameterisation, with
//     no derivative written by hand;
//   - its conditionals at an inverse temperature β (SampleHidden,
//     SampleVisible: the Gibbs step of p_β ∝ e^{−βE}) and its joint energy
//     E(v, h) (for parallel tempering's swaps);
//   - optionally a [Preconditioner] and a [Constrainer] (the Gaussian RBM:
//     steps scaled by σ², σ kept within its bounds);
//   - optionally, the sufficient statistics of a closed-form gradient for a
//     fast path ([Trainer]'s sums of rows for binary units), which a test
//     must hold equal to the autodiff gradient;
//   - for AIS, a tractable base model and the log of the unnormalised
//     marginal along the path from it, with the same Gibbs sweep at each β;
//     for small models, log Z by enumeration of the smaller binary layer.
//
// From the first three [EnergyTrainer] derives training: the negative phase
// (CD-k, PCD-k, fast PCD with fast weights on the parameters the model
// marks Fast, parallel tempering with swap acceptance rates), momentum,
// weight decay on the parameters marked Decay, per-parameter learning-rate
// scales, and the state that makes a resume exact. [GaussianRBM] is a model
// added this way: [GaussianTrainer] is the EnergyTrainer plus the data's
// standardisation; wiring it to the commands took one file in package
// kinds, and the training loop needed nothing. The binary RBM keeps its own fast [Trainer] with
// the same four negative phases.
//
// For evaluation a model supplies, in the data's own units (evaluate.Evaluable;
// evaluable.go here): its free energy of data rows, AIS from its base model
// fitted to the training data, log Z by enumeration when small enough, its
// first-layer filters and samples from Gibbs chains; optionally RAISE
// (evaluate.ReverseEvaluable).
//
// From these the framework derives: the training loop with its schedules
// (package train, which sees a model only through train.Learner: Step,
// Evaluate, Params, State), checkpoints that resume exactly, sweeps, the
// commands, the AIS estimate with its interval, and the whole of eval's
// report (log Z, the log-likelihoods, pictures), which has no code of its
// own for any kind of model.
//
// Parameters are *tensor.Dense of dtype float32 (the default) or float64
// (the Gaussian RBM: float64). Every random choice takes an injected
// *rand.Rand or a stream keyed by one.
package rbm
