package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/race"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// openOrSkip loads OpenBLAS. In CI (CI=true) the library is installed by
// .ci/run, so a failure to load it is an error there, not a skip.
func openOrSkip(t testing.TB) *OpenBLAS {
	t.Helper()
	o, err := Open("")
	if err != nil {
		if ciRequires() {
			t.Fatalf("CI installs OpenBLAS, but: %v", err)
		}
		t.Skipf("OpenBLAS not installed: %v", err)
	}
	return o
}

// gemmer is the part of a tensor.BLAS that the implementations here replace.
type gemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}

// gemmCase is one product: its shape, scalars and how much each leading
// dimension exceeds its least value.
type gemmCase struct {
	m, n, k     int
	alpha, beta float64
	pad         int
}

// checkGemmCases compares g's Sgemm and Dgemm with gonum's Dgemm in every
// transposition, on random matrices; C starts as NaN where beta is 0 (the
// BLAS must not read it).
func checkGemmCases(t *testing.T, name string, g gemmer, cases []gemmCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 5))
	var ref gonum.Implementation
	for _, tc := range cases {
		m, n, k := tc.m, tc.n, tc.k
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				rowA, colA, rowB, colB := m, k, k, n
				if tA == blas.Trans {
					rowA, colA = k, m
				}
				if tB == blas.Trans {
					rowB, colB = n, k
				}
				lda, ldb, ldc := max(colA, 1)+tc.pad, max(colB, 1)+tc.pad, max(n, 1)+tc.pad
				a64, b64 := randSlice(rng, rowA*lda), randSlice(rng, rowB*ldb)
				c64 := randSlice(rng, m*ldc)
				if tc.beta == 0 {
					for i := range c64 {
						c64[i] = math.NaN()
					}
				}
				want := append([]float64(nil), c64...)
				if tc.beta == 0 {
					clear(want)
				}
				ref.Dgemm(tA, tB, m, n, k, tc.alpha, a64, lda, b64, ldb, tc.beta, want, ldc)
				got := append([]float64(nil), c64...)
				g.Dgemm(tA, tB, m, n, k, tc.alpha, a64, lda, b64, ldb, tc.beta, got, ldc)
				a32, b32, c32 := to32(a64), to32(b64), to32(c64)
				g.Sgemm(tA, tB, m, n, k, float32(tc.alpha), a32, lda, b32, ldb, float32(tc.beta), c32, ldc)
				for i := range want {
					if i%ldc >= n {
						// Past the n columns: padding the BLAS must not touch.
						if !sameFloat(got[i], c64[i]) || !sameFloat(float64(c32[i]), float64(float32(c64[i]))) {
							t.Fatalf("%s %v %v %d×%d×%d: padding element %d written", name, tA, tB, m, n, k, i)
						}
						continue
					}
					if d := math.Abs(got[i] - want[i]); !(d <= 1e-12*float64(k+1)) {
						t.Fatalf("%s Dgemm %v %v %d×%d×%d α=%g β=%g: element %d off by %g", name, tA, tB, m, n, k, tc.alpha, tc.beta, i, d)
					}
					if d := math.Abs(float64(c32[i]) - want[i]); !(d <= 1e-5*float64(k+1)) {
						t.Fatalf("%s Sgemm %v %v %d×%d×%d α=%g β=%g: element %d off by %g", name, tA, tB, m, n, k, tc.alpha, tc.beta, i, d)
					}
				}
			}
		}
	}
}

// sameFloat is equality that counts NaN equal to NaN.
func sameFloat(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }

// gemmCases are the model's shapes and shapes that cross every blocking
// boundary of gemm.go (gemmMR, nr, gemmKC, gemmMC, gemmNC) with an edge.
var gemmCases = []gemmCase{
	{1, 1, 1, 1.5, -0.5, 0}, {3, 5, 7, 1.5, -0.5, 0}, {100, 500, 784, 1.5, -0.5, 0},
	{64, 33, 17, 1.5, -0.5, 0}, {0, 4, 4, 1.5, -0.5, 0}, {4, 4, 0, 1.5, 2, 0},
	{6, 16, 1, 1, 0, 0}, {12, 32, 256, 1, 1, 0}, {7, 17, 300, -2, 0, 3},
	{200, 20, 5, 0.5, 1, 1}, {97, 2100, 3, 1, 0, 2}, {193, 40, 513, 1, -1, 0},
	{5, 6, 7, 0, 0.5, 1},
}

func TestGemmMatchesGonum(t *testing.T) {
	checkGemmCases(t, "OpenBLAS", openOrSkip(t), gemmCases)
}

func TestSIMDGemmMatchesGonum(t *testing.T) {
	s, err := NewSIMD()
	if err != nil {
		t.Skip(err)
	}
	// One thread, two (each a stripe), and three (stripes of unequal size).
	for _, threads := range []int{1, 2, 3} {
		s.SetThreads(threads)
		checkGemmCases(t, fmt.Sprintf("SIMD with %d threads", threads), s, gemmCases)
	}
}

// TestGemmAllocatesNothing: a product at the RBM's size, on the SIMD BLAS
// (one thread, and stripes on its pool) and on OpenBLAS, allocates nothing,
// so a training step need not either.
func TestGemmAllocatesNothing(t *testing.T) {
	a, b, c := make([]float32, 100*784), make([]float32, 784*500), make([]float32, 100*500)
	a64, b64, c64 := make([]float64, 100*784), make([]float64, 784*500), make([]float64, 100*500)
	products := func(g gemmer) func() {
		return func() {
			g.Sgemm(blas.NoTrans, blas.NoTrans, 100, 500, 784, 1, a, 784, b, 500, 0, c, 500)
			g.Sgemm(blas.NoTrans, blas.Trans, 100, 784, 500, 1, c, 500, b, 500, 0, a, 784)
			g.Dgemm(blas.Trans, blas.NoTrans, 784, 500, 100, 1, a64, 784, c64, 500, 0, b64, 500)
		}
	}
	if s, err := NewSIMD(); err == nil {
		for _, threads := range []int{1, 2} {
			s.SetThreads(threads)
			products(s)() // the packing buffers, once
			if n := testing.AllocsPerRun(10, products(s)); n != 0 {
				t.Errorf("SIMD with %d threads: %g allocations for three products", threads, n)
			}
		}
	}
	if o, err := Open(""); err == nil && !race.Enabled {
		if n := testing.AllocsPerRun(10, products(o)); n != 0 {
			t.Errorf("OpenBLAS: %g allocations for three products", n)
		}
	}
}

// TestSIMDConcurrentProducts: products called from several goroutines at
// once (as the DBM calls them) share one pool; those that find it taken
// run alone, and every result is right. Run under -race in CI.
func TestSIMDConcurrentProducts(t *testing.T) {
	s, err := NewSIMD()
	if err != nil {
		t.Skip(err)
	}
	s.SetThreads(2)
	const m, n, k, callers = 70, 90, 110, 4
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := make([]float64, m*k), make([]float64, k*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	want := make([]float64, m*n)
	gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, want, n)
	errs := make(chan error, callers)
	for range callers {
		go func() {
			c := make([]float64, m*n)
			for round := range 50 {
				s.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
				for i := range c {
					if d := math.Abs(c[i] - want[i]); d > 1e-12*k {
						errs <- fmt.Errorf("round %d: element %d off by %g", round, i, d)
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range callers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestGemmChecksArguments(t *testing.T) {
	o := openOrSkip(t)
	defer func() {
		if recover() == nil {
			t.Error("a short C slice did not panic")
		}
	}()
	o.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 3), 2, 0, make([]float32, 4), 2)
}

func TestUse(t *testing.T) {
	desc, err := Use(Gonum)
	if err != nil || desc == "" {
		t.Errorf("gonum: %q, %v", desc, err)
	}
	if _, err := Use("mkl"); err == nil {
		t.Error("unknown BLAS accepted")
	}
	// Without OpenBLAS, "auto" takes the SIMD BLAS where its kernels run.
	desc = usePureGo()
	if _, isSIMD := tensor.WhichBLAS().(*SIMD); isSIMD != haveKernels || !strings.Contains(desc, LibraryName) {
		t.Errorf("auto without OpenBLAS, kernels %v: %T, %q", haveKernels, tensor.WhichBLAS(), desc)
	}
	// The SIMD BLAS is there exactly where its kernels are, and says so.
	if desc, err := Use(SIMDName); (err == nil) != haveKernels || (err == nil && !strings.Contains(desc, "SIMD")) {
		t.Errorf("simd with kernels %v: %q, %v", haveKernels, desc, err)
	}
	desc, err = Use(Auto)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(desc)
	defer Use(Gonum)
	if _, err := Open(""); err == nil {
		if _, err := Use(OpenName); err != nil {
			t.Error(err)
		}
	}
	if _, err := Open("/nonexistent/libopenblas.so.0"); err == nil {
		t.Error("a missing library loaded")
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, max(n, 1))
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s[:n:max(n, 1)]
}

func to32(x []float64) []float32 {
	out := make([]float32, len(x), max(len(x), 1))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// rangeRuns counts the calls of its cover over a range [0, n), and how
// many of them covered each index.
type rangeRuns struct {
	runs  []atomic.Int32
	calls atomic.Int32
}

func (r *rangeRuns) cover(lo, hi int) {
	r.calls.Add(1)
	for i := lo; i < hi; i++ {
		r.runs[i].Add(1)
	}
}

// check fails t unless every index was covered want times.
func (r *rangeRuns) check(t *testing.T, name string, want int32) {
	t.Helper()
	for i := range r.runs {
		if got := r.runs[i].Load(); got != want {
			t.Fatalf("%s: index %d ran %d times, want %d", name, i, got, want)
		}
	}
}

// TestShareLendsThePool: Share runs f once on each index of its range
// when the SIMD BLAS's goroutines are free, and runs nothing (reporting
// false) on one thread or while a product holds them.
func TestShareLendsThePool(t *testing.T) {
	s, err := NewSIMD()
	if err != nil {
		t.Skip(err)
	}
	const n = 1000
	for _, tc := range []struct {
		name    string
		threads int
		held    bool
		want    bool
	}{{"free", 2, false, true}, {"one thread", 1, false, false}, {"held by a product", 2, true, false}} {
		s.SetThreads(tc.threads)
		if tc.held {
			s.poolMu.Lock()
		}
		r := &rangeRuns{runs: make([]atomic.Int32, n)}
		got := s.Share(n, 10, r.cover)
		if tc.held {
			s.poolMu.Unlock()
		}
		if got != tc.want {
			t.Errorf("%s: Share reported %v, want %v", tc.name, got, tc.want)
		}
		want := int32(0)
		if tc.want {
			want = 1
		}
		r.check(t, tc.name, want)
	}
}

// TestRunSharedCoversTheRange: RunShared runs f once on each index, on
// the SIMD BLAS's goroutines (in blocks) or, under another BLAS, in one
// call on the caller's.
func TestRunSharedCoversTheRange(t *testing.T) {
	defer Use(Gonum)
	for _, lib := range []string{SIMDName, Gonum} {
		if _, err := Use(lib); err != nil {
			t.Logf("%s: %v", lib, err)
			continue
		}
		Threads(2)
		r := &rangeRuns{runs: make([]atomic.Int32, 1000)}
		RunShared(len(r.runs), 10, r.cover)
		r.check(t, lib, 1)
		if lib == Gonum && r.calls.Load() != 1 {
			t.Errorf("gonum: %d calls, want one on the caller's goroutine", r.calls.Load())
		}
	}
}
