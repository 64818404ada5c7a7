//go:build !amd64 || purego

package fastblas

// haveKernels is false: this build has no assembly micro-kernels (another
// architecture, or the purego build tag), and [NewSIMD] fails.
var haveKernels = false

func sgemm6x16(k int, a *float32, as, aq int, b *float32, ldb int, c *float32, ldc int, store bool) {
	panic("fastblas: no sgemm kernel in this build")
}

func dgemm6x8(k int, a *float64, as, aq int, b *float64, ldb int, c *float64, ldc int, store bool) {
	panic("fastblas: no dgemm kernel in this build")
}

// haveKernels512 is false with haveKernels.
var haveKernels512 = false

func sgemm6x32(k int, a *float32, as, aq int, b *float32, ldb int, c *float32, ldc int, store bool) {
	panic("fastblas: no sgemm kernel in this build")
}

func dgemm6x16(k int, a *float64, as, aq int, b *float64, ldb int, c *float64, ldc int, store bool) {
	panic("fastblas: no dgemm kernel in this build")
}
