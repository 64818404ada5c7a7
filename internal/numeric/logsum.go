package numeric

import "math"

// LogSum accumulates log Σ e^{x_i} in one pass, stably, without keeping
// the terms (the exact log Z of a model sums over up to 2^25 states). The
// zero value is not ready: start from [NewLogSum].
type LogSum struct{ max, sum float64 }

// NewLogSum is an empty sum, log 0 = −∞.
func NewLogSum() LogSum { return LogSum{max: math.Inf(-1)} }

// Add adds e^x to the sum.
func (l *LogSum) Add(x float64) {
	if math.IsInf(x, -1) {
		return
	}
	if x <= l.max {
		l.sum += math.Exp(x - l.max)
		return
	}
	l.sum = l.sum*math.Exp(l.max-x) + 1
	l.max = x
}

// Value is the log of the sum.
func (l LogSum) Value() float64 {
	if l.sum == 0 {
		return math.Inf(-1)
	}
	return l.max + math.Log(l.sum)
}
