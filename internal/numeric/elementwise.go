package numeric

import "math"

// Binary sets dst[i] = a[i] ∘ b[i] for i < len(dst), with ∘ one of '+',
// '-', '*', '/', where a or b (not both) may instead hold one value for
// every element; the others hold len(dst) values. Each element is the one
// IEEE operation Go's own loop would do (the same bits), on vector
// registers where the CPU has AVX2. It panics on another op or on
// operands of other lengths.
func Binary[T Float](dst, a, b []T, op byte) {
	code := binaryCode(op)
	n := len(dst)
	switch {
	case len(a) == n && len(b) == n:
		head := binaryVector(code, dst, a, b, 0)
		binaryGo(dst[head:], a[head:], b[head:], op)
	case len(b) == 1 && len(a) == n:
		head := binaryVector(code, dst, a, b, 1)
		binaryGo(dst[head:], a[head:], b, op)
	case len(a) == 1 && len(b) == n:
		head := binaryVector(code, dst, a, b, 2)
		binaryGo(dst[head:], a, b[head:], op)
	default:
		panic("numeric: Binary of operands that do not match dst")
	}
}

func binaryCode(op byte) int {
	switch op {
	case '+':
		return 0
	case '-':
		return 1
	case '*':
		return 2
	case '/':
		return 3
	}
	panic("numeric: Binary of an unknown operation " + string(op))
}

// binaryGo is Binary's loop in Go, for the elements the vector kernels
// leave and where there are none.
func binaryGo[T Float](dst, a, b []T, op byte) {
	switch {
	case len(a) == len(dst) && len(b) == len(dst):
		a, b = a[:len(dst)], b[:len(dst)] // no bounds checks in the loops
		switch op {
		case '+':
			for i := range dst {
				dst[i] = a[i] + b[i]
			}
		case '-':
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case '*':
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case '/':
			for i := range dst {
				dst[i] = a[i] / b[i]
			}
		}
	case len(b) == 1:
		y := b[0]
		a = a[:len(dst)]
		switch op {
		case '+':
			for i, x := range a {
				dst[i] = x + y
			}
		case '-':
			for i, x := range a {
				dst[i] = x - y
			}
		case '*':
			for i, x := range a {
				dst[i] = x * y
			}
		case '/':
			for i, x := range a {
				dst[i] = x / y
			}
		}
	default: // a is the one value
		x := a[0]
		b = b[:len(dst)]
		switch op {
		case '+':
			for i, y := range b {
				dst[i] = x + y
			}
		case '-':
			for i, y := range b {
				dst[i] = x - y
			}
		case '*':
			for i, y := range b {
				dst[i] = x * y
			}
		case '/':
			for i, y := range b {
				dst[i] = x / y
			}
		}
	}
}

// MaxAbsDiff is max |a[i] − b[i]| over i < len(a) (0 for none), or NaN
// when a difference is NaN: the value Go's loop of max(m, |a[i] − b[i]|)
// from 0 gives, on vector registers where the CPU has AVX2. It panics
// when b is shorter than a.
func MaxAbsDiff(a, b []float32) float32 {
	b = b[:len(a)]
	head := len(a) &^ 7
	m, nan := float32(0), false
	if haveAVX2 && head > 0 {
		m, nan = maxAbsDiffAVX2(&a[0], &b[0], head)
	} else {
		head = 0
	}
	if nan {
		return float32(math.NaN())
	}
	for i := head; i < len(a); i++ {
		d := a[i] - b[i]
		if d != d {
			return float32(math.NaN())
		}
		m = max(m, math.Float32frombits(math.Float32bits(d)&^(1<<31)))
	}
	return m
}
