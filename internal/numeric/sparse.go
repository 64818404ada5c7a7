package numeric

import (
	"fmt"
	"math"
)

// GatherSum sets dst[j] = Σ_k src[idx[k]·ld + j] for j < len(dst): the sum
// of the listed rows of the row-major src with leading dimension ld. It is
// the product of a binary matrix with src, one row of it at a time: for
// binary units, p(h|v) needs only the rows of W where v is on. Every index
// must name a row that holds len(dst) elements; the call panics otherwise,
// before reading anything.
func GatherSum[T Float](dst, src []T, ld int, idx []int32) {
	checkGather(src, ld, idx, len(dst))
	gatherSumUnchecked(dst, src, ld, idx)
}

// gatherSumUnchecked is GatherSum once the indices are known to be good.
func gatherSumUnchecked[T Float](dst, src []T, ld int, idx []int32) {
	if d32, ok := any(dst).([]float32); ok {
		gatherSum32(d32, any(src).([]float32), ld, idx)
		return
	}
	gatherSumGo(dst, src, ld, idx)
}

// GatherSumRows sets out[r·cols + j] = Σ_{k ∈ list(r)} src[k·cols + j] for
// the rows r in [lo, hi) and every j < cols: [GatherSum] for each row, a
// block of block columns at a time, so that a block of src stays in the
// cache while the rows pass over it. Each list is checked once, before
// anything is read; a bad index panics as in GatherSum.
func GatherSumRows[T Float](out, src []T, cols, lo, hi, block int, list func(r int) []int32) {
	for r := lo; r < hi; r++ {
		checkGather(src, cols, list(r), cols)
	}
	_ = out[lo*cols : hi*cols]
	block = max(block, 1)
	for j0 := 0; j0 < cols; j0 += block {
		j1 := min(j0+block, cols)
		for r := lo; r < hi; r++ {
			gatherSumUnchecked(out[r*cols+j0:r*cols+j1], src[j0:], cols, list(r))
		}
	}
}

// checkGather panics unless every listed row of src has n elements.
func checkGather[T Float](src []T, ld int, idx []int32, n int) {
	if n > ld {
		panic(fmt.Sprintf("numeric: gathering %d columns with leading dimension %d", n, ld))
	}
	for _, i := range idx {
		if i < 0 || int(i)*ld+n > len(src) {
			panic(fmt.Sprintf("numeric: row %d out of range of a %d-element matrix with leading dimension %d", i, len(src), ld))
		}
	}
}

func gatherSumGo[T Float](dst, src []T, ld int, idx []int32) {
	clear(dst)
	for _, i := range idx {
		row := src[int(i)*ld:]
		row = row[:len(dst)]
		for j, x := range row {
			dst[j] += x
		}
	}
}

// Momentum makes the momentum step with L2 decay in place:
// vel ← mom·vel + lr·(g − wd·w), then w ← w + vel.
func Momentum[T Float](w, vel, g []T, lr, mom, wd T) {
	if len(vel) != len(w) || len(g) != len(w) {
		panic(fmt.Sprintf("numeric: momentum on lengths %d, %d, %d", len(w), len(vel), len(g)))
	}
	if w32, ok := any(w).([]float32); ok {
		momentum32(w32, any(vel).([]float32), any(g).([]float32), float32(lr), float32(mom), float32(wd))
		return
	}
	momentumGo(w, vel, g, lr, mom, wd)
}

func momentumGo[T Float](w, vel, g []T, lr, mom, wd T) {
	for i := range w {
		vel[i] = mom*vel[i] + lr*(g[i]-wd*w[i])
		w[i] += vel[i]
	}
}

// ActiveIndices writes to idx the positions of the non-zero entries of
// row, in order, and returns how many there are and whether every entry is
// 0 or 1; idx must hold len(row) entries.
func ActiveIndices[T Float](idx []int32, row []T) (int, bool) {
	idx = idx[:len(row)]
	// No branch on the values: the index is written at the end of the list
	// and kept by counting it when x is 1; Σ|x² − x| is zero exactly when
	// every x is 0 or 1 (and the count is right only then).
	n, other := 0, T(0)
	for j, x := range row {
		idx[n] = int32(j)
		n += int(x)
		d := x*x - x
		other += max(d, -d)
	}
	if other == 0 && !math.IsNaN(float64(other)) {
		return n, true
	}
	n = 0
	for j, x := range row {
		if x != 0 {
			idx[n] = int32(j)
			n++
		}
	}
	return n, false
}

// BernoulliRowActive is [BernoulliRow] that also writes the positions of
// the ones to idx (which must hold len(p) entries) and returns their count.
func BernoulliRowActive[T Float](dst, p []T, s *Stream, idx []int32) int {
	BernoulliRow(dst, p, s)
	idx = idx[:len(dst)]
	n := 0
	for j, x := range dst {
		idx[n] = int32(j)
		n += int(x)
	}
	return n
}

// Transpose sets dst [cols, rows] to the transpose of the row-major src
// [rows, cols]; in blocks of vector registers on CPUs with AVX2.
func Transpose[T Float](dst, src []T, rows, cols int) {
	TransposeRows(dst, src, rows, cols, 0, rows)
}

// TransposeRows is [Transpose] of src's rows [lo, hi) only: it sets
// dst[j·rows + i] = src[i·cols + j] for lo ≤ i < hi and every j, so that
// calls on disjoint row ranges may run at once.
func TransposeRows[T Float](dst, src []T, rows, cols, lo, hi int) {
	if lo < 0 || hi > rows || lo > hi || len(src) < rows*cols || len(dst) < rows*cols {
		panic(fmt.Sprintf("numeric: transposing rows [%d, %d) of %d×%d with %d and %d elements", lo, hi, rows, cols, len(src), len(dst)))
	}
	if hi > lo && cols > 0 {
		TransposeLD(dst[lo:], rows, src[lo*cols:], cols, hi-lo, cols)
	}
}

// TransposeLD sets dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols:
// the transpose of a block of a larger matrix into a block of another. On
// CPUs with AVX2 it moves 8×8 blocks (float32) or 4×4 blocks (float64)
// through vector registers.
func TransposeLD[T Float](dst []T, ldd int, src []T, lds, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if ldd < rows || lds < cols || len(dst) < (cols-1)*ldd+rows || len(src) < (rows-1)*lds+cols {
		panic(fmt.Sprintf("numeric: transposing %d×%d (leading dimensions %d to %d) with %d and %d elements", rows, cols, lds, ldd, len(src), len(dst)))
	}
	rb, cb := transposeBlocks(dst, ldd, src, lds, rows, cols)
	// What the blocks left: the columns past cb of every row, and the rows
	// past rb.
	for i := range rows {
		j0 := cb
		if i >= rb {
			j0 = 0
		}
		for j := j0; j < cols; j++ {
			dst[j*ldd+i] = src[i*lds+j]
		}
	}
}

// BernoulliActive draws Bernoulli(p[i]) for each i as [BernoulliRow] does
// (the same numbers from the same stream) but writes only the positions of
// the ones, to idx (which must hold len(p) entries), and returns their count.
func BernoulliActive[T Float](p []T, s *Stream, idx []int32) int {
	idx = idx[:len(p)]
	n := 0
	if _, ok := any(p).([]float32); ok {
		i := 0
		for ; i+1 < len(p); i += 2 {
			u := s.Uint64()
			idx[n] = int32(i)
			n += int(below24(u>>40, float32(p[i])))
			idx[n] = int32(i + 1)
			n += int(below24((u>>8)&(1<<24-1), float32(p[i+1])))
		}
		if i < len(p) {
			idx[n] = int32(i)
			n += int(below24(s.Uint64()>>40, float32(p[i])))
		}
		return n
	}
	for i, pi := range p {
		idx[n] = int32(i)
		n += int(below53(s.Uint64()>>11, float64(pi)))
	}
	return n
}
