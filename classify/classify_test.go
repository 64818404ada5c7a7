package classify

import (
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/race"
	"gorgonia.org/tensor"
)

// TestGradientMatchesFiniteDifferences: Gorgonia's gradient of the mean
// cross-entropy against central differences, for every parameter of a
// small two-hidden-layer net.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewMLP([]int{5, 4, 3, 3}, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(append([]*tensor.Dense(nil), m.W...), m.B...) {
		for i := range p.Float32s() {
			p.Float32s()[i] = float32(rng.NormFloat64())
		}
	}
	const batch = 6
	x := tensor.New(tensor.WithShape(batch, 5), tensor.Of(tensor.Float32))
	y := tensor.New(tensor.WithShape(batch, 3), tensor.Of(tensor.Float32))
	labels := make([]int, batch)
	for r := range batch {
		for i := range 5 {
			x.Float32s()[r*5+i] = float32(rng.Float64())
		}
		labels[r] = rng.IntN(3)
		y.Float32s()[r*3+labels[r]] = 1
	}
	// Without dropout, and with dropout masks on the input and on both
	// hidden layers (fixed masks: the loss is then a smooth function of the
	// parameters, the masked inputs of each layer scaled as drawn).
	masks := make([]*tensor.Dense, len(m.W))
	for l := range masks {
		n := m.W[l].Shape()[0]
		masks[l] = tensor.New(tensor.WithShape(batch, n), tensor.Of(tensor.Float32))
		for i := range masks[l].Float32s() {
			if rng.Float64() < 0.7 {
				masks[l].Float32s()[i] = 1 / 0.7
			}
		}
	}
	for _, drop := range []bool{false, true} {
		var ms []*tensor.Dense
		var in, hid float64
		if drop {
			ms, in, hid = masks, 0.3, 0.3
		}
		checkGradient(t, m, x, y, labels, ms, in, hid)
	}
}

// checkGradient holds the loss graph's gradient against central
// differences of a float64 forward pass with the same dropout masks (nil:
// none).
func checkGradient(t *testing.T, m *MLP, x, y *tensor.Dense, labels []int, masks []*tensor.Dense, inputDrop, hiddenDrop float64) {
	t.Helper()
	batch := x.Shape()[0]
	lg, err := newLossGraph(m, batch, inputDrop, hiddenDrop)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lg.run(m, x, y, masks); err != nil {
		t.Fatal(err)
	}
	// The loss in float64 from a forward pass of its own.
	loss := func() float64 {
		h := make([]float64, batch*m.Inputs())
		for i, v := range x.Float32s() {
			h[i] = float64(v)
		}
		var z []float64
		for l, w := range m.W {
			n, k := w.Shape()[0], w.Shape()[1]
			if masks != nil {
				for i := range h {
					h[i] *= float64(masks[l].Float32s()[i])
				}
			}
			z = make([]float64, batch*k)
			for r := range batch {
				for j := range k {
					a := float64(m.B[l].Float32s()[j])
					for i := range n {
						a += h[r*n+i] * float64(w.Float32s()[i*k+j])
					}
					z[r*k+j] = a
				}
			}
			if l < len(m.W)-1 {
				h = make([]float64, len(z))
				for i, a := range z {
					h[i] = 1 / (1 + math.Exp(-a))
				}
			}
		}
		s := 0.0
		for r := range batch {
			mx := math.Inf(-1)
			for c := range 3 {
				mx = max(mx, float64(z[r*3+c]))
			}
			lse := 0.0
			for c := range 3 {
				lse += math.Exp(float64(z[r*3+c]) - mx)
			}
			s -= float64(z[r*3+labels[r]]) - mx - math.Log(lse)
		}
		return s / float64(batch)
	}
	const h = 1e-2
	check := func(name string, p *tensor.Dense, g []float32) {
		for i := range p.Float32s() {
			old := p.Float32s()[i]
			p.Float32s()[i] = old + h
			up := loss()
			p.Float32s()[i] = old - h
			down := loss()
			p.Float32s()[i] = old
			fd := (up - down) / (2 * h)
			if math.Abs(fd-float64(g[i])) > 2e-3+1e-2*math.Abs(fd) {
				t.Errorf("%s[%d]: autodiff %.6f, finite differences %.6f", name, i, g[i], fd)
			}
		}
	}
	for l := range m.W {
		check("W", m.W[l], negate(lg.gradW(l)))
		check("b", m.B[l], negate(lg.gradB(l)))
	}
}

// TestTrainingSeparatesClasses: three Gaussian clusters in 8 dimensions,
// a linear classifier and a one-hidden-layer net (also with dropout) reach under 3% error
// on fresh points, and a fixed seed repeats the training bit for bit.
func TestTrainingSeparatesClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	centres := make([][]float64, 3)
	for c := range centres {
		centres[c] = make([]float64, 8)
		for i := range centres[c] {
			centres[c][i] = 2 * rng.NormFloat64()
		}
	}
	draw := func(n int) (*tensor.Dense, []int) {
		x := tensor.New(tensor.WithShape(n, 8), tensor.Of(tensor.Float32))
		labels := make([]int, n)
		for r := range n {
			c := rng.IntN(3)
			labels[r] = c
			for i := range 8 {
				x.Float32s()[r*8+i] = float32(centres[c][i] + rng.NormFloat64())
			}
		}
		return x, labels
	}
	xTrain, yTrain := draw(600)
	xTest, yTest := draw(600)
	cfg := TrainConfig{Epochs: 30, Batch: 20, LR: 0.1, Momentum: 0.9, Seed: 5}
	for _, tc := range []struct {
		sizes   []int
		in, hid float64
	}{{[]int{8, 3}, 0, 0}, {[]int{8, 16, 3}, 0, 0}, {[]int{8, 16, 3}, 0.2, 0.5}} {
		sizes := tc.sizes
		cfg.InputDropout, cfg.HiddenDropout = tc.in, tc.hid
		var first []float32
		for range 2 {
			m, err := NewMLP(sizes, rand.New(rand.NewPCG(6, 6)))
			if err != nil {
				t.Fatal(err)
			}
			var losses []float64
			if err := Train(m, xTrain, yTrain, cfg, func(_ int, l float64) { losses = append(losses, l) }); err != nil {
				t.Fatal(err)
			}
			e, err := m.ErrorRate(xTest, yTest)
			if err != nil {
				t.Fatal(err)
			}
			if e > 0.03 || losses[len(losses)-1] >= losses[0] {
				t.Errorf("%v: test error %.3f, loss %.4f → %.4f", sizes, e, losses[0], losses[len(losses)-1])
			}
			if first == nil {
				first = append([]float32(nil), m.W[0].Float32s()...)
			} else {
				for i, w := range m.W[0].Float32s() {
					if w != first[i] {
						t.Fatalf("%v: the same seed trained different weights", sizes)
					}
				}
			}
		}
	}
	if _, err := NewMLP([]int{3}, rng); err == nil {
		t.Error("an MLP without an output layer was accepted")
	}
	m, _ := NewMLP([]int{8, 3}, rng)
	if err := Train(m, xTrain, yTrain[:10], cfg, nil); err == nil {
		t.Error("Train accepted 10 labels for 600 examples")
	}
}

// negate returns minus g: the loss's gradient from the ascent direction.
func negate(g []float32) []float32 {
	out := make([]float32, len(g))
	for i, x := range g {
		out[i] = -x
	}
	return out
}

// TestTrainingStepAllocatesNothing: after the set-up, an epoch of Train
// allocates no more than a handful of objects (the shuffle's closure),
// however many steps it makes: the graph runs as a compiled plan, the
// dropout masks are drawn into buffers made once. Also with the BLAS the
// commands take, on a hidden layer wide enough (72,000 weights) that the
// SIMD BLAS, where it is that, runs the momentum update on the goroutines
// it lends.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates on its own")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	x := tensor.New(tensor.WithShape(400, 12), tensor.Of(tensor.Float32))
	labels := make([]int, 400)
	for r := range labels {
		labels[r] = rng.IntN(4)
		for i := range 12 {
			x.Float32s()[r*12+i] = float32(labels[r]%2) + float32(rng.NormFloat64())
		}
	}
	hidden := 16
	mallocs := func(epochs int, drop float64) uint64 {
		m, err := NewMLP([]int{12, hidden, 4}, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		// No collection meanwhile: it would empty the tensor package's
		// sync.Pools, whose refills in the set-up would count here.
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := Train(m, x, labels, TrainConfig{Epochs: epochs, Batch: 10, LR: 0.1, Momentum: 0.9, Seed: 3, InputDropout: drop, HiddenDropout: drop}, nil); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	check := func(name string) {
		for _, drop := range []float64{0, 0.2} {
			// The set-up's allocations vary by a few dozen from run to run
			// (Gorgonia's graph walks maps): twenty epochs more average
			// that out, where an allocating step (40 an epoch) would add
			// 160 an epoch or more.
			one, many := mallocs(1, drop), mallocs(21, drop)
			if perEpoch := (float64(many) - float64(one)) / 20; perEpoch > 4 {
				t.Errorf("%s, dropout %g: %.1f allocations an epoch beyond the first (%d in one epoch, %d in 21)", name, drop, perEpoch, one, many)
			}
		}
	}
	check("gonum")
	desc, err := fastblas.Use(fastblas.Auto)
	if err != nil {
		t.Fatal(err)
	}
	defer fastblas.Use(fastblas.Gonum)
	fastblas.Threads(runtime.GOMAXPROCS(0))
	hidden = 6000
	check(desc)
}
