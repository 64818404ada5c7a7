package numeric

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestSigmoid32(t *testing.T) {
	worst := 0.0
	for x := -100.0; x <= 100; x += 1e-3 {
		got := float64(Sigmoid32(float32(x)))
		want := Sigmoid(float64(float32(x)))
		if d := math.Abs(got - want); d > worst {
			worst = d
		}
		if got < 0 || got > 1 {
			t.Fatalf("Sigmoid32(%g) = %g, outside [0, 1]", x, got)
		}
	}
	if worst > 2e-7 {
		t.Errorf("Sigmoid32: worst absolute error %g, want ≤ 2e-7", worst)
	}
	// Relative accuracy in the far tail, where σ(x) ≈ e^x.
	for _, x := range []float32{-80, -50, -20, -10} {
		got, want := float64(Sigmoid32(x)), Sigmoid(float64(x))
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("Sigmoid32(%g) = %g, want %g (relative 1e-6)", x, got, want)
		}
	}
	if s := Sigmoid32(float32(math.Inf(-1))); s < 0 || s > 1e-37 {
		t.Errorf("Sigmoid32(-Inf) = %g", s)
	}
	if s := Sigmoid32(float32(math.Inf(1))); s != 1 {
		t.Errorf("Sigmoid32(+Inf) = %g", s)
	}
}

func TestStreamsAreUniformAndDistinct(t *testing.T) {
	// Mean and lag-1 correlation of the 24-bit draws of one stream, and the
	// correlation between neighbouring streams.
	const n = 200000
	a, b := NewStream(7, 1, 0), NewStream(7, 1, 1)
	var sum, lag, cross, prev float64
	for i := range n {
		x := float64(a.Uint64()>>40) / (1 << 24)
		y := float64(b.Uint64()>>40) / (1 << 24)
		sum += x
		if i > 0 {
			lag += (x - 0.5) * (prev - 0.5)
		}
		cross += (x - 0.5) * (y - 0.5)
		prev = x
	}
	// Standard errors: mean 0.29/√n ≈ 6.5e-4; products (1/12)/√n ≈ 1.9e-4.
	if m := sum / n; math.Abs(m-0.5) > 0.003 {
		t.Errorf("mean %g, want 0.5 ± 0.003", m)
	}
	if c := lag / n; math.Abs(c) > 1e-3 {
		t.Errorf("lag-1 covariance %g, want 0 ± 1e-3", c)
	}
	if c := cross / n; math.Abs(c) > 1e-3 {
		t.Errorf("covariance of neighbouring streams %g, want 0 ± 1e-3", c)
	}
	if NewStream(7, 1, 0) == NewStream(7, 0, 1) || NewStream(7, 1, 0) == NewStream(8, 1, 0) {
		t.Error("streams with different keys coincide")
	}
}

// TestNeighbouringStreamsDoNotOverlap: the streams of neighbouring keys
// (rows b and b+1 of one pass, passes a and a+1 of one row, seeds s and
// s+1) share no value among their first thousand draws, at any lag.
func TestNeighbouringStreamsDoNotOverlap(t *testing.T) {
	const n = 1000
	draws := func(s Stream) map[uint64]bool {
		m := map[uint64]bool{}
		for range n {
			m[s.Uint64()] = true
		}
		return m
	}
	for _, pair := range [][2]Stream{
		{NewStream(5, 3, 10), NewStream(5, 3, 11)},
		{NewStream(5, 3, 10), NewStream(5, 4, 10)},
		{NewStream(5, 3, 10), NewStream(6, 3, 10)},
		{NewStream(5, 0, 0), NewStream(5, 0, 1)},
	} {
		a, b := draws(pair[0]), draws(pair[1])
		for x := range b {
			if a[x] {
				t.Fatalf("streams %v and %v share the draw %x", pair[0], pair[1], x)
			}
		}
	}
}

func TestBernoulliRowFrequencies(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(p []float64, s *Stream) []float64
	}{
		{"float32", func(p []float64, s *Stream) []float64 {
			p32, d := make([]float32, len(p)), make([]float32, len(p))
			for i := range p {
				p32[i] = float32(p[i])
			}
			BernoulliRow(d, p32, s)
			out := make([]float64, len(p))
			for i := range d {
				out[i] = float64(d[i])
			}
			return out
		}},
		{"float64", func(p []float64, s *Stream) []float64 {
			d := make([]float64, len(p))
			BernoulliRow(d, p, s)
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Five probabilities, repeated; an odd length exercises the tail.
			probs := []float64{0, 0.01, 0.3, 0.77, 1}
			p := make([]float64, 5*1001)
			for i := range p {
				p[i] = probs[i%5]
			}
			counts := make([]float64, 5)
			const rounds = 40
			for r := range rounds {
				s := NewStream(3, 0, uint64(r))
				for i, x := range tc.f(p, &s) {
					counts[i%5] += x
				}
			}
			for k, want := range probs {
				n := 1001.0 * rounds
				got := counts[k] / n
				sd := math.Sqrt(want * (1 - want) / n)
				if math.Abs(got-want) > 5*sd+1e-12 {
					t.Errorf("p = %g: frequency %g, want within 5σ = %g", want, got, 5*sd)
				}
			}
		})
	}
}

func TestParallelRangeCoversOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100, 1001} {
		seen := make([]int32, n)
		ParallelRange(n, 3, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n = %d: index %d visited %d times", n, i, c)
			}
		}
	}
}

func BenchmarkSigmoid(b *testing.B) {
	x := make([]float32, 50000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 4)
	}
	out := make([]float32, len(x))
	b.Run("Sigmoid32", func(b *testing.B) {
		for range b.N {
			for i, v := range x {
				out[i] = Sigmoid32(v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("Sigmoid", func(b *testing.B) {
		for range b.N {
			for i, v := range x {
				out[i] = float32(Sigmoid(float64(v)))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("BernoulliRow32", func(b *testing.B) {
		s := NewStream(1, 2, 3)
		for range b.N {
			BernoulliRow(out, x, &s)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
	b.Run("SampleBernoulli32", func(b *testing.B) {
		for range b.N {
			SampleBernoulli(out, x, rng)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
	})
}

func TestSigmoidBiasMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 41 {
		row32, bias32 := make([]float32, n), make([]float32, n)
		row64, bias64 := make([]float64, n), make([]float64, n)
		for j := range n {
			row64[j], bias64[j] = rng.NormFloat64()*20, rng.NormFloat64()
			row32[j], bias32[j] = float32(row64[j]), float32(bias64[j])
		}
		if n > 3 {
			row32[1], row32[2] = float32(math.Inf(1)), float32(math.Inf(-1))
		}
		want32, want64 := make([]float32, n), make([]float64, n)
		for j := range n {
			want32[j] = Sigmoid32(row32[j] + bias32[j])
			want64[j] = Sigmoid(row64[j] + bias64[j])
		}
		SigmoidBias(row32, bias32)
		SigmoidBias(row64, bias64)
		for j := range n {
			// The vector kernel rounds differently from the scalar one (fused
			// multiply-adds) but not by more than two units in the last place.
			if d := math.Abs(float64(row32[j] - want32[j])); d > 2.4e-7 {
				t.Errorf("n = %d, j = %d: vector %g, scalar %g", n, j, row32[j], want32[j])
			}
			if row64[j] != want64[j] {
				t.Errorf("float64, n = %d, j = %d: %g, want %g", n, j, row64[j], want64[j])
			}
		}
	}
	// NaN propagates: a diverged model must not look like a saturated one.
	row := []float32{0, 0, 0, float32(math.NaN()), 0, 0, 0, 0, float32(math.NaN())}
	SigmoidBias(row, make([]float32, len(row)))
	if !math.IsNaN(float64(row[3])) || !math.IsNaN(float64(row[8])) || row[0] != 0.5 {
		t.Errorf("NaN in, got %v", row)
	}
}

func TestPoolCoversOnceWithoutAllocating(t *testing.T) {
	p := NewPool()
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
	p := NewPool()
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
	p := NewPool()
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
	p := NewPool()
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
		p := NewPool()
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

	p := NewPool()
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
