package numeric

import "golang.org/x/sys/cpu"

// haveAVX2 selects the vector kernels of sigmoid_amd64.s.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// haveAVX512 selects gatherSumAVX512 (AVX-512 F, enabled by the OS).
var haveAVX512 = cpu.X86.HasAVX512F

//go:noescape
func sigmoidBiasAVX2(row, bias *float32, n int)

// sigmoidBias32 sets row[j] = σ(row[j] + bias[j]) for j < len(bias),
// eight at a time where the CPU has AVX2 and FMA.
func sigmoidBias32(row, bias []float32) {
	row = row[:len(bias)]
	head := 0
	if haveAVX2 {
		head = len(bias) &^ 7
		if head > 0 {
			sigmoidBiasAVX2(&row[0], &bias[0], head)
		}
	}
	for j := head; j < len(bias); j++ {
		row[j] = Sigmoid32(row[j] + bias[j])
	}
}

//go:noescape
func gatherSumAVX2(dst, src *float32, ld int, idx *int32, nidx int, ncols int)

//go:noescape
func gatherSumAVX512(dst, src *float32, ld int, idx *int32, nidx int, ncols int)

//go:noescape
func momentumAVX2(w, vel, grad *float32, n int, lr, mom, wd float32)

//go:noescape
func transposeAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)

//go:noescape
func transpose64AVX2(dst *float64, ldd int, src *float64, lds int, rows, cols int)

// gatherSum32 is GatherSum's float32 kernel; the caller has checked idx.
func gatherSum32(dst, src []float32, ld int, idx []int32) {
	if !haveAVX2 || len(dst) == 0 {
		gatherSumGo(dst, src, ld, idx)
		return
	}
	var ip *int32
	if len(idx) > 0 {
		ip = &idx[0]
	}
	if haveAVX512 {
		gatherSumAVX512(&dst[0], &src[0], ld, ip, len(idx), len(dst))
		return
	}
	gatherSumAVX2(&dst[0], &src[0], ld, ip, len(idx), len(dst))
}

// transposeBlocks sets dst[j·ldd + i] = src[i·lds + j] for the first rows
// and columns that fill whole blocks in vector registers (8×8 in float32,
// 4×4 in float64), and returns how many it did (none without AVX2). The
// caller has checked the bounds.
func transposeBlocks[T Float](dst []T, ldd int, src []T, lds, rows, cols int) (doneRows, doneCols int) {
	if !haveAVX2 {
		return 0, 0
	}
	switch d := any(dst).(type) {
	case []float32:
		r8, c8 := rows&^7, cols&^7
		if r8 > 0 && c8 > 0 {
			transposeAVX2(&d[0], ldd, &any(src).([]float32)[0], lds, r8, c8)
		}
		return r8, c8
	case []float64:
		r4, c4 := rows&^3, cols&^3
		if r4 > 0 && c4 > 0 {
			transpose64AVX2(&d[0], ldd, &any(src).([]float64)[0], lds, r4, c4)
		}
		return r4, c4
	}
	return 0, 0
}

func momentum32(w, vel, g []float32, lr, mom, wd float32) {
	head := 0
	if haveAVX2 {
		head = len(w) &^ 7
		if head > 0 {
			_, _ = vel[head-1], g[head-1]
			momentumAVX2(&w[0], &vel[0], &g[0], head, lr, mom, wd)
		}
	}
	momentumGo(w[head:], vel[head:], g[head:], lr, mom, wd)
}

// VectorKernels reports whether the float32 kernels run on vector
// registers here (amd64 with AVX2 and FMA), so that sums of rows beat dense
// products.
func VectorKernels() bool { return haveAVX2 }

//go:noescape
func binaryvv32AVX2(op int, dst, a, b *float32, n int)

//go:noescape
func binaryvs32AVX2(op int, dst, a, b *float32, n int)

//go:noescape
func binarysv32AVX2(op int, dst, a, b *float32, n int)

//go:noescape
func binaryvv64AVX2(op int, dst, a, b *float64, n int)

//go:noescape
func binaryvs64AVX2(op int, dst, a, b *float64, n int)

//go:noescape
func binarysv64AVX2(op int, dst, a, b *float64, n int)

// binaryVector does Binary's first elements on the vector kernels, a
// multiple of their lanes, in the form given (0: both operands full, 1: b
// one value, 2: a one value), and returns how many it did (none without
// AVX2). The caller has checked the lengths.
func binaryVector[T Float](code int, dst, a, b []T, form int) int {
	if !haveAVX2 {
		return 0
	}
	switch d := any(dst).(type) {
	case []float32:
		head := len(d) &^ 7
		if head == 0 {
			return 0
		}
		x, y := any(a).([]float32), any(b).([]float32)
		switch form {
		case 0:
			binaryvv32AVX2(code, &d[0], &x[0], &y[0], head)
		case 1:
			binaryvs32AVX2(code, &d[0], &x[0], &y[0], head)
		default:
			binarysv32AVX2(code, &d[0], &x[0], &y[0], head)
		}
		return head
	case []float64:
		head := len(d) &^ 3
		if head == 0 {
			return 0
		}
		x, y := any(a).([]float64), any(b).([]float64)
		switch form {
		case 0:
			binaryvv64AVX2(code, &d[0], &x[0], &y[0], head)
		case 1:
			binaryvs64AVX2(code, &d[0], &x[0], &y[0], head)
		default:
			binarysv64AVX2(code, &d[0], &x[0], &y[0], head)
		}
		return head
	}
	return 0
}

//go:noescape
func maxAbsDiffAVX2(a, b *float32, n int) (m float32, nan bool)
