package energy_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/train"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// spinRBM is a model of the user's own, defined here and nowhere in the
// framework: binary visible units and hidden units that are ±1 spins, with
// E(v, h) = −vᵀWh − bᵀv − cᵀh, so that summing out the spins gives
//
//	F(v) = −bᵀv − Σ_j log 2cosh(a_j),  a = c + vᵀW,
//
// P(h_j = +1 | v) = σ(2a_j) and P(v_i = 1 | h) = σ(b_i + (Wh)_i).
type spinRBM struct{ W, B, C *tensor.Dense }

func newSpinRBM(nv, nh int) *spinRBM {
	f := tensor.Of(tensor.Float64)
	return &spinRBM{tensor.New(tensor.WithShape(nv, nh), f), tensor.New(tensor.WithShape(nv), f), tensor.New(tensor.WithShape(nh), f)}
}

func (m *spinRBM) Visible() int { return m.W.Shape()[0] }
func (m *spinRBM) Hidden() int  { return m.W.Shape()[1] }

func (m *spinRBM) Parameters() []energy.Parameter {
	return []energy.Parameter{{Name: "W", T: m.W, Decay: true, Fast: true}, {Name: "b", T: m.B, Fast: true}, {Name: "c", T: m.C, Fast: true}}
}

// FreeEnergyExpr is F(v) as a Gorgonia expression: log 2cosh(a) is
// a + softplus(−2a). Automatic differentiation does the rest.
func (m *spinRBM) FreeEnergyExpr(v *G.Node, p []*G.Node) (*G.Node, error) {
	vw, err := G.Mul(v, p[0])
	if err != nil {
		return nil, err
	}
	a, err := G.BroadcastAdd(vw, p[2], nil, []byte{0})
	if err != nil {
		return nil, err
	}
	m2a, err := G.Mul(a, G.NewConstant(-2.0))
	if err != nil {
		return nil, err
	}
	sp, err := G.Softplus(m2a)
	if err != nil {
		return nil, err
	}
	lc, err := G.Add(a, sp)
	if err != nil {
		return nil, err
	}
	hidden, err := G.Sum(lc, 1)
	if err != nil {
		return nil, err
	}
	vb, err := G.Mul(v, p[1])
	if err != nil {
		return nil, err
	}
	sum, err := G.Add(vb, hidden)
	if err != nil {
		return nil, err
	}
	return G.Neg(sum)
}

// inputs returns c + vᵀW of one row.
func (m *spinRBM) inputs(v []float64) []float64 {
	nv, nh := m.Visible(), m.Hidden()
	a := append([]float64(nil), m.C.Float64s()...)
	w := m.W.Float64s()
	for i, x := range v[:nv] {
		if x != 0 {
			for j := range nh {
				a[j] += x * w[i*nh+j]
			}
		}
	}
	return a
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func (m *spinRBM) SampleHidden(h, v []float64, beta float64, rng *rand.Rand) {
	nv, nh := m.Visible(), m.Hidden()
	for r := range len(v) / nv {
		for j, a := range m.inputs(v[r*nv : (r+1)*nv]) {
			h[r*nh+j] = -1
			if rng.Float64() < sigmoid(2*beta*a) {
				h[r*nh+j] = 1
			}
		}
	}
}

func (m *spinRBM) SampleVisible(v, h []float64, beta float64, rng *rand.Rand) {
	nv, nh := m.Visible(), m.Hidden()
	w, b := m.W.Float64s(), m.B.Float64s()
	for r := range len(v) / nv {
		for i := range nv {
			x := b[i]
			for j := range nh {
				x += w[i*nh+j] * h[r*nh+j]
			}
			v[r*nv+i] = 0
			if rng.Float64() < sigmoid(beta*x) {
				v[r*nv+i] = 1
			}
		}
	}
}

func (m *spinRBM) Energy(out, v, h []float64) {
	nv, nh := m.Visible(), m.Hidden()
	w, b, c := m.W.Float64s(), m.B.Float64s(), m.C.Float64s()
	for r := range out {
		e := 0.0
		for j := range nh {
			e -= c[j] * h[r*nh+j]
		}
		for i := range nv {
			if v[r*nv+i] != 0 {
				e -= b[i]
				for j := range nh {
					e -= w[i*nh+j] * h[r*nh+j]
				}
			}
		}
		out[r] = e
	}
}

func (m *spinRBM) Clone() energy.Model {
	return &spinRBM{m.W.Clone().(*tensor.Dense), m.B.Clone().(*tensor.Dense), m.C.Clone().(*tensor.Dense)}
}

// freeEnergy is F(v) of one row in Go, for the report.
func (m *spinRBM) freeEnergy(v []float64) float64 {
	f := 0.0
	for i, x := range v {
		f -= x * m.B.Float64s()[i]
	}
	for _, a := range m.inputs(v) {
		f -= math.Abs(a) + math.Log1p(math.Exp(-2*math.Abs(a))) // log 2cosh(a), stably
	}
	return f
}

// learner is what train.Run and evaluate need: the framework's
// energy.Trainer (Step, Params, State) plus the model's scores and the
// evaluation contract.
type learner struct {
	*energy.Trainer
	m *spinRBM
}

func (l learner) Evaluate(x *tensor.Dense, _ *rand.Rand) train.Scores {
	s := train.NoScores()
	s.FreeEnergy = ais.Mean(l.DataFreeEnergy(x))
	return s
}

func (l learner) Visible() int { return l.m.Visible() }

func (l learner) DataFreeEnergy(x *tensor.Dense) []float64 {
	nv := l.m.Visible()
	rows := x.Float64s()
	out := make([]float64, len(rows)/nv)
	for r := range out {
		out[r] = l.m.freeEnergy(rows[r*nv : (r+1)*nv])
	}
	return out
}

// EnumerateLogZ sums e^{−F(v)} over every visible state of a small model.
func (l learner) EnumerateLogZ(limit int) (float64, bool, error) {
	nv := l.m.Visible()
	if nv > limit {
		return 0, false, nil
	}
	terms := make([]float64, 1<<nv)
	v := make([]float64, nv)
	for s := range terms {
		for i := range v {
			v[i] = float64(s >> i & 1)
		}
		terms[s] = -l.m.freeEnergy(v)
	}
	return ais.LogMeanExp(terms) + float64(nv)*math.Ln2, true, nil
}

// AnnealLogZ anneals from independent visible units at the data's base
// rates (and fair spins) to the model: the model supplies a block of
// chains, ais.Run does the rest.
func (l learner) AnnealLogZ(trainX *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	bA, err := ais.BaseRates(trainX)
	if err != nil {
		return ais.Estimate{}, err
	}
	logZ0 := float64(l.m.Hidden()) * math.Ln2
	for _, x := range bA {
		logZ0 += math.Log1p(math.Exp(x))
	}
	est, _, err := ais.Run(cfg, logZ0, 2, func(lo, hi int) ais.Chains { return newChains(l.m, bA, cfg.Seed, lo, hi) })
	return est, err
}

// Filters and Samples are for eval's pictures; this example has none.
func (l learner) Filters(int) [][]float64 { return nil }
func (l learner) Samples(int, int, *rand.Rand, func(int)) ([][]float64, error) {
	return nil, nil
}

// chains walk log f_β(v) = (1−β)·b_Aᵀv + β·bᵀv + Σ_j log 2cosh(β·a_j).
type chains struct {
	m    *spinRBM
	bA   []float64
	v, h [][]float64
	rngs []*rand.Rand
}

func newChains(m *spinRBM, bA []float64, seed uint64, lo, hi int) *chains {
	c := &chains{m: m, bA: bA}
	for r := lo; r < hi; r++ {
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		v := make([]float64, m.Visible())
		for i := range v {
			if rng.Float64() < sigmoid(bA[i]) {
				v[i] = 1
			}
		}
		c.v, c.h, c.rngs = append(c.v, v), append(c.h, make([]float64, m.Hidden())), append(c.rngs, rng)
	}
	return c
}

func (c *chains) logF(v []float64, beta float64) float64 {
	f := 0.0
	for i, x := range v {
		f += x * ((1-beta)*c.bA[i] + beta*c.m.B.Float64s()[i])
	}
	for _, a := range c.m.inputs(v) {
		x := math.Abs(beta * a)
		f += x + math.Log1p(math.Exp(-2*x))
	}
	return f
}

func (c *chains) AddLogRatio(logw []float64, hi, lo float64) {
	for r, v := range c.v {
		logw[r] += c.logF(v, hi) - c.logF(v, lo)
	}
}

func (c *chains) Transition(beta float64) {
	nv := c.m.Visible()
	for r, v := range c.v {
		c.m.SampleHidden(c.h[r], v, beta, c.rngs[r])
		// v given h at β, with the base rates' share (1−β) in the bias.
		w, b := c.m.W.Float64s(), c.m.B.Float64s()
		for i := range nv {
			x := (1-beta)*c.bA[i] + beta*b[i]
			for j, s := range c.h[r] {
				x += beta * w[i*c.m.Hidden()+j] * s
			}
			v[i] = 0
			if c.rngs[r].Float64() < sigmoid(x) {
				v[i] = 1
			}
		}
	}
}

// barImages are n 4×4 images: the top half lit or the left half, each
// pixel flipped with probability 0.05.
func barImages(n int, rng *rand.Rand) *tensor.Dense {
	x := make([]float64, n*16)
	for r := range n {
		for p := range 16 {
			on := p < 8
			if r%2 == 1 {
				on = p%4 < 2
			}
			if (rng.Float64() < 0.05) != on {
				x[r*16+p] = 1
			}
		}
	}
	return tensor.New(tensor.WithShape(n, 16), tensor.WithBacking(x))
}

// A model of the user's own, defined in the user's package (here, this
// example): its free energy as a Gorgonia expression and its conditionals
// make it an energy.Model; energy.Trainer trains it by PCD with the
// gradient from automatic differentiation; train.Run runs the loop, with
// checkpoints and metrics; and evaluate.LogLikelihood reports log Z by AIS
// (through the model's block of ais.Chains), beside the exact value the
// model can enumerate, and the test log-likelihood.
func Example_ownModel() {
	rng := rand.New(rand.NewPCG(1, 2))
	empty := tensor.New(tensor.WithShape(0, 16), tensor.WithBacking([]float64{}))
	set := &data.Matrices{Train: data.Examples{X: barImages(400, rng)}, Valid: data.Examples{X: empty}, TestSet: data.Examples{X: barImages(200, rng)}}
	var trained learner
	build := func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
		m := newSpinRBM(visible, 4)
		for i := range m.W.Float64s() {
			m.W.Float64s()[i] = 0.01 * rng.NormFloat64()
		}
		tr, err := energy.NewTrainer(m, energy.TrainConfig{K: 1, Persistent: true, Chains: 20}, 20, nil)
		trained = learner{tr, m}
		return trained, err
	}
	cfg := train.Defaults()
	cfg.Epochs, cfg.Batch, cfg.LR = 15, 20, 0.05
	dir, _ := os.MkdirTemp("", "spin")
	defer os.RemoveAll(dir)
	res, err := train.Run(context.Background(), cfg, build, set, train.Options{Dir: dir, Kind: "spin-rbm"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := evaluate.LogLikelihood(trained, set.Train.X, set.TestSet.X, evaluate.AISOptions{Steps: 2000, Runs: 50, Seed: 1}, io.Discard)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("epochs:", res.Progress.Epoch)
	fmt.Println("AIS within 0.1 nats of the exact log Z:", math.Abs(rep.LogZ-*rep.LogZExact) < 0.1)
	fmt.Println("test log-likelihood above the uniform model's (−11.09):", rep.TestLL > -16*math.Ln2)
	// Output:
	// epochs: 15
	// AIS within 0.1 nats of the exact log Z: true
	// test log-likelihood above the uniform model's (−11.09): true
}
