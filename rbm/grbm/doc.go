// Package grbm is the Gaussian-Bernoulli RBM ([RBM], in the
// parameterisation of Cho, Ilin & Raiko 2011): real visible units with
// learned variances for grey levels, binary hidden units. It is a model
// added through the energy-model contract: it supplies its free energy,
// conditionals and energy ([Model], an energy.ModelOf in float64 or
// float32), and [Trainer] is energy.TrainerOf plus the data's
// standardisation, saved with the parameters. A float32 model
// (TrainConfig.Float32) trains faster (BenchmarkStep) and is evaluated in
// float64, on a copy brought up to date before each evaluation. For
// evaluation it supplies AIS from a Gaussian base fitted to the
// standardised data ([Base], through ais.Run), log Z exactly over up to
// rbm.MaxExactUnits hidden units, and log-likelihoods as densities over the
// pixel values (the standardisation's Jacobian included).
package grbm
