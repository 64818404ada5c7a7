// Package optional is the one rule for a score a model or a run does not
// have: NaN in memory, null in JSON. Float makes the JSON side of a value
// (nil for NaN), Value reads it back (NaN for nil).
package optional

import "math"

// Float is x for JSON: nil (null) when x is NaN, else a pointer to a copy.
func Float(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// Value is the number p holds, NaN when it is nil (null or missing).
func Value(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
