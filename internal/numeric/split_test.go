package numeric

import (
	"sync/atomic"
	"testing"
)

func TestParallelRangeCoversOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100, 1001} {
		seen := make([]int32, n)
		ParallelRange(n, 3, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n = %d: index %d visited %d times", n, i, c)
			}
		}
	}
}
