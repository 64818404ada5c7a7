package pool

import (
	"runtime"
	"sync/atomic"
)

// worker is one of a pool's goroutines and the job it is handed.
type worker struct {
	f        func(lo, hi int)
	lo, hi   int
	park     bool          // a RangeThenPark job: when done, poll yielding the core, then park
	posted   atomic.Uint64 // jobs posted; the job's fields are set before the count
	finished atomic.Uint64 // jobs done
	parked   atomic.Bool
	waiter   atomic.Uint64 // the job a blocked caller waits for (0: none); whoever clears it owns the token
	wake     chan struct{} // one token wakes a parked worker
	over     chan struct{} // one token: a blocked caller woken
	closed   atomic.Bool
}

// spinPolls is how many times an idle worker polls before it parks, and
// the caller polls before it yields while it waits.
const spinPolls = 20000

// awaitYields is how many times a waiting caller yields, after its
// spinPolls polls, before it blocks: some hundreds of microseconds. A
// caller that blocked at once was woken late (the worker's token readies
// it on the worker's own P, where it waits for a steal or an OS thread's
// wake-up), and any count from 2,000 to 40,000 did as well as another
// (measured by BenchmarkCD1 in rbm; see experiments/bench/RESULTS.md).
const awaitYields = 5000

// idleYields is how many times a worker that has done a RangeThenPark job
// polls for the next, giving its core away between polls (sched_yield),
// before it parks: a product's threads get the core whenever they want it,
// while the pool's next pass still finds its workers awake.
const idleYields = 2000

func (w *worker) run() {
	var done uint64
	yielding := false // after a RangeThenPark job: poll with the core given away
	for {
		// Wait for a job: spin (or yield), then park (checking again after
		// saying so, so that a job posted meanwhile is not missed).
		for spin := 0; w.posted.Load() == done; spin++ {
			if w.closed.Load() {
				return
			}
			if yielding {
				if spin < idleYields {
					osYield()
					continue
				}
			} else if spin < spinPolls {
				continue
			}
			w.parked.Store(true)
			if w.posted.Load() == done && !w.closed.Load() {
				<-w.wake
			}
			w.parked.Store(false)
			spin, yielding = 0, false
		}
		done++
		yielding = w.park // read before finished: the next job may follow at once
		w.f(w.lo, w.hi)
		w.f = nil // hold nothing of the caller's between calls
		w.finished.Store(done)
		if w.waiter.CompareAndSwap(done, 0) {
			// Only a caller waiting for this very job: one that had
			// returned from it (seeing finished) and now waits for the
			// next must not be woken by this job's end.
			w.over <- struct{}{}
		}
	}
}

// post hands w its next job and wakes it if it is parked.
func (w *worker) post(f func(lo, hi int), lo, hi int, park bool) {
	w.f, w.lo, w.hi, w.park = f, lo, hi, park
	w.posted.Add(1)
	if w.parked.Load() {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// await waits, as the caller of a Range job, until w has done it: it
// spins a while (or, after a RangeThenPark job, yields the core to other
// threads), yields a while, then blocks. Blocking matters where the
// cores are shared with other processes or more threads than there are
// cores: a caller that spun (or yielded, which returns at once when it has
// nothing else to run) until a descheduled worker came back would hold the
// core the worker needs, and each call would cost an OS time slice.
func (w *worker) await(yield bool) {
	job := w.posted.Load() // only the caller posts, so this is its job
	for spin := 0; spin < spinPolls+awaitYields; spin++ {
		if w.finished.Load() == job {
			return
		}
		if yield {
			osYield()
		} else if spin >= spinPolls {
			runtime.Gosched()
		}
	}
	w.waiter.Store(job)
	if w.finished.Load() == job && w.waiter.CompareAndSwap(job, 0) {
		return // done meanwhile, and the worker will send nothing
	}
	<-w.over // the worker cleared waiter and sends (or has sent) the token
}

func closeWorkers(workers []*worker) {
	for _, w := range workers {
		w.closed.Store(true)
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}
