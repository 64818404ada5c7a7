package numeric

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestGatherSumMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, tc := range []struct{ rows, ld, cols, nidx int }{
		{1, 1, 1, 1}, {5, 9, 9, 0}, {5, 9, 7, 3}, {30, 500, 500, 17}, {30, 784, 784, 1},
		{10, 70, 64, 10}, {10, 80, 72, 2}, {784, 500, 500, 120}, {40, 100, 100, 40},
	} {
		src64 := make([]float64, tc.rows*tc.ld)
		for i := range src64 {
			src64[i] = rng.NormFloat64()
		}
		src32 := make([]float32, len(src64))
		for i, x := range src64 {
			src32[i] = float32(x)
		}
		idx := make([]int32, tc.nidx)
		for k := range idx {
			idx[k] = int32(rng.IntN(tc.rows)) // repeats allowed: a row counted twice
		}
		want := make([]float64, tc.cols)
		for _, i := range idx {
			for j := range want {
				want[j] += float64(src32[int(i)*tc.ld+j])
			}
		}
		d32, d64 := make([]float32, tc.cols), make([]float64, tc.cols)
		for j := range d32 {
			d32[j], d64[j] = 99, 99 // overwritten, not accumulated into
		}
		GatherSum(d32, src32, tc.ld, idx)
		GatherSum(d64, src64, tc.ld, idx)
		for j := range want {
			tol := 1e-5 * math.Sqrt(float64(tc.nidx+1))
			if math.Abs(float64(d32[j])-want[j]) > tol {
				t.Errorf("%+v float32 [%d] = %g, want %g", tc, j, d32[j], want[j])
			}
			var w64 float64
			for _, i := range idx {
				w64 += src64[int(i)*tc.ld+j]
			}
			if math.Abs(d64[j]-w64) > 1e-12 {
				t.Errorf("%+v float64 [%d] = %g, want %g", tc, j, d64[j], w64)
			}
		}
	}
}

func TestGatherSumRefusesBadIndex(t *testing.T) {
	for _, idx := range [][]int32{{3}, {-1}, {0, 2, 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("index %v into 3 rows: no panic", idx)
				}
			}()
			GatherSum(make([]float32, 8), make([]float32, 3*8), 8, idx)
		}()
	}
}

func TestMomentumMatchesFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 7, 8, 9, 100, 1027} {
		w, vel, g := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range w {
			w[i], vel[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		const lr, mom, wd = 0.05, 0.9, 1e-3
		wantW, wantV := make([]float64, n), make([]float64, n)
		for i := range w {
			wantV[i] = mom*float64(vel[i]) + lr*(float64(g[i])-wd*float64(w[i]))
			wantW[i] = float64(w[i]) + wantV[i]
		}
		Momentum(w, vel, g, lr, mom, wd)
		for i := range w {
			if math.Abs(float64(vel[i])-wantV[i]) > 1e-6 || math.Abs(float64(w[i])-wantW[i]) > 1e-6 {
				t.Fatalf("n = %d, [%d]: w %g vel %g, want %g %g", n, i, w[i], vel[i], wantW[i], wantV[i])
			}
		}
	}
}

func BenchmarkGatherSum(b *testing.B) {
	// p(h|v) for one MNIST-like row: 100 of 784 visible units on, 500
	// hidden; GFLOP/s of the dense product of the row that it replaces.
	rng := rand.New(rand.NewPCG(2, 3))
	w := make([]float32, 784*500)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	idx := make([]int32, 100)
	for k := range idx {
		idx[k] = int32(rng.IntN(784))
	}
	dst := make([]float32, 500)
	for range b.N {
		GatherSum(dst, w, 500, idx)
	}
	b.ReportMetric(2*784*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "dense-equiv-GFLOP/s")
}

func TestTranspose(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {8, 8}, {3, 17}, {16, 9}, {784, 500}, {13, 24}, {0, 5}} {
		rows, cols := sz[0], sz[1]
		src := make([]float32, rows*cols)
		for i := range src {
			src[i] = float32(i) + 0.5
		}
		dst := make([]float32, rows*cols)
		Transpose(dst, src, rows, cols)
		src64 := make([]float64, len(src))
		for i := range src {
			src64[i] = float64(src[i])
		}
		dst64 := make([]float64, len(src))
		Transpose(dst64, src64, rows, cols)
		for i := range rows {
			for j := range cols {
				if dst[j*rows+i] != src[i*cols+j] || dst64[j*rows+i] != src64[i*cols+j] {
					t.Fatalf("%d×%d: [%d,%d]: %g, %g, want %g", rows, cols, i, j, dst[j*rows+i], dst64[j*rows+i], src[i*cols+j])
				}
			}
		}
	}
}

// TestTransposeLD: a block of one matrix transposed into a block of
// another, both with leading dimensions past their widths; nothing outside
// the destination block changes.
func TestTransposeLD(t *testing.T) {
	for _, tc := range []struct{ rows, cols, lds, ldd int }{
		{16, 256, 500, 16}, {16, 13, 13, 20}, {5, 7, 9, 6}, {8, 8, 8, 8}, {12, 30, 31, 17}, {1, 1, 1, 1},
	} {
		src := make([]float64, tc.rows*tc.lds)
		for i := range src {
			src[i] = float64(i) + 0.5
		}
		n := tc.cols * tc.ldd
		dst64 := make([]float64, n)
		dst32 := make([]float32, n)
		for i := range dst64 {
			dst64[i], dst32[i] = -1, -1
		}
		src32 := make([]float32, len(src))
		for i, v := range src {
			src32[i] = float32(v)
		}
		TransposeLD(dst64, tc.ldd, src, tc.lds, tc.rows, tc.cols)
		TransposeLD(dst32, tc.ldd, src32, tc.lds, tc.rows, tc.cols)
		for j := range tc.cols {
			for i := range tc.ldd {
				want := -1.0
				if i < tc.rows {
					want = src[i*tc.lds+j]
				}
				if dst64[j*tc.ldd+i] != want || float64(dst32[j*tc.ldd+i]) != float64(float32(want)) {
					t.Fatalf("%+v: dst[%d·ldd+%d] = %g, %g, want %g", tc, j, i, dst64[j*tc.ldd+i], dst32[j*tc.ldd+i], want)
				}
			}
		}
	}
}

// TestTransposeRows: transposing a matrix in row ranges that need not be
// multiples of the 8×8 blocks, in any order, gives the whole transpose.
func TestTransposeRows(t *testing.T) {
	for _, sz := range [][2]int{{784, 500}, {13, 24}, {17, 9}, {8, 8}, {3, 1}} {
		rows, cols := sz[0], sz[1]
		src := make([]float32, rows*cols)
		for i := range src {
			src[i] = float32(i) + 0.25
		}
		src64 := make([]float64, len(src))
		for i := range src {
			src64[i] = float64(src[i])
		}
		cuts := []int{0, min(5, rows), min(13, rows), rows / 2, rows}
		slices.Sort(cuts)
		dst, dst64 := make([]float32, rows*cols), make([]float64, rows*cols)
		for k := len(cuts) - 1; k > 0; k-- { // last range first
			TransposeRows(dst, src, rows, cols, cuts[k-1], cuts[k])
			TransposeRows(dst64, src64, rows, cols, cuts[k-1], cuts[k])
		}
		for i := range rows {
			for j := range cols {
				if dst[j*rows+i] != src[i*cols+j] || dst64[j*rows+i] != src64[i*cols+j] {
					t.Fatalf("%d×%d cut at %v: [%d,%d]: %g, %g, want %g", rows, cols, cuts, i, j, dst[j*rows+i], dst64[j*rows+i], src[i*cols+j])
				}
			}
		}
	}
}

func TestActiveIndices(t *testing.T) {
	for _, tc := range []struct {
		row    []float32
		on     []int32
		binary bool
	}{
		{[]float32{0, 1, 1, 0, 1}, []int32{1, 2, 4}, true},
		{[]float32{0, 0}, []int32{}, true},
		{[]float32{0, 0.5, 1}, []int32{1, 2}, false},
		{[]float32{2, 0, -1}, []int32{0, 2}, false},
		{[]float32{1.5, -0.5}, []int32{0, 1}, false}, // x² − x = 0.75 and 0.75: no cancelling
	} {
		idx := make([]int32, len(tc.row))
		n, bin := ActiveIndices(idx, tc.row)
		if bin != tc.binary || n != len(tc.on) {
			t.Errorf("%v: %d on, binary %v; want %d, %v", tc.row, n, bin, len(tc.on), tc.binary)
			continue
		}
		for k, j := range tc.on {
			if idx[k] != j {
				t.Errorf("%v: indices %v, want %v", tc.row, idx[:n], tc.on)
			}
		}
	}
}

func BenchmarkTranspose(b *testing.B) {
	src, dst := make([]float32, 784*500), make([]float32, 784*500)
	for range b.N {
		Transpose(dst, src, 784, 500)
	}
}

func BenchmarkActiveIndices(b *testing.B) {
	// One binarised MNIST-like row: 784 pixels, about a fifth on.
	rng := rand.New(rand.NewPCG(4, 5))
	row := make([]float32, 784)
	for i := range row {
		if rng.Float64() < 0.2 {
			row[i] = 1
		}
	}
	idx := make([]int32, len(row))
	for range b.N {
		ActiveIndices(idx, row)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(row)), "ns/entry")
}

// TestGatherSumRows: the blocked sums of several rows equal GatherSum row
// by row, for block widths that do and do not divide the columns, and a
// bad index in any list panics before anything is written.
func TestGatherSumRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	const rows, cols, srcRows = 5, 37, 11
	src := make([]float32, srcRows*cols)
	for i := range src {
		src[i] = float32(rng.NormFloat64())
	}
	lists := make([][]int32, rows)
	for r := range lists {
		for range rng.IntN(9) {
			lists[r] = append(lists[r], int32(rng.IntN(srcRows)))
		}
	}
	list := func(r int) []int32 { return lists[r] }
	want := make([]float32, rows*cols)
	for r := range rows {
		GatherSum(want[r*cols:(r+1)*cols], src, cols, lists[r])
	}
	for _, block := range []int{1, 8, 16, 37, 64} {
		got := make([]float32, rows*cols)
		GatherSumRows(got, src, cols, 1, rows, block, list)
		for q := cols; q < rows*cols; q++ {
			if got[q] != want[q] {
				t.Fatalf("block %d: [%d] = %g, want %g", block, q, got[q], want[q])
			}
		}
		for q := range cols {
			if got[q] != 0 {
				t.Fatalf("block %d: row 0, outside [lo, hi), was written", block)
			}
		}
	}
	lists[3] = append(lists[3], srcRows)
	got := make([]float32, rows*cols)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("an index past src: no panic")
			}
		}()
		GatherSumRows(got, src, cols, 0, rows, 16, list)
	}()
	for q, x := range got {
		if x != 0 {
			t.Fatalf("[%d] = %g written before the panic", q, x)
		}
	}
}

// TestMomentumJobSplitsExactly: a MomentumJob's update split in two
// parts, cut at any block, gives the bits of Momentum on the whole (a
// last block shorter than the others and a vector tail included), in
// float32 and float64, so that the update does not depend on how many
// cores share it.
func TestMomentumJobSplitsExactly(t *testing.T) {
	testMomentumJobSplits[float32](t)
	testMomentumJobSplits[float64](t)
}

func testMomentumJobSplits[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	const n = 1003 // 15 blocks of 64 and 43: five vectors of 8 and a tail of 3
	w, vel, g := make([]T, n), make([]T, n), make([]T, n)
	for i := range w {
		w[i], vel[i], g[i] = T(rng.NormFloat64()), T(rng.NormFloat64()), T(rng.NormFloat64())
	}
	wantW, wantV := slices.Clone(w), slices.Clone(vel)
	Momentum(wantW, wantV, g, 0.05, 0.9, 1e-3)
	blocks := (n + momentumUnit - 1) / momentumUnit
	for cut := range blocks + 1 {
		gotW, gotV := slices.Clone(w), slices.Clone(vel)
		split := func(nb, _ int, f func(lo, hi int)) {
			if nb != blocks {
				t.Fatalf("%d blocks, want %d", nb, blocks)
			}
			f(cut, nb)
			f(0, cut)
		}
		NewMomentumJob[T]().Update(gotW, gotV, g, 0.05, 0.9, 1e-3, split)
		for i := range gotW {
			if gotW[i] != wantW[i] || gotV[i] != wantV[i] {
				t.Fatalf("%T cut at %d, [%d]: w %v vel %v, whole %v %v", w[0], cut, i, gotW[i], gotV[i], wantW[i], wantV[i])
			}
		}
	}
}
