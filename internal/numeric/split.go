package numeric

import (
	"runtime"
	"sync"
)

// ParallelRange splits [0, n) into up to GOMAXPROCS contiguous blocks of
// at least minBlock indices and calls f(lo, hi) on each, one goroutine per
// block (the caller's own for the last), returning when all are done.
func ParallelRange(n, minBlock int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	parts := Blocks(n, minBlock, runtime.GOMAXPROCS(0))
	if parts <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts - 1 {
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	f((parts-1)*n/parts, n)
	wg.Wait()
}

// Blocks is how many blocks of at least minBlock indices [0, n) splits
// into for the given number of workers (at least one): the one rule by
// which ParallelRange and package internal/pool cut a range, so that a
// pool's call makes the same calls as ParallelRange would.
func Blocks(n, minBlock, workers int) int {
	return min(workers, max(n/max(minBlock, 1), 1))
}

// MinWork is the least work worth handing to another core, in element
// operations (a logistic function, a draw; sixteen multiply–adds of a
// product count as one): some tens of µs. Below it the hand-over costs more
// than it saves, and far more where the cores are shared with other
// processes: a worker that is not running makes its caller wait an OS
// time slice, and a small model's step makes thousands of calls.
const MinWork = 4096

// BlockFor is the fewest items a block of a parallel call (ParallelRange,
// a pool's Range) should hold when each item costs cost element
// operations: enough for [MinWork], and at least floor.
func BlockFor(cost, floor int) int { return max(floor, MinWork/max(cost, 1)) }
