package fastblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
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

func TestGemmMatchesGonum(t *testing.T) {
	o := openOrSkip(t)
	rng := rand.New(rand.NewPCG(4, 5))
	var ref gonum.Implementation
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {100, 500, 784}, {64, 33, 17}, {0, 4, 4}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				lda, ldb := k, n
				if tA == blas.Trans {
					lda = m
				}
				if tB == blas.Trans {
					ldb = k
				}
				a64, b64 := randSlice(rng, m*k), randSlice(rng, k*n)
				c64 := randSlice(rng, m*n)
				want := append([]float64(nil), c64...)
				ref.Dgemm(tA, tB, m, n, k, 1.5, a64, max(lda, 1), b64, max(ldb, 1), -0.5, want, max(n, 1))
				got := append([]float64(nil), c64...)
				o.Dgemm(tA, tB, m, n, k, 1.5, a64, max(lda, 1), b64, max(ldb, 1), -0.5, got, max(n, 1))
				a32, b32, c32 := to32(a64), to32(b64), to32(c64)
				o.Sgemm(tA, tB, m, n, k, 1.5, a32, max(lda, 1), b32, max(ldb, 1), -0.5, c32, max(n, 1))
				for i := range want {
					if d := math.Abs(got[i] - want[i]); d > 1e-12*float64(k+1) {
						t.Fatalf("Dgemm %v %v %d×%d×%d: element %d off by %g", tA, tB, m, n, k, i, d)
					}
					if d := math.Abs(float64(c32[i]) - want[i]); d > 1e-5*float64(k+1) {
						t.Fatalf("Sgemm %v %v %d×%d×%d: element %d off by %g", tA, tB, m, n, k, i, d)
					}
				}
			}
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
	if desc, err := Use(Gonum); err != nil || desc == "" {
		t.Errorf("gonum: %q, %v", desc, err)
	}
	if _, err := Use("mkl"); err == nil {
		t.Error("unknown BLAS accepted")
	}
	desc, err := Use(Auto)
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
