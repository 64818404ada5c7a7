package data

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// streamDynamic keys the draws of dynamic binarisation.
const streamDynamic = 0x6d6e6973745f6479 // "mnist_dy"

// DynamicBatch sets dst [N, D] to a binary draw of the intensities grey
// [N, D]: pixel j of row i is on with probability grey[i, j], from a stream
// keyed by (seed, epoch, batch, i). The same arguments always give the same
// draw, so that a resumed run sees the images the uninterrupted one saw.
func DynamicBatch(dst, grey *tensor.Dense, seed uint64, epoch, batch int) error {
	if !dst.Shape().Eq(grey.Shape()) || dst.Dtype() != grey.Dtype() || len(grey.Shape()) != 2 {
		return fmt.Errorf("data: dynamic batch of %v %v from %v %v", dst.Shape(), dst.Dtype(), grey.Shape(), grey.Dtype())
	}
	n, d := grey.Shape()[0], grey.Shape()[1]
	key := uint64(epoch)<<32 | uint64(batch)
	// Typed accessors: Data() would box two slices a batch.
	switch grey.Dtype() {
	case tensor.Float32:
		drawRows(dst.Float32s(), grey.Float32s(), n, d, seed, key)
	case tensor.Float64:
		drawRows(dst.Float64s(), grey.Float64s(), n, d, seed, key)
	default:
		return fmt.Errorf("data: dynamic batch of %v: want float32 or float64", grey.Dtype())
	}
	return nil
}

func drawRows[T numeric.Float](dst, grey []T, n, d int, seed, key uint64) {
	for i := range n {
		s := numeric.NewStream(seed^streamDynamic, key, uint64(i))
		numeric.BernoulliRow(dst[i*d:(i+1)*d], grey[i*d:(i+1)*d], &s)
	}
}
