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

// blockedFMA is the SIMD BLAS's product of one element, written out: C
// scaled by beta (cleared where beta is 0), then for each block of gemmKC
// inner indices a sum begun at zero and carried by fused multiply-adds of
// alpha·A(i, q) and B(q, j) in order of q, added to C. In float32 each
// fused step is math.FMA rounded to float32: the exact product of two
// float32 values fits a float64, so this double rounding differs from the
// kernel's single one only on rare ties, none in this test's data.
func blockedFMA[T float32 | float64](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	at := func(i, q int) T {
		if tA {
			return a[q*lda+i]
		}
		return a[i*lda+q]
	}
	bt := func(q, j int) T {
		if tB {
			return b[j*ldb+q]
		}
		return b[q*ldb+j]
	}
	for i := range m {
		for j := range n {
			x := &c[i*ldc+j]
			switch beta {
			case 0:
				*x = 0
			case 1:
			default:
				*x *= beta
			}
			if alpha == 0 {
				continue
			}
			for pc := 0; pc < k; pc += gemmKC {
				var acc T
				for q := pc; q < min(pc+gemmKC, k); q++ {
					acc = T(math.FMA(float64(alpha*at(i, q)), float64(bt(q, j)), float64(acc)))
				}
				*x += acc
			}
		}
	}
}

// TestSIMDGemmSummationOrder holds every element of the SIMD BLAS's
// products, bit for bit, to blockedFMA: with alpha 1, where the kernels
// read A in place, and with other alphas, where A is packed, in each
// transposition, on one thread and two, on shapes with edge tiles in every
// direction. It fixes the order of the sums, so that a change to the
// blocking or the kernels that would change a trained model's bits fails
// here.
func TestSIMDGemmSummationOrder(t *testing.T) {
	s, err := NewSIMD()
	if err != nil {
		t.Skip(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for _, threads := range []int{1, 2} {
		s.SetThreads(threads)
		for _, sh := range []struct{ m, n, k int }{{1, 1, 1}, {7, 33, 5}, {100, 500, 784}, {13, 47, 300}, {200, 70, 100}, {97, 100, 600}} {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					for _, sc := range []struct{ alpha, beta float64 }{{1, 0}, {1, 0.3}, {0.7, 1}} {
						lda, ldb := sh.k+1, sh.n+2
						if tA {
							lda = sh.m + 1
						}
						if tB {
							ldb = sh.k + 2
						}
						a, b, c := randSlice(rng, sh.m*sh.k+sh.m+sh.k), randSlice(rng, sh.k*sh.n+2*sh.n+2*sh.k), randSlice(rng, sh.m*sh.n)
						got, want := append([]float64(nil), c...), append([]float64(nil), c...)
						s.Dgemm(trans(tA), trans(tB), sh.m, sh.n, sh.k, sc.alpha, a, lda, b, ldb, sc.beta, got, sh.n)
						blockedFMA(tA, tB, sh.m, sh.n, sh.k, sc.alpha, a, lda, b, ldb, sc.beta, want, sh.n)
						for i := range want {
							if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
								t.Fatalf("float64 %d threads %+v %v %v %+v: [%d] = %v, in order %v", threads, sh, tA, tB, sc, i, got[i], want[i])
							}
						}
						a32, b32, c32 := to32(a), to32(b), to32(c)
						got32, want32 := append([]float32(nil), c32...), append([]float32(nil), c32...)
						s.Sgemm(trans(tA), trans(tB), sh.m, sh.n, sh.k, float32(sc.alpha), a32, lda, b32, ldb, float32(sc.beta), got32, sh.n)
						blockedFMA(tA, tB, sh.m, sh.n, sh.k, float32(sc.alpha), a32, lda, b32, ldb, float32(sc.beta), want32, sh.n)
						for i := range want32 {
							if math.Float32bits(got32[i]) != math.Float32bits(want32[i]) {
								t.Fatalf("float32 %d threads %+v %v %v %+v: [%d] = %v, in order %v", threads, sh, tA, tB, sc, i, got32[i], want32[i])
							}
						}
					}
				}
			}
		}
	}
}

// trans is the blas.Transpose of t.
func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
