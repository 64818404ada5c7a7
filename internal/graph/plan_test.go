package graph

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/race"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// planCase builds a scalar cost from inputs of the given shapes; the test
// differentiates it in every input but the first.
type planCase struct {
	name   string
	shapes [][]int
	cost   func(x []*G.Node, k func(float64) *G.Node) (*G.Node, error)
}

var planCases = []planCase{
	{
		// A Gaussian RBM's free energy (rbm/grbm): broadcasts, squares,
		// exponentials, softplus, sums along both axes, a scalar constant.
		name:   "gaussian-free-energy",
		shapes: [][]int{{7, 5}, {5, 4}, {5}, {4}, {5}},
		cost: func(x []*G.Node, k func(float64) *G.Node) (*G.Node, error) {
			var b Builder
			do := b.Do
			v, w, vb, hb, z := x[0], x[1], x[2], x[3], x[4]
			inv := do(func() (*G.Node, error) { return G.Exp(do(func() (*G.Node, error) { return G.Neg(z) })) })
			diff := do(func() (*G.Node, error) { return G.BroadcastSub(v, vb, nil, []byte{0}) })
			sq := do(func() (*G.Node, error) { return G.Square(diff) })
			quad := do(func() (*G.Node, error) { return G.BroadcastHadamardProd(sq, inv, nil, []byte{0}) })
			half := do(func() (*G.Node, error) { return G.Sum(quad, 1) })
			halfq := do(func() (*G.Node, error) { return G.Mul(half, k(0.5)) })
			scaled := do(func() (*G.Node, error) { return G.BroadcastHadamardProd(v, inv, nil, []byte{0}) })
			pre := do(func() (*G.Node, error) {
				return G.BroadcastAdd(do(func() (*G.Node, error) { return G.Mul(scaled, w) }), hb, nil, []byte{0})
			})
			s := do(func() (*G.Node, error) { return G.Sum(do(func() (*G.Node, error) { return G.Softplus(pre) }), 1) })
			f := do(func() (*G.Node, error) { return G.Sub(halfq, s) })
			m := do(func() (*G.Node, error) { return G.Mean(f) })
			return m, b.Err()
		},
	},
	{
		// A two-layer classifier's cross-entropy (package classify):
		// products, sigmoid, log softmax and its gradient.
		name:   "softmax-cross-entropy",
		shapes: [][]int{{6, 5}, {5, 4}, {4}, {4, 3}, {3}, {6, 3}},
		cost: func(x []*G.Node, k func(float64) *G.Node) (*G.Node, error) {
			var b Builder
			do := b.Do
			in, w1, b1, w2, b2, y := x[0], x[1], x[2], x[3], x[4], x[5]
			h := do(func() (*G.Node, error) { return G.Mul(in, w1) })
			h = do(func() (*G.Node, error) { return G.BroadcastAdd(h, b1, nil, []byte{0}) })
			h = do(func() (*G.Node, error) { return G.Sigmoid(h) })
			h = do(func() (*G.Node, error) { return G.Mul(h, w2) })
			h = do(func() (*G.Node, error) { return G.BroadcastAdd(h, b2, nil, []byte{0}) })
			lp := do(func() (*G.Node, error) { return G.LogSoftMax(h) })
			s := do(func() (*G.Node, error) { return G.Sum(do(func() (*G.Node, error) { return G.HadamardProd(lp, y) })) })
			return do(func() (*G.Node, error) { return G.Mul(s, k(-1/6.0)) }), b.Err()
		},
	},
	{
		// Transposed products, a matrix–vector product, division, tanh,
		// log1p, the square root and a softmax that is not a log.
		name:   "products-and-functions",
		shapes: [][]int{{4, 3}, {4, 5}, {3}, {5}},
		cost: func(x []*G.Node, k func(float64) *G.Node) (*G.Node, error) {
			var b Builder
			do := b.Do
			a, c, u, w := x[0], x[1], x[2], x[3]
			atc := do(func() (*G.Node, error) { return G.Mul(do(func() (*G.Node, error) { return G.Transpose(a) }), c) }) // [3,5]
			t := do(func() (*G.Node, error) { return G.Tanh(atc) })
			cw := do(func() (*G.Node, error) { return G.Mul(c, w) }) // [4]
			sq := do(func() (*G.Node, error) {
				return G.Sqrt(do(func() (*G.Node, error) { return G.Add(do(func() (*G.Node, error) { return G.Square(cw) }), k(1)) }))
			})
			l := do(func() (*G.Node, error) { return G.Log1p(do(func() (*G.Node, error) { return G.Square(u) })) })
			sm := do(func() (*G.Node, error) { return G.SoftMax(t) })
			r := do(func() (*G.Node, error) {
				return G.Div(do(func() (*G.Node, error) { return G.Sum(sm) }), do(func() (*G.Node, error) { return G.Sum(sq) }))
			})
			return do(func() (*G.Node, error) { return G.Add(r, do(func() (*G.Node, error) { return G.Sum(l) })) }), b.Err()
		},
	},
}

// TestPlanMatchesTheTapeMachine runs the gradient graph of each case on
// Gorgonia's tape machine and as a compiled Plan, from the same random
// inputs, and holds every gradient equal to within 1e-12 (float64) or
// 1e-5 relative (float32).
func TestPlanMatchesTheTapeMachine(t *testing.T) {
	// The first case again at a size whose transcendental steps split over
	// the cores (on a machine with more than one), on the goroutines the
	// SIMD BLAS lends (where it runs here) and as the commands' BLAS has
	// them. gonum's products start goroutines (and allocate) at that size:
	// take the BLAS the commands take.
	defer fastblas.Use(fastblas.Gonum)
	large := planCases[0]
	large.name, large.shapes = "gaussian-free-energy-large", [][]int{{200, 100}, {100, 90}, {100}, {90}, {100}}
	for _, lib := range []string{fastblas.Auto, fastblas.SIMDName} {
		if _, err := fastblas.Use(lib); err != nil {
			t.Logf("%s: %v", lib, err)
			continue
		}
		fastblas.Threads(runtime.GOMAXPROCS(0))
		for _, c := range append(planCases, large) {
			t.Run(lib+"/"+c.name+"/float64", func(t *testing.T) { comparePlan[float64](t, c, 1e-12) })
			t.Run(lib+"/"+c.name+"/float32", func(t *testing.T) { comparePlan[float32](t, c, 1e-5) })
		}
	}
}

func comparePlan[T numeric.Float](t *testing.T, c planCase, tol float64) {
	dt := numeric.Dtype[T]()
	g := G.NewGraph()
	var nodes []*G.Node
	var vals []*tensor.Dense
	rng := rand.New(rand.NewPCG(1, 2))
	for i, s := range c.shapes {
		n := G.NewTensor(g, dt, len(s), G.WithShape(s...), G.WithName(string(rune('a'+i))))
		nodes = append(nodes, n)
		v := tensor.New(tensor.WithShape(s...), tensor.Of(dt))
		for q := range v.Data().([]T) {
			v.Data().([]T)[q] = T(rng.NormFloat64())
		}
		vals = append(vals, v)
	}
	cost, err := c.cost(nodes, func(x float64) *G.Node {
		if dt == tensor.Float32 {
			return G.NewConstant(float32(x))
		}
		return G.NewConstant(x)
	})
	if err != nil {
		t.Fatal(err)
	}
	grads, err := G.Grad(cost, nodes[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Compile[T](g, nodes, append([]*G.Node{cost}, grads...))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]G.Value, 1+len(grads))
	G.Read(cost, &want[0])
	for i, gr := range grads {
		G.Read(gr, &want[1+i])
	}
	vm := G.NewTapeMachine(g)
	var binds []Binding
	inputs := make([][]T, len(nodes))
	for i, n := range nodes {
		binds = append(binds, Bind(n, vals[i]))
		inputs[i] = vals[i].Data().([]T)
	}
	if err := Run(vm, binds); err != nil {
		t.Fatal(err)
	}
	// Twice, so that the second run sees the buffers of the first.
	for range 2 {
		if err := plan.Run(inputs...); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range want {
		var ws []T
		switch d := w.Data().(type) {
		case T:
			ws = []T{d}
		case []T:
			ws = d
		}
		got := plan.Output(i)
		if len(got) != len(ws) {
			t.Fatalf("output %d: %d values, want %d", i, len(got), len(ws))
		}
		for q := range ws {
			if d := math.Abs(float64(got[q] - ws[q])); d > tol*max(1, math.Abs(float64(ws[q]))) {
				t.Errorf("output %d[%d] = %g, tape machine %g (difference %g)", i, q, got[q], ws[q], d)
			}
		}
	}
	if allocs := testing.AllocsPerRun(10, func() { _ = plan.Run(inputs...) }); allocs != 0 && !race.Enabled {
		t.Errorf("a run allocated %v times", allocs)
	}
}

// TestCompileNamesWhatItCannotRun: an operation without a kernel is an
// error that names it, for the caller to fall back to the tape machine.
func TestCompileNamesWhatItCannotRun(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float64, G.WithShape(2, 3), G.WithName("x"))
	m := G.Must(G.Max(x, 1))
	s := G.Must(G.Sum(m))
	_, err := Compile[float64](g, []*G.Node{x}, []*G.Node{s})
	if err == nil || !strings.Contains(err.Error(), "maxOp") {
		t.Errorf("compiling a max: %v, want an error naming maxOp", err)
	}
	plan, err := Compile[float64](g, []*G.Node{x}, []*G.Node{G.Must(G.Sum(x))})
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Run(make([]float64, 5)); err == nil || !strings.Contains(err.Error(), "5 elements, want 6") {
		t.Errorf("a short input: %v", err)
	}
}
