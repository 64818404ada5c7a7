package numeric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

func TestGemmMatchesNaiveProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, n, k := 5, 7, 3
	for _, tc := range []struct{ ta, tb bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		a := make([]float64, m*k)
		b := make([]float64, k*n)
		c := make([]float64, m*n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		// op(A)[i,l] and op(B)[l,j] under the row-major storage Gemm assumes.
		opA := func(i, l int) float64 {
			if tc.ta {
				return a[l*m+i]
			}
			return a[i*k+l]
		}
		opB := func(l, j int) float64 {
			if tc.tb {
				return b[j*k+l]
			}
			return b[l*n+j]
		}
		want := make([]float64, m*n)
		for i := range m {
			for j := range n {
				s := 0.0
				for l := range k {
					s += opA(i, l) * opB(l, j)
				}
				want[i*n+j] = 2*s + 0.5*c[i*n+j]
			}
		}
		c32 := make([]float32, len(c))
		a32, b32 := make([]float32, len(a)), make([]float32, len(b))
		for i := range c {
			c32[i] = float32(c[i])
		}
		for i := range a {
			a32[i] = float32(a[i])
		}
		for i := range b {
			b32[i] = float32(b[i])
		}
		Gemm(tc.ta, tc.tb, m, n, k, 2, a, b, 0.5, c)
		Gemm(tc.ta, tc.tb, m, n, k, 2, a32, b32, 0.5, c32)
		for i := range want {
			if math.Abs(c[i]-want[i]) > 1e-12 || math.Abs(float64(c32[i])-want[i]) > 1e-5 {
				t.Fatalf("transA=%v transB=%v: element %d is %g (float32 %g), want %g", tc.ta, tc.tb, i, c[i], c32[i], want[i])
			}
		}
	}
}

func TestStableFunctions(t *testing.T) {
	for _, tc := range []struct {
		x, sigmoid, softplus float64
	}{
		{0, 0.5, math.Ln2},
		{1000, 1, 1000},
		{-1000, 0, 0},
		{40, 1 / (1 + math.Exp(-40)), 40 + math.Log1p(math.Exp(-40))},
		{-40, math.Exp(-40) / (1 + math.Exp(-40)), math.Log1p(math.Exp(-40))},
		{2, 1 / (1 + math.Exp(-2)), math.Log(1 + math.Exp(2))},
	} {
		if got := Sigmoid(tc.x); math.Abs(got-tc.sigmoid) > 1e-15*math.Max(1, tc.sigmoid) || math.IsNaN(got) {
			t.Errorf("Sigmoid(%g) = %g, want %g", tc.x, got, tc.sigmoid)
		}
		if got := Softplus(tc.x); math.Abs(got-tc.softplus) > 1e-14*math.Max(1, tc.softplus) {
			t.Errorf("Softplus(%g) = %g, want %g", tc.x, got, tc.softplus)
		}
		if got, want := LogSigmoid(tc.x), -Softplus(-tc.x); got != want {
			t.Errorf("LogSigmoid(%g) = %g, want %g", tc.x, got, want)
		}
	}
	if r := Sigmoid(-40) / math.Exp(-40); math.Abs(r-1) > 1e-12 {
		t.Errorf("Sigmoid(-40) lost relative precision: ratio to e^-40 is %g", r)
	}
}

func TestSampleBernoulliFrequencies(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	const n = 200000
	p := make([]float32, n)
	for i := range p {
		p[i] = []float32{0, 0.1, 0.5, 1}[i%4]
	}
	dst := make([]float32, n)
	SampleBernoulli(dst, p, rng)
	count := [4]float64{}
	for i, x := range dst {
		count[i%4] += float64(x)
	}
	for j, want := range []float64{0, 0.1, 0.5, 1} {
		got := count[j] / (n / 4)
		sd := math.Sqrt(want * (1 - want) / (n / 4))
		if math.Abs(got-want) > 5*sd+1e-12 {
			t.Errorf("p=%g: frequency %g, more than 5 standard deviations (%g) off", want, got, sd)
		}
	}
}

func TestCheckFinite(t *testing.T) {
	x := tensor.New(tensor.WithShape(3), tensor.WithBacking([]float32{1, 2, 3}))
	if err := CheckFinite("x", x); err != nil {
		t.Error(err)
	}
	x.Data().([]float32)[1] = float32(math.Inf(-1))
	if err := CheckFinite("x", x); err == nil || err.Error() != "x[1] = -Inf" {
		t.Errorf("error %v, want x[1] = -Inf", err)
	}
	y := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{math.NaN(), 0}))
	if err := CheckFinite("y", y); err == nil {
		t.Error("NaN accepted")
	}
	// Every position of a 9-element vector (the unrolled loop and its
	// tail), and huge finite values, which must pass.
	for i := range 9 {
		z := []float32{3e38, -3e38, 1, 2, 3, 4, 5, 6, 7}
		if err := CheckFinite("z", tensor.New(tensor.WithShape(9), tensor.WithBacking(z))); err != nil {
			t.Fatalf("finite vector refused: %v", err)
		}
		z[i] = float32(math.NaN())
		if err := CheckFinite("z", tensor.New(tensor.WithShape(9), tensor.WithBacking(z))); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("z[%d]", i)) {
			t.Errorf("NaN at %d: %v", i, err)
		}
	}
}

func TestRowsAndColumns(t *testing.T) {
	w := []float32{1, 2, 3, 4, 5, 6} // [2, 3]
	cols := Columns(w, 2, 3, 2)
	if len(cols) != 2 || cols[0][0] != 1 || cols[0][1] != 4 || cols[1][0] != 2 || cols[1][1] != 5 {
		t.Errorf("first two columns of [[1 2 3] [4 5 6]]: %v", cols)
	}
	if got := Columns(w, 2, 3, 9); len(got) != 3 {
		t.Errorf("Columns(…, 9) of 3 columns gave %d", len(got))
	}
	x := []float64{1, 2, 3, 4}
	rows := Rows(x, 2, 2)
	x[0] = 9 // the rows are copies
	if rows[0][0] != 1 || rows[1][1] != 4 {
		t.Errorf("Rows: %v", rows)
	}
}
