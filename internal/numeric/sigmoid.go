package numeric

import "math"

// Sigmoid32 is the logistic function in float32 arithmetic, with e^x from
// a degree-6 polynomial after range reduction by powers of two: within
// 2e-7 (absolute) of the exact value, and faster than going through
// math.Exp in float64 (measured by BenchmarkSigmoid in internal/numeric;
// see experiments/bench/RESULTS.md).
func Sigmoid32(x float32) float32 {
	// σ(x) = 1/(1+e^-x); clamp so that e^-x stays finite and normal.
	if x < -87 {
		x = -87
	} else if x > 87 {
		x = 87
	}
	return 1 / (1 + exp32(-x))
}

// exp32 is e^x for |x| ≤ 88: x = n·ln2 + f with |f| ≤ ln2/2, e^f by its
// Taylor polynomial to degree 6 (error below 2e-8), 2^n by the exponent bits.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	// Adding 1.5·2^23 rounds to the nearest integer in float32 arithmetic.
	const round = 12582912
	n := (x*log2e + round) - round
	f := x - n*ln2hi - n*ln2lo
	p := float32(1.0 / 720)
	p = p*f + 1.0/120
	p = p*f + 1.0/24
	p = p*f + 1.0/6
	p = p*f + 0.5
	p = p*f + 1
	p = p*f + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// SigmoidBias sets row[j] = σ(row[j] + bias[j]) for j < len(bias): for
// float32 with [Sigmoid32]'s arithmetic, eight lanes at a time on CPUs with
// AVX2, for float64 with [Sigmoid].
func SigmoidBias[T Float](row, bias []T) {
	if r32, ok := any(row).([]float32); ok {
		sigmoidBias32(r32, any(bias).([]float32))
		return
	}
	row = row[:len(bias)]
	for j, b := range bias {
		row[j] = T(Sigmoid(float64(row[j] + b)))
	}
}
