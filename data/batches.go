package data

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// Batches cuts a [N, D] tensor into minibatches of one shape, [size, D],
// shuffled afresh each epoch. The last N mod size examples of each epoch's
// order are left out, so that every batch has the same shape (Gorgonia's Let
// refuses a change of shape), and since the order changes each epoch no
// example is left out for good.
type Batches struct {
	data []float64 // nil when the data are float32
	d32  []float32
	dim  int
	size int
	perm []int
	buf  *tensor.Dense
}

// streamShuffle separates the shuffling generator from every other.
const streamShuffle = 0x73687566666c6521 // "shuffle!"

// NewBatches prepares batches of size rows from data ([N, D], float32 or
// float64).
func NewBatches(data *tensor.Dense, size int) (*Batches, error) {
	shape := data.Shape()
	if len(shape) != 2 {
		return nil, fmt.Errorf("data: batches need a matrix, got shape %v", shape)
	}
	n, d := shape[0], shape[1]
	if size <= 0 || size > n {
		return nil, fmt.Errorf("data: batch size %d must be between 1 and the number of examples, %d", size, n)
	}
	b := &Batches{dim: d, size: size, perm: make([]int, n)}
	switch x := data.Data().(type) {
	case []float32:
		b.d32 = x
		b.buf = tensor.New(tensor.WithShape(size, d), tensor.Of(tensor.Float32))
	case []float64:
		b.data = x
		b.buf = tensor.New(tensor.WithShape(size, d), tensor.Of(tensor.Float64))
	default:
		return nil, fmt.Errorf("data: batches need float32 or float64 data, got %v", data.Dtype())
	}
	for i := range b.perm {
		b.perm[i] = i
	}
	return b, nil
}

// Len is the number of batches in an epoch.
func (b *Batches) Len() int { return len(b.perm) / b.size }

// Shuffle sets the order of an epoch. The order depends only on the seed and
// the epoch number, so a run resumed in the middle of an epoch sees the same
// batches as one that was never interrupted.
func (b *Batches) Shuffle(seed uint64, epoch int) {
	for i := range b.perm {
		b.perm[i] = i
	}
	rng := rand.New(rand.NewPCG(seed^streamShuffle, uint64(epoch)))
	rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
}

// Batch returns batch i of the current order. The tensor is reused: it is
// overwritten by the next call.
func (b *Batches) Batch(i int) *tensor.Dense {
	rows := b.perm[i*b.size : (i+1)*b.size]
	d := b.dim
	if b.d32 != nil {
		dst := b.buf.Float32s() // typed: Data() would box the slice on every batch
		for r, src := range rows {
			copy(dst[r*d:(r+1)*d], b.d32[src*d:(src+1)*d])
		}
	} else {
		dst := b.buf.Float64s()
		for r, src := range rows {
			copy(dst[r*d:(r+1)*d], b.data[src*d:(src+1)*d])
		}
	}
	return b.buf
}
