package numeric

import "fmt"

// MomentumJob is [Momentum] split over goroutines: [MomentumJob.Update]
// hands its run, bound once, to a splitter, so that an update allocates
// nothing. The parts are whole blocks of momentumUnit elements, so that
// each element takes the same path (vector kernel or scalar tail) as in
// one call on the whole, and gets the same bits.
type MomentumJob[T Float] struct {
	w, vel, g      []T
	lr, mom, decay T
	run            func(lo, hi int) // the update of blocks [lo, hi)
}

// momentumUnit is a block of a MomentumJob: a multiple of every vector
// width of the kernels.
const momentumUnit = 64

// momentumBlocks is the fewest blocks worth a core of their own: the
// update is a pass over memory of about 1 ns an element.
const momentumBlocks = (1 << 15) / momentumUnit

// NewMomentumJob returns a MomentumJob.
func NewMomentumJob[T Float]() *MomentumJob[T] {
	j := &MomentumJob[T]{}
	j.run = j.blocks
	return j
}

// Update is Momentum(w, vel, g, lr, mom, wd), its blocks handed to split
// (which runs f over [0, n) in parts of at least minBlock, on whatever
// goroutines it has: fastblas.RunShared, say).
func (j *MomentumJob[T]) Update(w, vel, g []T, lr, mom, wd T, split func(n, minBlock int, f func(lo, hi int))) {
	if len(vel) != len(w) || len(g) != len(w) {
		panic(fmt.Sprintf("numeric: momentum on lengths %d, %d, %d", len(w), len(vel), len(g)))
	}
	j.w, j.vel, j.g, j.lr, j.mom, j.decay = w, vel, g, lr, mom, wd
	split((len(w)+momentumUnit-1)/momentumUnit, momentumBlocks, j.run)
	j.w, j.vel, j.g = nil, nil, nil // hold nothing of the caller's between calls
}

func (j *MomentumJob[T]) blocks(lo, hi int) {
	lo, hi = min(lo*momentumUnit, len(j.w)), min(hi*momentumUnit, len(j.w))
	Momentum(j.w[lo:hi], j.vel[lo:hi], j.g[lo:hi], j.lr, j.mom, j.decay)
}
