package pool

import (
	"runtime"
	"sync/atomic"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Pool is numeric.ParallelRange on goroutines that live as long as the
// pool: a call allocates nothing when f is a function value made once (a
// method value kept in a field, say), not a closure made at each call.
//
// Between calls a worker spins for a while (spinPolls polls of its job
// counter, a few tens of microseconds) before it parks on a channel: a
// training step makes several calls in a row, and waking a parked
// goroutine costs the OS thread a sleep and a wake-up each time, while the
// caller's own share waits.
type Pool struct {
	workers []*worker
	closed  atomic.Bool
}

// New starts GOMAXPROCS − 1 goroutines; the caller's own is the last.
// They end at [Pool.Close], or when the pool is garbage collected: an
// owner needs no cleanup of its own, and must not add one (a cleanup on
// the owner could close the pool while a method value or a copy of the
// owner still uses it, and a job posted to a closed pool is never run).
func New() *Pool {
	p := &Pool{workers: make([]*worker, runtime.GOMAXPROCS(0)-1)}
	for i := range p.workers {
		w := &worker{wake: make(chan struct{}, 1), over: make(chan struct{}, 1)}
		p.workers[i] = w
		go w.run()
	}
	// The workers hold only their own state, so the pool can be collected
	// while they wait; the cleanup's argument is the slice of them, not p.
	runtime.AddCleanup(p, closeWorkers, p.workers)
	return p
}

// Range is numeric.ParallelRange on the pool's goroutines. Calls must not
// overlap.
func (p *Pool) Range(n, minBlock int, f func(lo, hi int)) { p.run(n, minBlock, f, false) }

// RangeThenPark is Range for a pass that the caller follows with work on
// other threads, a BLAS product say: neither the workers nor the caller
// spin, so as not to hold the cores that work needs. They poll with the
// core given away between polls (sched_yield), and the workers park after
// idleYields polls: with OpenBLAS, spinning made the dense RBM's step half
// as slow again, and parking at once made each pass pay a wake-up of tens
// of microseconds (measured by BenchmarkStep in rbm and in rbm/grbm; see
// experiments/bench/RESULTS.md).
func (p *Pool) RangeThenPark(n, minBlock int, f func(lo, hi int)) { p.run(n, minBlock, f, true) }

// RangeSerial calls f on Range's blocks one after another on the caller's
// goroutine: the same calls as Range, for a caller that finds the pool in
// use by another. It may overlap with other calls.
func (p *Pool) RangeSerial(n, minBlock int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	parts := numeric.Blocks(n, minBlock, len(p.workers)+1)
	for i := range parts {
		f(i*n/parts, (i+1)*n/parts)
	}
}

func (p *Pool) run(n, minBlock int, f func(lo, hi int), park bool) {
	if n <= 0 {
		return
	}
	if p.closed.Load() {
		p.RangeSerial(n, minBlock, f)
		return
	}
	parts := numeric.Blocks(n, minBlock, len(p.workers)+1)
	for i := range parts - 1 {
		p.workers[i].post(f, i*n/parts, (i+1)*n/parts, park)
	}
	f((parts-1)*n/parts, n)
	for _, w := range p.workers[:parts-1] {
		w.await(park)
	}
	// p stays reachable until the workers are done: its cleanup closes
	// them, and a worker closed before its job was posted would never run it.
	runtime.KeepAlive(p)
}

// Close stops the pool's goroutines. A later call runs its blocks one
// after another on the caller's goroutine.
func (p *Pool) Close() {
	if p.closed.Swap(true) {
		return
	}
	closeWorkers(p.workers)
}
