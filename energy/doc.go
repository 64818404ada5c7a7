// Package energy is the energy-model contract and the trainer that derives
// everything else from it: a user's own model, in a user's own package,
// trains here.
//
// A [Model] has one visible and one hidden layer and supplies:
//
//   - its free energy F(v) as a Gorgonia expression of its parameters
//     (FreeEnergyExpr), from which automatic differentiation
//     ([FreeEnergyGradient]) gives the likelihood gradient
//     −∂/∂θ [mean F(v_data) − mean F(v_model)] of any parameterisation, with
//     no derivative written by hand;
//   - its conditionals at an inverse temperature β (SampleHidden,
//     SampleVisible: the Gibbs step of p_β ∝ e^{−βE}) and its joint energy
//     E(v, h) (for parallel tempering's swaps);
//   - optionally a [Preconditioner] and a [Constrainer] (the Gaussian RBM of
//     package rbm/grbm: steps scaled by σ², σ kept within its bounds).
//
// From these [Trainer] derives training: the negative phase (CD-k, PCD-k,
// fast PCD with fast weights on the parameters the model marks Fast,
// parallel tempering with swap acceptance rates), momentum, weight decay on
// the parameters marked Decay, per-parameter learning-rate scales, and the
// state that makes a resume exact. A Trainer is a train.Learner once the
// model adds its scores (Evaluate); with evaluate.Evaluable (its free energy
// of data rows, AIS from a base model through ais.Run, exact log Z when
// small, filters and samples) it gets eval's whole report.
//
// [TrainConfig] and the sampler names are shared with the binary RBM's own
// fast trainer (package rbm), which has the same four negative phases and a
// closed-form gradient that its tests hold equal to this package's autodiff
// gradient.
package energy
