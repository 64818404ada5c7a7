package pool

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolCoversOnceWithoutAllocating(t *testing.T) {
	p := New()
	defer p.Close()
	seen := make([]int32, 1001)
	visit := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			atomic.AddInt32(&seen[i], 1)
		}
	}
	// The kinds of call, alternated: a worker that parked after a
	// RangeThenPark must take the next Range's job, and the other way.
	for round, n := range []int{0, 1, 7, 1001, 1001, 64, 1001, 1001, 3} {
		clear(seen)
		rangeFn, name := p.Range, "Range"
		switch round % 3 {
		case 1:
			rangeFn, name = p.RangeThenPark, "RangeThenPark"
		case 2:
			rangeFn, name = p.RangeSerial, "RangeSerial"
		}
		rangeFn(n, 3, visit)
		for i, c := range seen[:n] {
			if c != 1 {
				t.Fatalf("%s, n = %d: index %d visited %d times", name, n, i, c)
			}
		}
	}
	if a := testing.AllocsPerRun(100, func() { p.Range(1001, 3, visit) }); a != 0 {
		t.Errorf("Range allocates %g times a call", a)
	}
	if a := testing.AllocsPerRun(100, func() { p.RangeThenPark(1001, 3, visit) }); a != 0 {
		t.Errorf("RangeThenPark allocates %g times a call", a)
	}
}

// TestPoolWakesParkedWorkersAndCloses: calls in quick succession, calls
// after the workers have parked, and Close ending the workers.
func TestPoolWakesParkedWorkersAndCloses(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: the pool has no workers")
	}
	before := runtime.NumGoroutine()
	p := New()
	var sum atomic.Int64
	add := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sum.Add(int64(i))
		}
	}
	want := int64(0)
	for round := range 300 {
		if round%100 == 99 {
			time.Sleep(20 * time.Millisecond) // long enough for the workers to park
		}
		p.Range(64, 8, add)
		want += 64 * 63 / 2
		if got := sum.Load(); got != want {
			t.Fatalf("round %d: sum %d, want %d", round, got, want)
		}
	}
	p.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before the pool", n, before)
	}
}

// TestPoolCallerBlocksOnSlowWorkers: a worker whose block outlasts the
// caller's spin makes the caller block until it is woken. Slow and fast
// calls alternate, so a wake-up token left over from one call would let a
// later call return before its blocks are done, and the count would show it.
// Run with more goroutines than cores, as on a machine whose cores are
// shared with other processes.
func TestPoolCallerBlocksOnSlowWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	p := New()
	defer p.Close()
	var done atomic.Int64
	for round := range 200 {
		slow := round%3 == 0
		done.Store(0)
		p.Range(64, 8, func(lo, hi int) {
			if slow && lo > 0 { // the caller's own block, from 56, is fast
				time.Sleep(200 * time.Microsecond)
			}
			done.Add(int64(hi - lo))
		})
		if got := done.Load(); got != 64 {
			t.Fatalf("round %d (slow %v): Range returned with %d of 64 indices done", round, slow, got)
		}
	}
}

// TestPoolCallsNeverOverlap: many short calls in a row, on more
// goroutines than cores, each checked to have finished every block before
// it returned. A caller woken by a token meant for its previous call (a
// worker slow between finishing one job and waking its caller) would
// return with the new call's blocks undone.
func TestPoolCallsNeverOverlap(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	p := New()
	defer p.Close()
	var done atomic.Int64
	count := func(lo, hi int) {
		for range 50 * (hi - lo) {
			runtime.Gosched() // long enough, now and then, for the caller's spin to run out
		}
		done.Add(int64(hi - lo))
	}
	calls := 3000
	if testing.Short() {
		calls = 300
	}
	for call := range calls {
		done.Store(0)
		if call%7 == 3 {
			p.RangeThenPark(16, 1, count)
		} else {
			p.Range(16, 1, count)
		}
		if got := done.Load(); got != 16 {
			t.Fatalf("call %d returned with %d of 16 indices done", call, got)
		}
	}
}

// TestPoolEndsWhenCollected: a pool dropped without Close has its
// goroutines ended by the garbage collector, and a pool used after Close
// runs its blocks itself rather than posting them to ended goroutines.
func TestPoolEndsWhenCollected(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	before := runtime.NumGoroutine()
	var sum atomic.Int64
	add := func(lo, hi int) { sum.Add(int64(hi - lo)) }
	for range 10 {
		p := New()
		p.Range(64, 1, add)
		p.RangeThenPark(64, 1, add)
	}
	if got := sum.Load(); got != 10*128 {
		t.Fatalf("covered %d indices, want %d", got, 10*128)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after ten pools were dropped, %d before", n, before)
	}

	p := New()
	p.Close()
	p.Close() // twice is allowed
	done := make(chan struct{})
	go func() {
		sum.Store(0)
		p.Range(64, 1, add)
		p.RangeThenPark(64, 1, add)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a call on a closed pool did not return")
	}
	if got := sum.Load(); got != 128 {
		t.Errorf("a closed pool covered %d indices, want 128", got)
	}
}
