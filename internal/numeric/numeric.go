package numeric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/tensor"
)

// Float is the element type of every model tensor.
type Float interface{ float32 | float64 }

// Data returns the backing slice of t, which must hold T (it panics
// otherwise, as a failed type assertion would). Unlike t.Data().([]T) it
// allocates nothing: a slice put in an interface is a heap object.
func Data[T Float](t *tensor.Dense) []T {
	if dt := Dtype[T](); t.Dtype() != dt {
		panic(fmt.Sprintf("numeric: a tensor of %v read as %v", t.Dtype(), dt))
	}
	if t.Dtype() == tensor.Float32 {
		s := t.Float32s()
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
	}
	s := t.Float64s()
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// Dtype is the tensor dtype of T.
func Dtype[T Float]() tensor.Dtype {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is [m, k], op(B) is [k, n] and C is [m, n], with the BLAS that the
// tensor package uses (tensor.Use sets it, once, at start).
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a, b []T, beta T, c []T) {
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	GemmLD(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, n)
}

// GemmLD is [Gemm] with explicit leading dimensions, for products of
// blocks of larger matrices.
func GemmLD[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	impl := tensor.WhichBLAS()
	switch c := any(c).(type) {
	case []float32:
		impl.Sgemm(ta, tb, m, n, k, float32(alpha), any(a).([]float32), lda, any(b).([]float32), ldb, float32(beta), c, ldc)
	case []float64:
		impl.Dgemm(ta, tb, m, n, k, float64(alpha), any(a).([]float64), lda, any(b).([]float64), ldb, float64(beta), c, ldc)
	}
}

// Scratch returns the first n elements of the buffer *buf, which it
// replaces with a new one of n elements when it holds fewer.
func Scratch[T Float](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// Sigmoid is the logistic function 1/(1+e^-x), computed without overflow.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Softplus is log(1+e^x), computed without overflow or loss of precision.
func Softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// LogSigmoid is log σ(x) = −softplus(−x).
func LogSigmoid(x float64) float64 { return -Softplus(-x) }

// AddRowSigmoid sets x[r, j] = σ(x[r, j] + bias[j]) for a row-major matrix
// with len(bias) columns.
func AddRowSigmoid[T Float](x, bias []T) {
	d := len(bias)
	for r := 0; r+d <= len(x); r += d {
		row := x[r : r+d]
		for j, b := range bias {
			row[j] = T(Sigmoid(float64(row[j] + b)))
		}
	}
}

// SampleBernoulli sets dst[i] to 1 with probability p[i], else 0.
func SampleBernoulli[T Float](dst, p []T, rng *rand.Rand) {
	for i, pi := range p {
		if rng.Float64() < float64(pi) {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

// CheckFinite returns an error naming the first NaN or infinity in t.
func CheckFinite(name string, t *tensor.Dense) error {
	switch t.Dtype() {
	case tensor.Float32:
		return checkFinite(name, t.Float32s())
	case tensor.Float64:
		return checkFinite(name, t.Float64s())
	}
	return nil
}

// checkFinite first sums x·0 in four accumulators, which stays 0 exactly
// when every element is finite (a NaN or an infinity times 0 is NaN), and
// only then looks for the element to name. Run after every training step,
// it must cost little beside the step.
func checkFinite[T Float](name string, x []T) error {
	var s0, s1, s2, s3 T
	i := 0
	for ; i+3 < len(x); i += 4 {
		s0 += x[i] * 0
		s1 += x[i+1] * 0
		s2 += x[i+2] * 0
		s3 += x[i+3] * 0
	}
	for ; i < len(x); i++ {
		s0 += x[i] * 0
	}
	if s0+s1+s2+s3 == 0 {
		return nil
	}
	for i, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s[%d] = %v", name, i, f)
		}
	}
	return nil
}

// ToFloat64 returns float32 or float64 data as float64: a copy for float32,
// the slice itself for float64.
func ToFloat64(data any) []float64 {
	switch d := data.(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return d
	}
	panic(fmt.Sprintf("numeric: unsupported data %T", data))
}

// Rows copies the row-major x [n, d] into n rows.
func Rows(x []float64, n, d int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = append([]float64(nil), x[i*d:(i+1)*d]...)
	}
	return out
}

// Columns returns the first n columns of the row-major w [rows, cols]
// (float32 or float64), each as a float64 vector: a layer's filters.
func Columns(w any, rows, cols, n int) [][]float64 {
	x := ToFloat64(w)
	out := make([][]float64, min(n, cols))
	for j := range out {
		out[j] = make([]float64, rows)
		for i := range rows {
			out[j][i] = x[i*cols+j]
		}
	}
	return out
}

// ParallelFor calls f(i) for i in [0, n) on GOMAXPROCS goroutines, each
// taking the next index as it finishes the last, and returns when all are
// done. Work whose result depends on i alone (its random numbers seeded by
// i, say) comes out the same however the indices fall to goroutines.
func ParallelFor(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// SwapElements exchanges the elements of a and b, which have one length
// (parallel tempering's swap of two chains' rows).
func SwapElements[E any](a, b []E) {
	for q := range a {
		a[q], b[q] = b[q], a[q]
	}
}
