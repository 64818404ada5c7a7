//go:build !amd64

package numeric

func sigmoidBias32(row, bias []float32) {
	row = row[:len(bias)]
	for j, b := range bias {
		row[j] = Sigmoid32(row[j] + b)
	}
}

// gatherSum32 is GatherSum's float32 kernel; the caller has checked idx.
func gatherSum32(dst, src []float32, ld int, idx []int32) {
	gatherSumGo(dst, src, ld, idx)
}

func transposeBlocks[T Float](dst []T, ldd int, src []T, lds, rows, cols int) (doneRows, doneCols int) {
	return 0, 0
}

func momentum32(w, vel, g []float32, lr, mom, wd float32) { momentumGo(w, vel, g, lr, mom, wd) }

// VectorKernels reports whether the float32 kernels run on vector
// registers here: never on this architecture.
func VectorKernels() bool { return false }

func binaryVector[T Float](code int, dst, a, b []T, form int) int { return 0 }

func maxAbsDiffAVX2(a, b *float32, n int) (float32, bool) { panic("numeric: no vector kernels here") }

// haveAVX2 is false off amd64: no vector kernels.
const haveAVX2 = false
