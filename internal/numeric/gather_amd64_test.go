package numeric

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGatherSumKernelsAgree holds the AVX2 and AVX-512 kernels to Go's
// loop bit for bit (each column adds the listed rows in the same order),
// on column counts across their blocks and masked tails, where this CPU
// runs them.
func TestGatherSumKernelsAgree(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 here")
	}
	rng := rand.New(rand.NewPCG(4, 2))
	const rows, ld = 40, 400
	src := make([]float32, rows*ld)
	for i := range src {
		src[i] = float32(rng.NormFloat64())
	}
	for _, cols := range []int{1, 7, 8, 15, 16, 17, 63, 64, 65, 100, 127, 128, 129, 143, 255, 256, 300, 400} {
		for _, nidx := range []int{0, 1, 5, 33} {
			idx := make([]int32, nidx)
			for k := range idx {
				idx[k] = int32(rng.IntN(rows))
			}
			want := make([]float32, cols)
			gatherSumGo(want, src, ld, idx)
			kernels := map[string]func(dst []float32){
				"avx2": func(dst []float32) { gatherSumAVX2(&dst[0], &src[0], ld, ptr(idx), nidx, cols) },
			}
			if haveAVX512 {
				kernels["avx512"] = func(dst []float32) { gatherSumAVX512(&dst[0], &src[0], ld, ptr(idx), nidx, cols) }
			}
			for name, k := range kernels {
				got := make([]float32, cols+16) // past cols: must stay untouched
				for j := range got {
					got[j] = 99
				}
				k(got)
				for j := range want {
					if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
						t.Fatalf("%s cols %d nidx %d: [%d] = %v, Go's loop %v", name, cols, nidx, j, got[j], want[j])
					}
				}
				for j := cols; j < len(got); j++ {
					if got[j] != 99 {
						t.Fatalf("%s cols %d: wrote past the columns at %d", name, cols, j)
					}
				}
			}
		}
	}
}

func ptr(idx []int32) *int32 {
	if len(idx) == 0 {
		return nil
	}
	return &idx[0]
}
