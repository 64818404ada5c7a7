package classify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/graph"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MLP is a feed-forward classifier: logistic hidden layers and a softmax
// output layer. W[l] is [n_l, n_{l+1}], B[l] is [n_{l+1}]; the last pair is
// the output layer. Parameters are float32.
type MLP struct {
	W, B []*tensor.Dense
}

// NewMLP returns an MLP with the given layer sizes (input first, classes
// last), its weights drawn from N(0, 0.01²) and its biases zero.
func NewMLP(sizes []int, rng *rand.Rand) (*MLP, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("classify: layer sizes %v: want at least an input and an output", sizes)
	}
	m := &MLP{}
	for l := 0; l+1 < len(sizes); l++ {
		if sizes[l] < 1 || sizes[l+1] < 1 {
			return nil, fmt.Errorf("classify: layer sizes %v: want positive sizes", sizes)
		}
		w := tensor.New(tensor.WithShape(sizes[l], sizes[l+1]), tensor.Of(tensor.Float32))
		for i := range w.Float32s() {
			w.Float32s()[i] = float32(0.01 * rng.NormFloat64())
		}
		m.W = append(m.W, w)
		m.B = append(m.B, tensor.New(tensor.WithShape(sizes[l+1]), tensor.Of(tensor.Float32)))
	}
	return m, nil
}

// Inputs is the width of the input layer, Classes that of the output.
func (m *MLP) Inputs() int  { return m.W[0].Shape()[0] }
func (m *MLP) Classes() int { return m.W[len(m.W)-1].Shape()[1] }

// Logits returns the output layer's inputs [rows, classes] for x
// [rows, inputs].
func (m *MLP) Logits(x []float32, rows int) []float32 {
	h := x
	for l, w := range m.W {
		n, k := w.Shape()[0], w.Shape()[1]
		out := make([]float32, rows*k)
		numeric.Gemm(false, false, rows, k, n, 1, h, w.Float32s(), 0, out)
		b := m.B[l].Float32s()
		if l == len(m.W)-1 {
			for i := range out {
				out[i] += b[i%k]
			}
			return out
		}
		for r := range rows {
			numeric.SigmoidBias(out[r*k:(r+1)*k], b)
		}
		h = out
	}
	return h
}

// ErrorRate is the fraction of rows of x whose most probable class is not
// their label.
func (m *MLP) ErrorRate(x *tensor.Dense, labels []int) (float64, error) {
	rows := x.Shape()[0]
	if len(labels) != rows || x.Shape()[1] != m.Inputs() {
		return 0, fmt.Errorf("classify: %d labels for inputs of shape %v (want [N, %d])", len(labels), x.Shape(), m.Inputs())
	}
	k := m.Classes()
	wrong := 0
	const chunk = 1000
	xs := x.Float32s()
	for lo := 0; lo < rows; lo += chunk {
		n := min(chunk, rows-lo)
		z := m.Logits(xs[lo*m.Inputs():(lo+n)*m.Inputs()], n)
		for r := range n {
			best := 0
			for c := 1; c < k; c++ {
				if z[r*k+c] > z[r*k+best] {
					best = c
				}
			}
			if best != labels[lo+r] {
				wrong++
			}
		}
	}
	return float64(wrong) / float64(max(rows, 1)), nil
}

// TrainConfig sets minibatch gradient descent on the cross-entropy.
type TrainConfig struct {
	Epochs, Batch int
	LR            float64 // learning rate, decayed linearly to LR/10 over the epochs
	Momentum      float64
	WeightDecay   float64 // L2 penalty on the weights
	Seed          uint64  // the order of the minibatches and the dropout masks
	// InputDropout and HiddenDropout, when positive, drop each input unit
	// and each hidden unit from a minibatch's pass with that probability
	// (Srivastava et al. 2014), the kept ones scaled by 1/(1 − p) so that
	// the trained network is used as it is.
	InputDropout, HiddenDropout float64
}

// streamDropout keys the dropout masks' draws.
const streamDropout = 0x64726f706f7574 // "dropout"

// lossGraph is the mean softmax cross-entropy of an MLP on one minibatch,
// and its gradient by Gorgonia's automatic differentiation.
//
// The graph runs as a compiled [graph.Plan] (buffers allocated once, our
// BLAS); its inputs are x, y, the masks where there is dropout, then
// each layer's W and b.
type lossGraph struct {
	plan     *graph.Plan[float32]
	inputs   [][]float32
	x, y     *G.Node
	masks    []*G.Node // under dropout: the mask of each layer's input
	keep     []float64 // the probability each layer's mask keeps a unit
	w, b     []*G.Node
	batch, k int
}

func newLossGraph(m *MLP, batch int, inputDrop, hiddenDrop float64) (*lossGraph, error) {
	g := G.NewGraph()
	dt := tensor.Float32
	lg := &lossGraph{batch: batch, k: m.Classes()}
	lg.x = G.NewMatrix(g, dt, G.WithShape(batch, m.Inputs()), G.WithName("x"))
	lg.y = G.NewMatrix(g, dt, G.WithShape(batch, m.Classes()), G.WithName("onehot"))
	h := lg.x
	var err error
	for l, w := range m.W {
		drop := hiddenDrop
		if l == 0 {
			drop = inputDrop
		}
		if drop > 0 {
			mask := G.NewMatrix(g, dt, G.WithShape(batch, w.Shape()[0]), G.WithName(fmt.Sprintf("mask%d", l)))
			lg.masks, lg.keep = append(lg.masks, mask), append(lg.keep, 1-drop)
			if h, err = G.HadamardProd(h, mask); err != nil {
				return nil, err
			}
		} else {
			lg.masks, lg.keep = append(lg.masks, nil), append(lg.keep, 1)
		}
		wn := G.NewMatrix(g, dt, G.WithShape(w.Shape()...), G.WithName(fmt.Sprintf("W%d", l)))
		bn := G.NewVector(g, dt, G.WithShape(m.B[l].Shape()...), G.WithName(fmt.Sprintf("b%d", l)))
		lg.w, lg.b = append(lg.w, wn), append(lg.b, bn)
		if h, err = G.Mul(h, wn); err != nil {
			return nil, err
		}
		if h, err = G.BroadcastAdd(h, bn, nil, []byte{0}); err != nil {
			return nil, err
		}
		if l < len(m.W)-1 {
			if h, err = G.Sigmoid(h); err != nil {
				return nil, err
			}
		}
	}
	logp, err := G.LogSoftMax(h)
	if err != nil {
		return nil, err
	}
	picked, err := G.HadamardProd(logp, lg.y)
	if err != nil {
		return nil, err
	}
	total, err := G.Sum(picked)
	if err != nil {
		return nil, err
	}
	// The graph's output is minus the loss, the mean log-likelihood, so
	// that its gradients are the ascent directions the updates take.
	loss, err := G.Mul(total, G.NewConstant(float32(1)/float32(batch)))
	if err != nil {
		return nil, err
	}
	grads, err := G.Grad(loss, append(append([]*G.Node(nil), lg.w...), lg.b...)...)
	if err != nil {
		return nil, fmt.Errorf("classify: differentiating the loss: %w", err)
	}
	inputs := []*G.Node{lg.x, lg.y}
	for _, m := range lg.masks {
		if m != nil {
			inputs = append(inputs, m)
		}
	}
	for l := range lg.w {
		inputs = append(inputs, lg.w[l], lg.b[l])
	}
	if lg.plan, err = graph.Compile[float32](g, inputs, append([]*G.Node{loss}, grads...)); err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	lg.inputs = make([][]float32, len(inputs))
	return lg, nil
}

// gradW and gradB are the ascent directions (minus the loss's gradients)
// of layer l's weights and biases after the last run, valid until the next.
func (lg *lossGraph) gradW(l int) []float32 { return lg.plan.Output(1 + l) }
func (lg *lossGraph) gradB(l int) []float32 { return lg.plan.Output(1 + len(lg.w) + l) }

// run computes the loss and the gradients for x and the one-hot y, with
// masks[l] the dropout mask of layer l's input where the graph has one.
func (lg *lossGraph) run(m *MLP, x, y *tensor.Dense, masks []*tensor.Dense) (float64, error) {
	in := append(lg.inputs[:0], x.Float32s(), y.Float32s())
	for l := range m.W {
		if lg.masks[l] != nil {
			in = append(in, masks[l].Float32s())
		}
	}
	for l := range m.W {
		in = append(in, m.W[l].Float32s(), m.B[l].Float32s())
	}
	err := lg.plan.Run(in...)
	clear(in)
	if err != nil {
		return 0, fmt.Errorf("classify: %w", err)
	}
	return -float64(lg.plan.Output(0)[0]), nil
}

// Train fits m to x [N, inputs] and labels by minibatch gradient descent
// with momentum on the mean cross-entropy, its gradient from Gorgonia.
// progress, when set, hears each epoch's mean loss. The last partial
// minibatch of an epoch is left out.
func Train(m *MLP, x *tensor.Dense, labels []int, cfg TrainConfig, progress func(epoch int, loss float64)) error {
	return TrainContext(context.Background(), m, x, labels, cfg, progress)
}

// TrainContext is [Train] that stops once ctx is done: it checks ctx
// before each minibatch and returns its error, m left part-trained. It
// draws no random number, so training it does not stop is Train's.
func TrainContext(ctx context.Context, m *MLP, x *tensor.Dense, labels []int, cfg TrainConfig, progress func(epoch int, loss float64)) error {
	rows := x.Shape()[0]
	if len(labels) != rows || x.Shape()[1] != m.Inputs() {
		return fmt.Errorf("classify: %d labels for inputs of shape %v (want [N, %d])", len(labels), x.Shape(), m.Inputs())
	}
	if cfg.Epochs < 1 || cfg.Batch < 1 || cfg.Batch > rows || !(cfg.LR > 0) || cfg.Momentum < 0 || cfg.Momentum >= 1 || cfg.WeightDecay < 0 ||
		cfg.InputDropout < 0 || cfg.InputDropout >= 1 || cfg.HiddenDropout < 0 || cfg.HiddenDropout >= 1 {
		return fmt.Errorf("classify: training config %+v for %d examples", cfg, rows)
	}
	k := m.Classes()
	for _, y := range labels {
		if y < 0 || y >= k {
			return fmt.Errorf("classify: label %d outside 0…%d", y, k-1)
		}
	}
	lg, err := newLossGraph(m, cfg.Batch, cfg.InputDropout, cfg.HiddenDropout)
	if err != nil {
		return err
	}
	// Each layer's mask, and the probability of keeping each of its units
	// (a constant, filled once), where the layer has dropout.
	masks := make([]*tensor.Dense, len(m.W))
	keepProbs := make([][]float32, len(m.W))
	for l, node := range lg.masks {
		if node != nil {
			masks[l] = tensor.New(tensor.WithShape(cfg.Batch, m.W[l].Shape()[0]), tensor.Of(tensor.Float32))
			keepProbs[l] = make([]float32, cfg.Batch*m.W[l].Shape()[0])
			for i := range keepProbs[l] {
				keepProbs[l][i] = float32(lg.keep[l])
			}
		}
	}
	in := m.Inputs()
	xb := tensor.New(tensor.WithShape(cfg.Batch, in), tensor.Of(tensor.Float32))
	yb := tensor.New(tensor.WithShape(cfg.Batch, k), tensor.Of(tensor.Float32))
	mj := numeric.NewMomentumJob[float32]()
	velW, velB := make([][]float32, len(m.W)), make([][]float32, len(m.B))
	for l := range m.W {
		velW[l], velB[l] = make([]float32, len(m.W[l].Float32s())), make([]float32, len(m.B[l].Float32s()))
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x636c6173)) // "clas"
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	nb := rows / cfg.Batch
	xs := x.Float32s()
	for epoch := range cfg.Epochs {
		rng.Shuffle(rows, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		lr := cfg.LR * (1 - 0.9*float64(epoch)/float64(max(cfg.Epochs-1, 1)))
		sum := 0.0
		for b := range nb {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("classify: stopped in epoch %d: %w", epoch+1, err)
			}
			xd, yd := xb.Float32s(), yb.Float32s()
			clear(yd)
			for r := range cfg.Batch {
				i := perm[b*cfg.Batch+r]
				copy(xd[r*in:(r+1)*in], xs[i*in:(i+1)*in])
				yd[r*k+labels[i]] = 1
			}
			for l, mask := range masks {
				if mask != nil {
					// Inverted dropout: kept units scaled by 1/keep.
					s := numeric.NewStream(cfg.Seed^streamDropout, uint64(epoch*nb+b), uint64(l))
					md := mask.Float32s()
					numeric.BernoulliRow(md, keepProbs[l], &s)
					scale := float32(1 / lg.keep[l])
					for i := range md {
						md[i] *= scale
					}
				}
			}
			loss, err := lg.run(m, xb, yb, masks)
			if err != nil {
				return err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return errors.New("classify: the loss diverged; try a smaller learning rate")
			}
			sum += loss
			for l := range m.W {
				mj.Update(m.W[l].Float32s(), velW[l], lg.gradW(l), float32(lr), float32(cfg.Momentum), float32(cfg.WeightDecay), fastblas.RunShared)
				numeric.Momentum(m.B[l].Float32s(), velB[l], lg.gradB(l), float32(lr), float32(cfg.Momentum), 0)
			}
		}
		if progress != nil {
			progress(epoch+1, sum/float64(nb))
		}
	}
	return nil
}
