// Package energy is the energy-model contract and the trainer that derives
// everything else from it: a user's own model, in a user's own package,
// trains here.
//
// A [ModelOf] has one visible and one hidden layer, its parameters and
// states in float32 or float64 ([Model] is the float64 one, in which the
// tests check gradients and log-likelihoods; the Gaussian RBM trains faster
// in float32), and supplies:
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
// From these [TrainerOf] ([Trainer] in float64) derives training: the negative phase (CD-k, PCD-k,
// fast PCD with fast weights on the parameters the model marks Fast,
// parallel tempering with swap acceptance rates), momentum, weight decay on
// the parameters marked Decay, per-parameter learning-rate scales, and the
// state that makes a resume exact. A Trainer is a train.Learner once the
// model adds its scores (Evaluate); with evaluate.Evaluable (its free energy
// of data rows, AIS from a base model through ais.Run, exact log Z when
// small, filters and samples) it gets eval's whole report.
//
// # How the gradient runs
//
// Gorgonia builds F(v) and differentiates it symbolically; the gradient
// graph then runs as a Plan (package internal/graph): compiled once
// into the project's own kernels — products through the BLAS the commands
// chose, element-wise passes on AVX2 (numeric.Binary, the same bits as Go's
// loops) and reductions, the float32 sigmoid on its vector kernel — over
// buffers allocated once, keeping only the nodes the gradients need
// (Gorgonia's graph also holds F's value and the gradient of the data
// rows). A step of the trainer allocates nothing. Making Gorgonia's tape
// machine reuse its values was the other way; it was not taken because its
// Reset discards every intermediate value (so a step allocates each anew)
// and its element-wise operations go through the tensor package's
// iterators.
//
// The compiled graph is F of the data and model rows stacked, weighted
// −1/nData and 1/nModel and summed: each product runs once on all the rows,
// and the parameters' gradients sum over them inside the product rather
// than in two products and an addition. A graph holding an operation the
// plan has no kernel for runs the two-branch graph, mean F(v_model) − mean
// F(v_data), on the tape machine. The plan's float64 gradients equal the
// tape machine's on the two-branch graph to 1e-12
// (TestPlanGradientEqualsTapeMachine).
//
// The plan against the tape machine, and the step's time on each BLAS, are
// measured by go run ./experiments/bench -autodiff and BenchmarkStep in
// rbm/grbm; see experiments/bench/RESULTS.md.
//
// [TrainConfig] and the sampler names are shared with the binary RBM's own
// fast trainer (package rbm), which has the same four negative phases and a
// closed-form gradient that its tests hold equal to this package's autodiff
// gradient.
package energy
