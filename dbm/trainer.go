package dbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// Trainer trains a DBM in two stages, as Salakhutdinov & Hinton (2009) do.
//
// Greedy pretraining: for each hidden layer l+1 in turn, an RBM between
// layers l and l+1 trains by CD-k (PretrainK, default 1) on the data
// carried up by the layers below. The RBMs are modified so that the
// composed DBM does not count the evidence twice: the bottom one takes
// twice its bottom-up input, bias included (its visible units doubled),
// the top one twice its top-down input, and at composition each hidden
// layer below the top gets half of each neighbouring RBM's input (see
// compose). The RBM of layer l+1 shares the DBM's W[l] and hidden bias
// B[l+1]; its visible bias is B[0] for the bottom RBM and a bias of its
// own above.
//
// Joint training: the positive phase is the mean-field posterior of the
// minibatch, the negative phase K Gibbs sweeps of persistent chains
// started from data (odd layers given even, then even given odd), and the
// update follows the stochastic-approximation gradient with momentum and
// weight decay. The model-side statistics pair the odd layers' samples with
// the even layers' probabilities (Rao-Blackwellised).
//
// The stage follows the epoch ([Trainer.BeginEpoch]); the whole state is in
// Params and State, so a run resumes exactly at any step of either stage.
type Trainer struct {
	DBM   *DBM
	cfg   TrainConfig
	batch int
	stage int // the hidden layer being pretrained (0-based), or Depth() for joint training

	composed *tensor.Dense   // [1]: 1 once the stack has become the DBM
	vbias    []*tensor.Dense // vbias[l], l ≥ 1: the visible bias of the RBM above layer l
	velW     []*tensor.Dense
	velB     []*tensor.Dense
	velVB    []*tensor.Dense
	chains   []*tensor.Dense // [Chains, n_l]: the persistent chains' states
	grad     *Gradient
	gradVB   []float32

	mu         [][]float32 // [batch, n_l]: the data's means
	probs      [][]float32 // [Chains, n_l]: the chains' last probabilities
	up         [][]float32 // pretraining: the data carried up, layer by layer
	h0, x1, h1 []float32
	biasH      []float32 // pretraining: a layer's bias times its RBM's scale
	biasV      []float32

	// The chains' sweeps sum rows of the couplings where a unit is on:
	// active[l] [Chains, n_l] lists each chain's active units of layer l
	// (count[l][c] of them), wT[l] is W[l]ᵀ for the sums from above.
	active [][]int32
	count  [][]int
	wT     [][]float32
	tmp    []float32
	model  [][]float32 // modelStates' list

	// The arguments of sweepPass (sweepRows, bound once), set before each:
	// denseBelow and denseAbove say that the layer's input from below or
	// above is already in probs (or tmp), made by a product.
	sweepLayer             int
	sweepKey, sweepRound   uint64
	denseBelow, denseAbove bool
	sweepRows              func(lo, hi int)
	// denseFrom is the fraction of a neighbouring layer's units on from
	// which a sweep takes its input by a product (denseSweepFraction).
	denseFrom float64
	// The lists of sweepPass's row sums (listBelow, listAbove), bound once.
	activeBelow, activeAbove func(r int) []int32
}

// NewTrainer returns a trainer for d; batch is the minibatch size.
func NewTrainer(d *DBM, cfg TrainConfig, batch int) (*Trainer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if batch < 1 {
		return nil, fmt.Errorf("dbm: batch %d: want at least 1", batch)
	}
	layers := d.Layers()
	L := d.Depth()
	t := &Trainer{DBM: d, cfg: cfg, batch: batch, grad: NewGradient(d),
		composed: tensor.New(tensor.WithShape(1), tensor.Of(tensor.Float32))}
	f32 := func(shape ...int) *tensor.Dense {
		return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	}
	for l, n := range layers {
		t.velB = append(t.velB, f32(n))
		t.chains = append(t.chains, f32(cfg.Chains, n))
		t.mu = append(t.mu, make([]float32, batch*n))
		t.probs = append(t.probs, make([]float32, cfg.Chains*n))
		t.up = append(t.up, make([]float32, batch*n))
		t.active = append(t.active, make([]int32, cfg.Chains*n))
		t.count = append(t.count, make([]int, cfg.Chains))
		if l < L {
			t.velW = append(t.velW, f32(n, layers[l+1]))
		}
		if l >= 1 && l < L {
			t.vbias = append(t.vbias, f32(n))
			t.velVB = append(t.velVB, f32(n))
		} else {
			t.vbias = append(t.vbias, nil)
			t.velVB = append(t.velVB, nil)
		}
	}
	maxN := slices.Max(layers)
	t.h0, t.x1, t.h1 = make([]float32, batch*maxN), make([]float32, batch*maxN), make([]float32, batch*maxN)
	t.gradVB = make([]float32, maxN)
	t.biasH, t.biasV = make([]float32, maxN), make([]float32, maxN)
	for l := range L {
		t.wT = append(t.wT, make([]float32, layers[l]*layers[l+1]))
	}
	t.tmp = make([]float32, cfg.Chains*maxN)
	t.model = make([][]float32, len(layers))
	t.sweepRows = t.sweepPass
	t.activeBelow, t.activeAbove = t.listBelow, t.listAbove
	t.denseFrom = denseSweepFraction
	return t, nil
}

// Stages are the trainer's stages (train.Staged): [TrainConfig.Stages].
func (t *Trainer) Stages(epochs int) []train.Stage { return t.cfg.Stages(t.DBM.Depth(), epochs) }

// BeginEpoch sets the stage of the epoch about to run.
func (t *Trainer) BeginEpoch(epoch int) {
	L := t.DBM.Depth()
	t.stage = L
	if p := t.cfg.PretrainEpochs; p > 0 && epoch < L*p {
		t.stage = epoch / p
	}
}

// Stage returns the hidden layer being pretrained (0-based) or, in joint
// training, Depth().
func (t *Trainer) Stage() int { return t.stage }

// Step makes one update from the minibatch v [batch, n_0].
func (t *Trainer) Step(v *tensor.Dense, lr, mom float64, rng *rand.Rand) error {
	// Float32s would reinterpret the bytes of any other dtype.
	if v.Dtype() != tensor.Float32 {
		return fmt.Errorf("dbm: minibatch of %v, want float32", v.Dtype())
	}
	if s := v.Shape(); len(s) != 2 || s[0] != t.batch || s[1] != t.DBM.Visible() {
		return fmt.Errorf("dbm: minibatch of shape %v, trainer made for [%d %d]", []int(s), t.batch, t.DBM.Visible())
	}
	x := v.Float32s()
	if t.stage < t.DBM.Depth() {
		t.pretrainStep(t.stage, x, float32(lr), float32(mom), rng.Uint64())
		return nil
	}
	if t.composed.Float32s()[0] == 0 {
		t.compose(x, rng.Uint64())
	}
	t.jointStep(x, float32(lr), float32(mom), rng.Uint64())
	return nil
}

// Evaluate scores the model on data: in pretraining, the current RBM's
// reconstruction error of its input ("recon_error"); in joint training,
// the mean-field reconstruction error of the images and "free_energy",
// minus the mean of E_q[−E] + H(q), an upper bound on the mean free energy
// (log Z minus the variational bound on log p(v)).
func (t *Trainer) Evaluate(data *tensor.Dense, rng *rand.Rand) train.Scores {
	d := t.DBM
	nv, total := d.Visible(), data.Shape()[0]
	n := float64(max(total, 1))
	recon := 0.0
	if t.stage < d.Depth() {
		l := t.stage
		layers := d.Layers()
		up := make([][]float32, len(layers))
		for j, k := range layers {
			up[j] = make([]float32, chunk*k)
		}
		maxN := slices.Max(layers)
		h0p, h0, x1, h1p := make([]float32, chunk*maxN), make([]float32, chunk*maxN), make([]float32, chunk*maxN), make([]float32, chunk*maxN)
		x, key := data.Float32s(), rng.Uint64()
		for lo := 0; lo < total; lo += chunk {
			rows := min(chunk, total-lo)
			// Probabilities, whatever PretrainSample says: the error of
			// the mean reconstruction, comparable between settings.
			t.carryUp(x[lo*nv:(lo+rows)*nv], rows, l, up, false, key+uint64(lo))
			t.reconstruct(l, rows, up[l], false, key+uint64(lo), h0p, h0, x1, h1p)
			for i, a := range up[l][:rows*d.n(l)] {
				e := float64(a - x1[i])
				recon += e * e
			}
		}
		return train.Scores{ReconError: recon / n, PseudoLogLikelihood: math.NaN(), FreeEnergy: math.NaN()}
	}
	free := 0.0
	x1 := make([]float32, chunk*nv)
	d.eachMeanField(data, t.cfg.MeanField, func(_, rows int, mu [][]float32) {
		d.product(x1, 0, rows, nil, mu[1], 0, 1)
		sigmoidRows(x1[:rows*nv], d.b(0))
		for i, a := range mu[0] {
			e := float64(a - x1[i])
			recon += e * e
		}
		for _, b := range d.boundRows(mu, rows) {
			free -= b
		}
	})
	return train.Scores{ReconError: recon / n, PseudoLogLikelihood: math.NaN(), FreeEnergy: free / n}
}

// Params are the DBM's parameters: W1…WL (W[l−1] couples layers l−1 and
// l) and b0…bL.
func (t *Trainer) Params() []checkpoint.Tensor {
	var out []checkpoint.Tensor
	for l, w := range t.DBM.W {
		out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("W%d", l+1), T: w})
	}
	for l, b := range t.DBM.B {
		out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("b%d", l), T: b})
	}
	return out
}

// State is the rest of an exact resume: the pretraining RBMs' own visible
// biases, the velocities, the chains and whether the DBM was composed.
func (t *Trainer) State() []checkpoint.Tensor {
	out := []checkpoint.Tensor{{Name: "composed", T: t.composed}}
	for l := range t.vbias {
		if t.vbias[l] != nil {
			out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("pretrain.vbias%d", l), T: t.vbias[l]},
				checkpoint.Tensor{Name: fmt.Sprintf("velocity.vbias%d", l), T: t.velVB[l]})
		}
	}
	for l, v := range t.velW {
		out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("velocity.W%d", l+1), T: v})
	}
	for l, v := range t.velB {
		out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("velocity.b%d", l), T: v})
	}
	for l, c := range t.chains {
		out = append(out, checkpoint.Tensor{Name: fmt.Sprintf("chains%d", l), T: c})
	}
	return out
}
