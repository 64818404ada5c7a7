//go:build !purego

package fastblas

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

// haveKernels reports whether the CPU runs the AVX2/FMA micro-kernels of
// kernel_amd64.s.
var haveKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sgemm6x16(k int, a, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func dgemm6x8(k int, a, b *float64, ldb int, c *float64, ldc int)
