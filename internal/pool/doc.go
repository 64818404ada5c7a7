// Package pool runs the blocks of a parallel loop on goroutines that live as
// long as a [Pool], for loops that run thousands of times a second: a
// training step of a small model makes many short parallel passes (a row
// pass, a draw, an update), and starting goroutines for each, or waking
// parked ones through the OS, would cost more than the pass saves.
//
// Between calls the workers spin a while, then yield their core, then park
// on a channel: a call that follows soon finds them awake, while a pool
// left idle (or one whose caller hands the cores to a BLAS's threads,
// [Pool.RangeThenPark]) does not hold cores that others need. A pool's call
// splits [0, n) by numeric.Blocks, into the same blocks as
// numeric.ParallelRange, and allocates nothing.
package pool
