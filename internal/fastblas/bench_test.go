package fastblas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkGemm reports GFLOP/s of the three products of a CD-1 step at
// MNIST scale (batch 100, 784 visible, 500 hidden units): p(h|v) = V·W,
// p(v|h) = H·Wᵀ and the statistics Xᵀ·P over data and chains, for each
// BLAS here, in float32 and float64, on one thread and on all.
func BenchmarkGemm(b *testing.B) {
	impls := []struct {
		name string
		g    gemmer
		set  func(int)
	}{{"gonum", gonum.Implementation{}, func(int) {}}}
	if s, err := NewSIMD(); err == nil {
		impls = append(impls, struct {
			name string
			g    gemmer
			set  func(int)
		}{SIMDName, s, func(n int) { s.SetThreads(n) }})
	}
	if o, err := Open(""); err == nil {
		impls = append(impls, struct {
			name string
			g    gemmer
			set  func(int)
		}{OpenName, o, func(n int) { o.SetThreads(n) }})
	}
	shapes := []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{"VW", blas.NoTrans, blas.NoTrans, 100, 500, 784},
		{"HWt", blas.NoTrans, blas.Trans, 100, 784, 500},
		{"XtP", blas.Trans, blas.NoTrans, 784, 500, 200},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, im := range impls {
		for _, threads := range []int{1, 2} {
			for _, sh := range shapes {
				lda, ldb := sh.k, sh.n
				if sh.tA == blas.Trans {
					lda = sh.m
				}
				if sh.tB == blas.Trans {
					ldb = sh.k
				}
				a, bb, c := randSlice(rng, sh.m*sh.k), randSlice(rng, sh.k*sh.n), make([]float64, sh.m*sh.n)
				a32, b32, c32 := to32(a), to32(bb), to32(c)
				flops := 2 * float64(sh.m*sh.n*sh.k)
				name := fmt.Sprintf("%s/threads=%d/%s", im.name, threads, sh.name)
				b.Run(name+"/float32", func(b *testing.B) {
					im.set(threads)
					for range b.N {
						im.g.Sgemm(sh.tA, sh.tB, sh.m, sh.n, sh.k, 1, a32, lda, b32, ldb, 0, c32, sh.n)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
				b.Run(name+"/float64", func(b *testing.B) {
					im.set(threads)
					for range b.N {
						im.g.Dgemm(sh.tA, sh.tB, sh.m, sh.n, sh.k, 1, a, lda, bb, ldb, 0, c, sh.n)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
