package enumerate

import (
	"math"
	"testing"
)

// TestLogZ: the brute-force sum against closed forms: independent units,
// and a pair of coupled units (four states written out).
func TestLogZ(t *testing.T) {
	a := []float64{0.5, -1, 2, 0}
	got := LogZ(len(a), func(x []float64) float64 {
		e := 0.0
		for i, v := range x {
			e -= a[i] * v
		}
		return e
	})
	if want := IndependentLogZ(a); math.Abs(got-want) > 1e-12 {
		t.Errorf("independent units: %v, want %v", got, want)
	}
	const w, b1, b2 = 1.5, -0.3, 0.7
	got = LogZ(2, func(x []float64) float64 { return -(w*x[0]*x[1] + b1*x[0] + b2*x[1]) })
	want := math.Log(1 + math.Exp(b1) + math.Exp(b2) + math.Exp(w+b1+b2))
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("coupled pair: %v, want %v", got, want)
	}
	seen := 0
	States(3, func(x []float64) {
		if x[0] != float64(seen&1) || x[2] != float64(seen>>2&1) {
			t.Errorf("state %d is %v", seen, x)
		}
		seen++
	})
	if seen != 8 {
		t.Errorf("%d states of 3 units", seen)
	}
}
