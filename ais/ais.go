package ais

import (
	"errors"
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Segment is a stretch of a schedule: inverse temperatures rise from the
// previous segment's end to Until in steps of Step.
type Segment struct {
	Until, Step float64
}

// PaperSegments is the schedule of Salakhutdinov & Murray (2008): steps of
// 1e-3 up to 0.5, 1e-4 up to 0.9 and 1e-5 up to 1, that is 14,500
// transitions.
var PaperSegments = []Segment{{0.5, 1e-3}, {0.9, 1e-4}, {1, 1e-5}}

// PaperK is the number of transitions of the paper's schedule.
const PaperK = 14500

// Schedule returns the inverse temperatures 0 = β_0 < β_1 < … < β_K = 1 of
// the given segments. Each value is computed from its index, not by
// repeated addition, so no rounding drift accumulates.
func Schedule(segs []Segment) ([]float64, error) {
	betas := []float64{0}
	lo := 0.0
	for i, s := range segs {
		if !(s.Step > 0) || !(s.Until > lo) || s.Until > 1 {
			return nil, fmt.Errorf("ais: segment %d (until %g, step %g) must rise from %g to at most 1 in positive steps", i, s.Until, s.Step, lo)
		}
		n := int(math.Round((s.Until - lo) / s.Step))
		if n < 1 {
			n = 1
		}
		for j := 1; j <= n; j++ {
			betas = append(betas, lo+(s.Until-lo)*float64(j)/float64(n))
		}
		lo = s.Until
	}
	if lo != 1 {
		return nil, fmt.Errorf("ais: schedule ends at %g, want 1", lo)
	}
	return betas, nil
}

// ScaledSchedule returns a schedule of about k transitions with the shape
// of the paper's: the same three segments, each with k/14,500 of its
// transitions. k = 14,500 gives the paper's schedule exactly.
func ScaledSchedule(k int) ([]float64, error) {
	if k < 3 {
		return nil, fmt.Errorf("ais: %d transitions: want at least 3", k)
	}
	f := float64(k) / PaperK
	segs := make([]Segment, len(PaperSegments))
	lo := 0.0
	for i, s := range PaperSegments {
		n := max(1, math.Round((s.Until-lo)/s.Step*f))
		segs[i] = Segment{Until: s.Until, Step: (s.Until - lo) / n}
		lo = s.Until
	}
	return Schedule(segs)
}

// Estimate is the AIS estimate of a log partition function.
type Estimate struct {
	// LogZ is log Z_0 + log of the mean importance weight.
	LogZ float64 `json:"log_z"`
	// LogZLo and LogZHi are log(Ẑ ∓ 3σ̂), with σ̂ the standard error of the
	// mean weight (times Z_0); LogZLo is −Inf when Ẑ − 3σ̂ ≤ 0.
	LogZLo float64 `json:"log_z_lo"`
	LogZHi float64 `json:"log_z_hi"`
	// LogZBase is log Z_0 of the base distribution.
	LogZBase float64 `json:"log_z_base"`
	// Runs is the number of chains, and ESS the effective sample size of
	// their weights, (Σw)²/Σw², which falls far below Runs when a few
	// chains dominate (a sign that the schedule is too short).
	Runs int     `json:"runs"`
	ESS  float64 `json:"ess"`
}

// FromLogWeights turns the log importance weights of independent runs into
// an estimate, all in log space so that weights of e^{±700} are handled.
func FromLogWeights(logZBase float64, logw []float64) (Estimate, error) {
	m := len(logw)
	if m == 0 {
		return Estimate{}, errors.New("ais: no runs")
	}
	for i, x := range logw {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Estimate{}, fmt.Errorf("ais: run %d has log weight %v", i, x)
		}
	}
	top := logw[0]
	for _, x := range logw {
		top = max(top, x)
	}
	// Scaled weights u_i = w_i/e^top lie in (0, 1].
	var sum, sumSq float64
	for _, x := range logw {
		u := math.Exp(x - top)
		sum += u
		sumSq += u * u
	}
	mean := sum / float64(m)
	variance := 0.0
	if m > 1 {
		// Sample variance of the scaled weights, by a stable two-pass sum.
		for _, x := range logw {
			d := math.Exp(x-top) - mean
			variance += d * d
		}
		variance /= float64(m - 1)
	}
	se := math.Sqrt(variance / float64(m))
	e := Estimate{
		LogZ:     logZBase + top + math.Log(mean),
		LogZHi:   logZBase + top + math.Log(mean+3*se),
		LogZLo:   math.Inf(-1),
		LogZBase: logZBase,
		Runs:     m,
		ESS:      sum * sum / sumSq,
	}
	if mean-3*se > 0 {
		e.LogZLo = logZBase + top + math.Log(mean-3*se)
	}
	return e, nil
}

// LogMeanExp is log((1/n) Σ e^{x_i}), computed stably.
func LogMeanExp(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	top := x[0]
	for _, v := range x {
		top = max(top, v)
	}
	if math.IsInf(top, 0) {
		return top
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - top)
	}
	return top + math.Log(s/float64(len(x)))
}

// Mean is the arithmetic mean.
func Mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// LogSum accumulates log Σ e^{x_i} in one pass, stably (see
// [numeric.LogSum]). The zero value is not ready: start from [NewLogSum].
type LogSum = numeric.LogSum

// NewLogSum is an empty sum, log 0 = −∞.
func NewLogSum() LogSum { return numeric.NewLogSum() }

// LogSumExp is log Σ e^{x_i}.
func LogSumExp(x []float64) float64 {
	s := NewLogSum()
	for _, v := range x {
		s.Add(v)
	}
	return s.Value()
}
