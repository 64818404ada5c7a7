package numeric

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSigmoid32(t *testing.T) {
	worst := 0.0
	for x := -100.0; x <= 100; x += 1e-3 {
		got := float64(Sigmoid32(float32(x)))
		want := Sigmoid(float64(float32(x)))
		if d := math.Abs(got - want); d > worst {
			worst = d
		}
		if got < 0 || got > 1 {
			t.Fatalf("Sigmoid32(%g) = %g, outside [0, 1]", x, got)
		}
	}
	if worst > 2e-7 {
		t.Errorf("Sigmoid32: worst absolute error %g, want ≤ 2e-7", worst)
	}
	// Relative accuracy in the far tail, where σ(x) ≈ e^x.
	for _, x := range []float32{-80, -50, -20, -10} {
		got, want := float64(Sigmoid32(x)), Sigmoid(float64(x))
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("Sigmoid32(%g) = %g, want %g (relative 1e-6)", x, got, want)
		}
	}
	if s := Sigmoid32(float32(math.Inf(-1))); s < 0 || s > 1e-37 {
		t.Errorf("Sigmoid32(-Inf) = %g", s)
	}
	if s := Sigmoid32(float32(math.Inf(1))); s != 1 {
		t.Errorf("Sigmoid32(+Inf) = %g", s)
	}
}

func TestSigmoidBiasMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 41 {
		row32, bias32 := make([]float32, n), make([]float32, n)
		row64, bias64 := make([]float64, n), make([]float64, n)
		for j := range n {
			row64[j], bias64[j] = rng.NormFloat64()*20, rng.NormFloat64()
			row32[j], bias32[j] = float32(row64[j]), float32(bias64[j])
		}
		if n > 3 {
			row32[1], row32[2] = float32(math.Inf(1)), float32(math.Inf(-1))
		}
		want32, want64 := make([]float32, n), make([]float64, n)
		for j := range n {
			want32[j] = Sigmoid32(row32[j] + bias32[j])
			want64[j] = Sigmoid(row64[j] + bias64[j])
		}
		SigmoidBias(row32, bias32)
		SigmoidBias(row64, bias64)
		for j := range n {
			// The vector kernel rounds differently from the scalar one (fused
			// multiply-adds) but not by more than two units in the last place.
			if d := math.Abs(float64(row32[j] - want32[j])); d > 2.4e-7 {
				t.Errorf("n = %d, j = %d: vector %g, scalar %g", n, j, row32[j], want32[j])
			}
			if row64[j] != want64[j] {
				t.Errorf("float64, n = %d, j = %d: %g, want %g", n, j, row64[j], want64[j])
			}
		}
	}
	// NaN propagates: a diverged model must not look like a saturated one.
	row := []float32{0, 0, 0, float32(math.NaN()), 0, 0, 0, 0, float32(math.NaN())}
	SigmoidBias(row, make([]float32, len(row)))
	if !math.IsNaN(float64(row[3])) || !math.IsNaN(float64(row[8])) || row[0] != 0.5 {
		t.Errorf("NaN in, got %v", row)
	}
}

func BenchmarkSigmoid(b *testing.B) {
	x := make([]float32, 50000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 4)
	}
	out := make([]float32, len(x))
	b.Run("Sigmoid32", func(b *testing.B) {
		for range b.N {
			for i, v := range x {
				out[i] = Sigmoid32(v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("Sigmoid", func(b *testing.B) {
		for range b.N {
			for i, v := range x {
				out[i] = float32(Sigmoid(float64(v)))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("BernoulliRow32", func(b *testing.B) {
		s := NewStream(1, 2, 3)
		for range b.N {
			BernoulliRow(out, x, &s)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("SampleBernoulli32", func(b *testing.B) {
		for range b.N {
			SampleBernoulli(out, x, rng)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
}
