package numeric

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBinaryMatchesGo holds the vector kernels to Go's own loop, bit for
// bit, for every operation, form and type, on lengths around the lanes and
// on values that stress IEEE arithmetic (zeros of both signs, infinities,
// subnormals, NaN).
func TestBinaryMatchesGo(t *testing.T) {
	testBinary[float32](t)
	testBinary[float64](t)
}

func testBinary[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), 1e-310, 1e-40, math.NaN(), 3.5e38}
	value := func() T {
		if rng.IntN(4) == 0 {
			return T(special[rng.IntN(len(special))])
		}
		return T(rng.NormFloat64() * 10)
	}
	fill := func(n int) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = value()
		}
		return x
	}
	bits := func(x T) uint64 {
		if f, ok := any(x).(float32); ok {
			return uint64(math.Float32bits(f))
		}
		return math.Float64bits(float64(x))
	}
	for _, op := range []byte{'+', '-', '*', '/'} {
		for n := range 41 {
			for form, lens := range [][2]int{{n, n}, {n, 1}, {1, n}} {
				a, b := fill(lens[0]), fill(lens[1])
				got, want := fill(n), make([]T, n)
				Binary(got, a, b, op)
				binaryGo(want, a, b, op)
				for i := range want {
					// NaN results may carry either operand's payload.
					if bits(got[i]) != bits(want[i]) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
						t.Fatalf("%T %c form %d n %d: element %d = %v, Go's loop gives %v", got[i], op, form, n, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestBinaryRefusesMismatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"short operand", func() { Binary(make([]float32, 8), make([]float32, 7), make([]float32, 8), '+') }},
		{"unknown operation", func() { Binary(make([]float64, 4), make([]float64, 4), make([]float64, 4), '%') }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// TestMaxAbsDiffMatchesGo holds MaxAbsDiff to the scalar loop it replaces
// (the mean-field rounds' test of convergence), bit for bit, NaN included,
// on lengths around the vector width.
func TestMaxAbsDiffMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	naive := func(a, b []float32) float32 {
		m := float32(0)
		for i := range a {
			d := a[i] - b[i]
			if d < 0 {
				d = -d
			}
			m = max(m, d)
		}
		return m
	}
	for n := range 70 {
		for trial := range 4 {
			a, b := make([]float32, n), make([]float32, n)
			for i := range a {
				a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			}
			if trial == 1 && n > 0 {
				a[rng.IntN(n)] = float32(math.NaN())
			}
			if trial == 2 && n > 0 {
				b[rng.IntN(n)] = float32(math.Inf(1))
			}
			if trial == 3 {
				copy(b, a) // all zero differences
			}
			got, want := MaxAbsDiff(a, b), naive(a, b)
			if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
				t.Fatalf("n %d trial %d: %v, the loop gives %v", n, trial, got, want)
			}
		}
	}
}
