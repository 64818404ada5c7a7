package graph

import (
	"math"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// binaryRows computes rows [lo, hi) of a binary step, each operand read as
// its mode says.
func binaryRows[T numeric.Float](dst, a, b []T, s *step[T], lo, hi int) {
	n := s.n
	for r := lo; r < hi; r++ {
		numeric.Binary(dst[r*n:(r+1)*n], operandRow(a, s.modeA, r, n), operandRow(b, s.modeB, r, n), s.binary)
	}
}

// operandRow is row r of an operand of n columns in the given mode: a
// slice of n values, or of one for a scalar.
func operandRow[T numeric.Float](x []T, mode operandMode, r, n int) []T {
	switch mode {
	case full:
		return x[r*n : (r+1)*n]
	case rowVector:
		return x[:n]
	case colVector:
		return x[r : r+1]
	}
	return x[:1]
}

// sum reduces a [m, n] along axis 0 (into n column sums), 1 (into m row
// sums) or all of it (-1).
func sum[T numeric.Float](dst, a []T, m, n, axis int) {
	switch axis {
	case 0:
		clear(dst[:n])
		for r := range m {
			numeric.Binary(dst[:n], dst[:n], a[r*n:(r+1)*n], '+')
		}
	case 1:
		for r := range m {
			var t T
			for _, x := range a[r*n : (r+1)*n] {
				t += x
			}
			dst[r] = t
		}
	default:
		var t T
		for _, x := range a[:m*n] {
			t += x
		}
		dst[0] = t
	}
}

// softmax sets each row of dst to the softmax of a's row, or its log.
func softmax[T numeric.Float](dst, a []T, m, n int, isLog bool) {
	for r := range m {
		x, y := a[r*n:(r+1)*n], dst[r*n:(r+1)*n]
		top := x[0]
		for _, v := range x {
			top = max(top, v)
		}
		var z T
		for j, v := range x {
			e := T(math.Exp(float64(v - top)))
			y[j] = e
			z += e
		}
		if isLog {
			lz := T(math.Log(float64(z)))
			for j, v := range x {
				y[j] = v - top - lz
			}
			continue
		}
		for j := range y {
			y[j] /= z
		}
	}
}

// softmaxDiff sets dst to the gradient with respect to a softmax's input,
// from its output y and the gradient g of its output: for the log
// softmax g − e^y·Σg, for the softmax y·(g − Σ g·y), row by row.
func softmaxDiff[T numeric.Float](dst, y, g []T, m, n int, isLog bool) {
	for r := range m {
		yr, gr, d := y[r*n:(r+1)*n], g[r*n:(r+1)*n], dst[r*n:(r+1)*n]
		var t T
		if isLog {
			for _, v := range gr {
				t += v
			}
			for j := range d {
				d[j] = gr[j] - T(math.Exp(float64(yr[j])))*t
			}
			continue
		}
		for j := range gr {
			t += gr[j] * yr[j]
		}
		for j := range d {
			d[j] = yr[j] * (gr[j] - t)
		}
	}
}

// unaryKernel is the loop that applies the element-wise function Gorgonia
// names name (see unaryFunc), or nil. The arithmetic ones are written out
// (neg and square on numeric.Binary's vector kernels): a call per element
// through a function value made the Gaussian RBM's squares a cost of
// their own in its step (measured by BenchmarkStep in rbm/grbm; see
// experiments/bench/RESULTS.md).
func unaryKernel[T numeric.Float](name string) func(dst, a []T) {
	switch name {
	case "neg": // −1·x is −x, zeros and infinities included
		minusOne := []T{-1}
		return func(dst, a []T) { numeric.Binary(dst[:len(a)], minusOne, a, '*') }
	case "square":
		return func(dst, a []T) { numeric.Binary(dst[:len(a)], a, a, '*') }
	case "cube":
		return func(dst, a []T) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = x * x * x
			}
		}
	case "inv":
		return func(dst, a []T) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = 1 / x
			}
		}
	}
	f := unaryFunc[T](name)
	if f == nil {
		return nil
	}
	return func(dst, a []T) {
		dst = dst[:len(a)]
		for i, x := range a {
			dst[i] = f(x)
		}
	}
}

// unaryFunc is the element-wise function Gorgonia names name, with its
// arithmetic (its cut-offs in sigmoid and softplus), or nil.
func unaryFunc[T numeric.Float](name string) func(T) T {
	f32 := numeric.Dtype[T]() == tensor.Float32
	switch name {
	case "neg":
		return func(x T) T { return -x }
	case "square":
		return func(x T) T { return x * x }
	case "cube":
		return func(x T) T { return x * x * x }
	case "inv":
		return func(x T) T { return 1 / x }
	case "abs":
		return func(x T) T { return T(math.Abs(float64(x))) }
	case "exp":
		return func(x T) T { return T(math.Exp(float64(x))) }
	case "ln":
		return func(x T) T { return T(math.Log(float64(x))) }
	case "sqrt":
		return func(x T) T { return T(math.Sqrt(float64(x))) }
	case "tanh":
		return func(x T) T { return T(math.Tanh(float64(x))) }
	case "log1p":
		return func(x T) T { return T(math.Log1p(float64(x))) }
	case "expm1":
		return func(x T) T { return T(math.Expm1(float64(x))) }
	case "sigmoid":
		lo, hi := -709.0, 19.0
		if f32 {
			lo, hi = -88, 15
		}
		return func(x T) T {
			switch {
			case float64(x) < lo:
				return 0
			case float64(x) > hi:
				return 1
			}
			return T(1 / (1 + math.Exp(-float64(x))))
		}
	case "softplus":
		lo, hi := -708.0, 16.0
		if f32 {
			lo, hi = -103, 14
		}
		return func(x T) T {
			switch {
			case float64(x) < lo:
				return 0
			case float64(x) > hi:
				return x
			}
			return T(math.Log1p(math.Exp(float64(x))))
		}
	}
	return nil
}
