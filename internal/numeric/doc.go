// Package numeric holds the small generic kernels the models share: matrix
// products through the BLAS that gorgonia.org/tensor is set to use, the
// logistic function and softplus computed stably, Bernoulli sampling from an
// injected source, and checks for values that are not finite.
//
// The kernels work on the backing slices of *tensor.Dense values, so that one
// generic body serves float32 and float64.
package numeric
