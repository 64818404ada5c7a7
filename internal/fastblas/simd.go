package fastblas

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/boltzmann-go/boltzmann/internal/pool"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// SIMD is a tensor.BLAS for machines without OpenBLAS: its Sgemm and Dgemm
// run a blocked product (gemm.go) on AVX2/FMA micro-kernels written in Go
// assembly (kernel_amd64.s; a 6×16 tile in float32, 6×8 in float64), or
// AVX-512 ones twice as wide where the CPU has them, its column stripes
// split over the cores. The kernels read A in place where alpha is 1 and A
// is not transposed, and write C without reading it where beta is 0; each
// element of C is the same sum in the same order on every path
// (TestSIMDGemmSummationOrder). The rest is gonum's.
//
// The stripes of a product run on a pool of goroutines that the SIMD
// BLAS keeps, so that a product allocates nothing. One product at a time
// uses the pool; a product called while another holds it (the DBM calls
// several at once, one thread each) runs on its caller's goroutine alone.
type SIMD struct {
	gonum.Implementation
	threads atomic.Int32
	pool    *pool.Pool
	poolMu  sync.Mutex // held by the product using the pool, and its job's fields
	job32   *gemmJob[float32]
	job64   *gemmJob[float64]
	buf32   *bufferList[float32]
	buf64   *bufferList[float64]
}

// errNoKernels is NewSIMD's error where the kernels cannot run.
var errNoKernels = errors.New("fastblas: the SIMD product needs an amd64 CPU with AVX2 and FMA, in a build without the purego tag")

// NewSIMD returns the SIMD BLAS with GOMAXPROCS threads a call, or an
// error where the CPU or the build has no kernels for it.
func NewSIMD() (*SIMD, error) {
	if !haveKernels {
		return nil, errNoKernels
	}
	s := &SIMD{pool: pool.New()}
	s.threads.Store(int32(runtime.GOMAXPROCS(0)))
	// Enough for every goroutine of products called from every core at
	// once (the DBM splits its rows over the cores, one thread a product).
	s.buf32 = newBufferList[float32](2 * runtime.GOMAXPROCS(0))
	s.buf64 = newBufferList[float64](2 * runtime.GOMAXPROCS(0))
	s.job32 = newGemmJob(sgemm6x16, 16, s.buf32)
	s.job64 = newGemmJob(dgemm6x8, 8, s.buf64)
	if haveKernels512 {
		s.job32 = newGemmJob(sgemm6x32, 32, s.buf32)
		s.job64 = newGemmJob(dgemm6x16, 16, s.buf64)
	}
	return s, nil
}

// SetThreads sets the goroutines one product may use (at least one).
func (s *SIMD) SetThreads(n int) bool {
	s.threads.Store(int32(max(n, 1)))
	return true
}

// Threads returns the goroutines one product may use; ok is always true
// (the pair matches [OpenBLAS.Threads]).
func (s *SIMD) Threads() (n int, ok bool) { return int(s.threads.Load()), true }

// String describes the implementation, for the log.
func (s *SIMD) String() string {
	kernels := "AVX2/FMA"
	if s.job32.nr == 32 {
		kernels = "AVX-512"
	}
	return fmt.Sprintf("pure Go with SIMD (%s kernels in Go assembly, %d threads a product)", kernels, s.threads.Load())
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C in row-major order, with
// gonum's argument checks.
func (s *SIMD) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		s.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	simdGemm(s, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s.job32)
}

// Dgemm is Sgemm in float64.
func (s *SIMD) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		s.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	simdGemm(s, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s.job64)
}

// Share runs f over [0, n) on the goroutines of s's products
// (pool.Pool.RangeThenPark) and reports true, or reports false, having
// run nothing, where a product holds them or s has one thread. Element-wise
// passes between products (internal/graph's plans) run there instead of
// on a pool of their own, whose waiting workers would contend with these
// for the cores.
func (s *SIMD) Share(n, minBlock int, f func(lo, hi int)) bool {
	if s.threads.Load() < 2 || !s.poolMu.TryLock() {
		return false
	}
	s.pool.RangeThenPark(n, minBlock, f)
	s.poolMu.Unlock()
	return true
}

// simdGemm checks a product of nonzero size and runs it with job's
// kernel: in stripes on the pool, when it is large enough and the pool is
// free, else on the caller's goroutine.
func simdGemm[T float32 | float64](s *SIMD, tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, job *gemmJob[T]) {
	checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c))
	p := gemmProblem[T]{transA: tA != blas.NoTrans, transB: tB != blas.NoTrans, m: m, n: n, k: k,
		alpha: alpha, beta: beta, a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc}
	threads := int(s.threads.Load())
	if threads > 1 && m*n*k >= minParallelFlops && s.poolMu.TryLock() {
		s.pool.RangeThenPark(job.plan(&p, threads), 1, job.stripes)
		job.p = gemmProblem[T]{} // the job holds nothing of the caller's
		s.poolMu.Unlock()
		return
	}
	gemmStripe(&p, 0, m, 0, n, job.kern, job.nr, job.bufs)
}

// Share is [SIMD.Share] on the tensor package's BLAS where that is the
// SIMD BLAS; under another it runs nothing and reports false.
func Share(n, minBlock int, f func(lo, hi int)) bool {
	s, ok := tensor.WhichBLAS().(*SIMD)
	return ok && s.Share(n, minBlock, f)
}

// RunShared runs f over [0, n): in blocks of at least minBlock on the
// goroutines the BLAS lends ([Share]), or else in one call on the caller's
// goroutine.
func RunShared(n, minBlock int, f func(lo, hi int)) {
	if !Share(n, minBlock, f) {
		f(0, n)
	}
}
