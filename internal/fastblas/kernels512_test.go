package fastblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestSIMDKernelsAgree holds the SIMD BLAS on its AVX-512 micro-kernels to
// the same BLAS on its AVX2 ones, bit for bit, on shapes that leave edge
// tiles in every direction, both transposes, and alpha and beta other
// than 1 and 0, where this CPU has AVX-512.
func TestSIMDKernelsAgree(t *testing.T) {
	if !haveKernels512 {
		t.Skip("no AVX-512 kernels here")
	}
	wide, err := NewSIMD()
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := NewSIMD()
	if err != nil {
		t.Fatal(err)
	}
	narrow.job32 = newGemmJob(sgemm6x16, 16, narrow.buf32)
	narrow.job64 = newGemmJob(dgemm6x8, 8, narrow.buf64)
	rng := rand.New(rand.NewPCG(6, 7))
	for _, sh := range []struct{ m, n, k int }{{1, 1, 1}, {7, 33, 5}, {100, 500, 784}, {13, 47, 300}, {784, 500, 100}, {64, 64, 1000}} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				lda, ldb := sh.k, sh.n
				if tA == blas.Trans {
					lda = sh.m
				}
				if tB == blas.Trans {
					ldb = sh.k
				}
				a, b, c := randSlice(rng, sh.m*sh.k), randSlice(rng, sh.k*sh.n), randSlice(rng, sh.m*sh.n)
				got, want := append([]float64(nil), c...), append([]float64(nil), c...)
				wide.Dgemm(tA, tB, sh.m, sh.n, sh.k, 0.7, a, lda, b, ldb, 0.3, got, sh.n)
				narrow.Dgemm(tA, tB, sh.m, sh.n, sh.k, 0.7, a, lda, b, ldb, 0.3, want, sh.n)
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("float64 %+v %v %v: [%d] = %v, AVX2 kernels %v", sh, tA, tB, i, got[i], want[i])
					}
				}
				a32, b32, c32 := to32(a), to32(b), to32(c)
				got32, want32 := append([]float32(nil), c32...), append([]float32(nil), c32...)
				wide.Sgemm(tA, tB, sh.m, sh.n, sh.k, 0.7, a32, lda, b32, ldb, 0.3, got32, sh.n)
				narrow.Sgemm(tA, tB, sh.m, sh.n, sh.k, 0.7, a32, lda, b32, ldb, 0.3, want32, sh.n)
				for i := range want32 {
					if math.Float32bits(got32[i]) != math.Float32bits(want32[i]) {
						t.Fatalf("float32 %+v %v %v: [%d] = %v, AVX2 kernels %v", sh, tA, tB, i, got32[i], want32[i])
					}
				}
			}
		}
	}
}
