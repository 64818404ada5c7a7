// Package numeric holds the small generic kernels the models share: matrix
// products through the BLAS that gorgonia.org/tensor is set to use, the
// logistic function and softplus computed stably, Bernoulli sampling from an
// injected source, and checks for values that are not finite.
//
// The kernels work on the backing slices of *tensor.Dense values, so that one
// generic body serves float32 and float64.
//
// On amd64 the hot loops have Go-assembly kernels (AVX2, and AVX-512 for
// the sums of rows where the CPU has it): element-wise arithmetic
// ([Binary]), sums of listed rows ([GatherSum]), the logistic function, the
// momentum step, transposes and [MaxAbsDiff]. [Binary], [GatherSum],
// [MaxAbsDiff] and the transposes give the same bits as their loops in Go
// (the tests check it); the momentum kernel fuses a multiply and an add.
// [ParallelRange] splits a loop into blocks over goroutines ([Blocks] is the
// rule; package internal/pool runs the same blocks on goroutines that live
// as long as it does), and [Stream] gives each block's rows random numbers
// that do not depend on how the rows fell to goroutines.
package numeric
