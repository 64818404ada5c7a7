package numeric

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Sigmoid32 is the logistic function in float32 arithmetic, with e^x from
// a degree-6 polynomial after range reduction by powers of two: within
// 2e-7 (absolute) of the exact value, about four times faster than going
// through math.Exp in float64.
func Sigmoid32(x float32) float32 {
	// σ(x) = 1/(1+e^-x); clamp so that e^-x stays finite and normal.
	if x < -87 {
		x = -87
	} else if x > 87 {
		x = 87
	}
	return 1 / (1 + exp32(-x))
}

// exp32 is e^x for |x| ≤ 88: x = n·ln2 + f with |f| ≤ ln2/2, e^f by its
// Taylor polynomial to degree 6 (error below 2e-8), 2^n by the exponent bits.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	// Adding 1.5·2^23 rounds to the nearest integer in float32 arithmetic.
	const round = 12582912
	n := (x*log2e + round) - round
	f := x - n*ln2hi - n*ln2lo
	p := float32(1.0 / 720)
	p = p*f + 1.0/120
	p = p*f + 1.0/24
	p = p*f + 1.0/6
	p = p*f + 0.5
	p = p*f + 1
	p = p*f + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Stream is a counter-based random bit generator (SplitMix64, Steele, Lea &
// Flood 2014): its state is a 64-bit counter, each output a strong mix of
// it. Streams keyed by (seed, a, b) are independent in practice, so that
// parallel work can draw from a stream per row and give the same numbers
// however the rows fall to goroutines.
type Stream struct{ s uint64 }

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewStream returns the stream keyed by seed and the two indices a and b
// (a pass and a row, say).
func NewStream(seed, a, b uint64) Stream {
	return Stream{mix64(mix64(seed^mix64(a+golden)) + b*golden)}
}

// Uint64 returns the next 64 random bits.
func (s *Stream) Uint64() uint64 {
	s.s += golden
	return mix64(s.s)
}

// BernoulliRow sets dst[i] to 1 with probability p[i], else 0, drawing
// from s: 24 bits a draw for float32 (two draws from each 64 bits), 53 for
// float64.
func BernoulliRow[T Float](dst, p []T, s *Stream) {
	if _, ok := any(dst).([]float32); ok {
		i := 0
		for ; i+1 < len(p); i += 2 {
			u := s.Uint64()
			dst[i] = T(below24(u>>40, float32(p[i])))
			dst[i+1] = T(below24((u>>8)&(1<<24-1), float32(p[i+1])))
		}
		if i < len(p) {
			dst[i] = T(below24(s.Uint64()>>40, float32(p[i])))
		}
		return
	}
	for i, pi := range p {
		dst[i] = T(below53(s.Uint64()>>11, float64(pi)))
	}
}

// below24 is 1 when the 24-bit u is below ⌊p·2^24⌋ and 0 otherwise, with
// no branch: the sign bit of the difference. As a draw it is Bernoulli(p)
// with a bias below 2^-24.
func below24(u uint64, p float32) uint32 { return uint32(int32(u)-int32(p*(1<<24))) >> 31 }

// below53 is below24 for a 53-bit u, in 64-bit integers.
func below53(u uint64, p float64) uint64 { return uint64(int64(u)-int64(p*(1<<53))) >> 63 }

// ParallelRange splits [0, n) into up to GOMAXPROCS contiguous blocks of
// at least minBlock indices and calls f(lo, hi) on each, one goroutine per
// block (the caller's own for the last), returning when all are done.
func ParallelRange(n, minBlock int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	parts := blocks(n, minBlock, runtime.GOMAXPROCS(0))
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

// SigmoidBias sets row[j] = σ(row[j] + bias[j]) for j < len(bias): for
// float32 with [Sigmoid32]'s arithmetic, eight lanes at a time on CPUs with
// AVX2, for float64 with [Sigmoid].
func SigmoidBias[T Float](row, bias []T) {
	if r32, ok := any(row).([]float32); ok {
		sigmoidBias32(r32, any(bias).([]float32))
		return
	}
	row = row[:len(bias)]
	for j, b := range bias {
		row[j] = T(Sigmoid(float64(row[j] + b)))
	}
}

// blocks is how many blocks of at least minBlock indices [0, n) splits
// into for the given number of workers (at least one).
func blocks(n, minBlock, workers int) int {
	return min(workers, max(n/max(minBlock, 1), 1))
}

// MinWork is the least work worth handing to another core, in element
// operations (a logistic function, a draw; sixteen multiply–adds of a
// product count as one): some tens of µs. Below it the hand-over costs more
// than it saves, and far more where the cores are shared with other
// processes: a worker that is not running makes its caller wait an OS
// time slice, and a small model's step makes thousands of calls.
const MinWork = 4096

// BlockFor is the fewest items a block of a pool's call should hold when
// each item costs cost element operations: enough for [MinWork], and at
// least floor.
func BlockFor(cost, floor int) int { return max(floor, MinWork/max(cost, 1)) }

// Pool is ParallelRange on goroutines that live as long as the pool, for
// loops that run thousands of times a second: a call allocates nothing when
// f is a function value made once (a method value kept in a field, say),
// not a closure made at each call.
//
// Between calls a worker spins for a while (poolSpin polls of its job
// counter, a few tens of microseconds) before it parks on a channel: a
// training step makes several calls in a row, and waking a parked
// goroutine costs the OS thread a sleep and a wake-up each time, while the
// caller's own share waits.
type Pool struct {
	workers []*poolWorker
	closed  atomic.Bool
}

type poolWorker struct {
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

// poolSpin is how many times an idle worker polls before it parks, and
// the caller polls before it yields while it waits.
const poolSpin = 20000

// awaitYields is how many times a waiting caller yields, after its poolSpin
// polls, before it blocks: some hundreds of microseconds. A caller that
// blocked at once was woken late (the worker's token readies it on the
// worker's own P, where it waits for a steal or an OS thread's wake-up):
// BenchmarkCD1 took 1.40 ms a step against 1.09 ms with these yields
// (AMD EPYC, 2 vCPUs, OpenBLAS, 2026-12-03), and 2,000 to 40,000 yields all
// gave 1.09–1.11 ms.
const awaitYields = 5000

// poolYields is how many times a worker that has done a RangeThenPark job
// polls for the next, giving its core away between polls (sched_yield),
// before it parks: a product's threads get the core whenever they want it,
// while the pool's next pass still finds its workers awake.
const poolYields = 2000

// NewPool starts GOMAXPROCS − 1 goroutines; the caller's own is the last.
// They end at [Pool.Close], or when the pool is garbage collected: an
// owner needs no cleanup of its own, and must not add one (a cleanup on
// the owner could close the pool while a method value or a copy of the
// owner still uses it, and a job posted to a closed pool is never run).
func NewPool() *Pool {
	p := &Pool{workers: make([]*poolWorker, runtime.GOMAXPROCS(0)-1)}
	for i := range p.workers {
		w := &poolWorker{wake: make(chan struct{}, 1), over: make(chan struct{}, 1)}
		p.workers[i] = w
		go w.run()
	}
	// The workers hold only their own state, so the pool can be collected
	// while they wait; the cleanup's argument is the slice of them, not p.
	runtime.AddCleanup(p, closeWorkers, p.workers)
	return p
}

func (w *poolWorker) run() {
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
				if spin < poolYields {
					osYield()
					continue
				}
			} else if spin < poolSpin {
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
func (w *poolWorker) post(f func(lo, hi int), lo, hi int, park bool) {
	w.f, w.lo, w.hi, w.park = f, lo, hi, park
	w.posted.Add(1)
	if w.parked.Load() {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// Range is [ParallelRange] on the pool's goroutines. Calls must not overlap.
func (p *Pool) Range(n, minBlock int, f func(lo, hi int)) { p.run(n, minBlock, f, false) }

// RangeThenPark is Range for a pass that the caller follows with work on
// other threads, a BLAS product say: neither the workers nor the caller
// spin, so as not to hold the cores that work needs. They poll with the
// core given away between polls (sched_yield), and the workers park after
// poolYields polls. Measured on the dense RBM step with OpenBLAS, spinning
// made a step half as slow again; parking at once made each pass pay a
// wake-up of tens of microseconds (a 784×500 Gaussian RBM's step through
// the energy trainer took 4.5 ms against 3.45 ms with the yields, AMD EPYC,
// 2 vCPUs, 2026-12-03).
func (p *Pool) RangeThenPark(n, minBlock int, f func(lo, hi int)) { p.run(n, minBlock, f, true) }

// RangeSerial calls f on Range's blocks one after another on the caller's
// goroutine: the same calls as Range, for a caller that finds the pool in
// use by another. It may overlap with other calls.
func (p *Pool) RangeSerial(n, minBlock int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	parts := blocks(n, minBlock, len(p.workers)+1)
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
	parts := blocks(n, minBlock, len(p.workers)+1)
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

// await waits, as the caller of a Range job, until w has done it: it
// spins a while (or, after a RangeThenPark job, yields the core to other
// threads), yields a while, then blocks. Blocking matters where the
// cores are shared with other processes or more threads than there are
// cores: a caller that spun (or yielded, which returns at once when it has
// nothing else to run) until a descheduled worker came back would hold the
// core the worker needs, and each call would cost an OS time slice.
func (w *poolWorker) await(yield bool) {
	job := w.posted.Load() // only the caller posts, so this is its job
	for spin := 0; spin < poolSpin+awaitYields; spin++ {
		if w.finished.Load() == job {
			return
		}
		if yield {
			osYield()
		} else if spin >= poolSpin {
			runtime.Gosched()
		}
	}
	w.waiter.Store(job)
	if w.finished.Load() == job && w.waiter.CompareAndSwap(job, 0) {
		return // done meanwhile, and the worker will send nothing
	}
	<-w.over // the worker cleared waiter and sends (or has sent) the token
}

// Close stops the pool's goroutines. A later call runs its blocks one
// after another on the caller's goroutine.
func (p *Pool) Close() {
	if p.closed.Swap(true) {
		return
	}
	closeWorkers(p.workers)
}

func closeWorkers(workers []*poolWorker) {
	for _, w := range workers {
		w.closed.Store(true)
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

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
