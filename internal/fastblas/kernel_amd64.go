//go:build !purego

package fastblas

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

// haveKernels reports whether the CPU runs the AVX2/FMA micro-kernels of
// kernel_amd64.s.
var haveKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sgemm6x16(k int, a *float32, as, aq int, b *float32, ldb int, c *float32, ldc int, store bool)

//go:noescape
func dgemm6x8(k int, a *float64, as, aq int, b *float64, ldb int, c *float64, ldc int, store bool)

// haveKernels512 reports whether the CPU runs the AVX-512 micro-kernels,
// which [NewSIMD] then takes: each element of a tile adds the same
// products in the same order as the AVX2 kernels', so the results are the
// same bits (TestSIMDKernelsAgree).
var haveKernels512 = haveKernels && cpu.X86.HasAVX512F

//go:noescape
func sgemm6x32(k int, a *float32, as, aq int, b *float32, ldb int, c *float32, ldc int, store bool)

//go:noescape
func dgemm6x16(k int, a *float64, as, aq int, b *float64, ldb int, c *float64, ldc int, store bool)
