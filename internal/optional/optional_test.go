package optional

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	if Float(math.NaN()) != nil {
		t.Error("NaN is not null")
	}
	if p := Float(-80.5); p == nil || *p != -80.5 || Value(p) != -80.5 {
		t.Errorf("-80.5 became %v", p)
	}
	if !math.IsNaN(Value(nil)) {
		t.Error("null does not read back as NaN")
	}
	x := 1.0
	p := Float(x)
	x = 2
	if *p != 1 {
		t.Error("Float shares its argument's storage")
	}
}
