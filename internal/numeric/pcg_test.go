package numeric

import (
	"math/rand/v2"
	"testing"
)

// TestAdvancePCG: advancing by k draws what k calls of Uint64 would have
// left, for small and large k.
func TestAdvancePCG(t *testing.T) {
	for _, k := range []uint64{0, 1, 2, 3, 7, 64, 1000, 123457} {
		seq := rand.NewPCG(11, 0x6d6e6973745f7472)
		for range k {
			seq.Uint64()
		}
		jump := rand.NewPCG(11, 0x6d6e6973745f7472)
		AdvancePCG(jump, k)
		for i := range 3 {
			if a, b := seq.Uint64(), jump.Uint64(); a != b {
				t.Fatalf("k = %d, draw %d after: %x advanced, %x sequential", k, i, b, a)
			}
		}
	}
}
