package dbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// TrainConfig is the DBM trainer's part of a run's configuration.
type TrainConfig struct {
	// PretrainEpochs is the number of epochs each layer's RBM of the greedy
	// stack trains for (0: no pretraining); joint training follows.
	PretrainEpochs int
	// PretrainK is the number of Gibbs steps of the pretraining RBMs' CD
	// (0 or 1: CD-1).
	PretrainK int
	// PretrainLR is the pretraining RBMs' learning rate, constant, or
	// decayed linearly over each layer's epochs to PretrainLRFinal when
	// that is positive (0 when the run's schedule is to serve).
	PretrainLR, PretrainLRFinal float64
	// PretrainSample makes pretraining binary throughout, as the reference
	// code is: the RBMs' reconstructions are sampled states, not
	// probabilities, and each layer's data is a sample of the states below
	// carried up, not their probabilities.
	PretrainSample bool
	// K is the number of Gibbs sweeps of the persistent chains per update.
	K int
	// Chains is the number of persistent chains (fantasy particles).
	Chains int
	// MeanField sets the positive phase's fixed-point iteration.
	MeanField MeanFieldConfig
	// WeightDecay is the L2 penalty on the couplings in joint training,
	// PretrainWeightDecay in pretraining (the reference code: 2e-4 and 1e-3).
	WeightDecay, PretrainWeightDecay float64
	// SparsityTarget, when positive, pulls each hidden unit's mean activity
	// on the data towards it through its bias, with weight SparsityCost.
	SparsityTarget, SparsityCost float64
}

func (c TrainConfig) check() error {
	if c.PretrainEpochs < 0 || c.PretrainK < 0 || c.K < 1 || c.Chains < 1 || c.MeanField.Iters < 1 || c.MeanField.Tol < 0 ||
		c.WeightDecay < 0 || c.PretrainWeightDecay < 0 || c.SparsityTarget < 0 || c.SparsityTarget >= 1 || c.SparsityCost < 0 {
		return fmt.Errorf("dbm: training config %+v out of range", c)
	}
	return nil
}

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

// Stages are the stages of a DBM of depth hidden layers trained as c
// says: greedy pretraining, PretrainEpochs for each hidden layer at
// PretrainLR (decayed linearly to PretrainLRFinal when that is set), then
// joint training for epochs at the run's schedule.
func (c TrainConfig) Stages(depth, epochs int) []train.Stage {
	var out []train.Stage
	if p := c.PretrainEpochs; p > 0 {
		s := &train.Schedule{Kind: train.ScheduleConstant, LR: c.PretrainLR}
		if c.PretrainLRFinal > 0 {
			s = &train.Schedule{Kind: train.ScheduleLinear, LR: c.PretrainLR, Final: c.PretrainLRFinal}
		}
		for l := range depth {
			out = append(out, train.Stage{Name: fmt.Sprintf("pretraining layer %d/%d", l+1, depth), Epochs: p, Schedule: s})
		}
	}
	return append(out, train.Stage{Name: "joint training", Epochs: epochs})
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

// carryUp fills t.up[0…l] with the data carried up to layer l by the
// pretrained layers below, each by its RBM's p(h|x) (the bottom RBM's
// input doubled, as in the paper's code), for the first rows rows of x;
// when sample is set, by states drawn from it with the streams of key.
func (t *Trainer) carryUp(x []float32, rows, l int, up [][]float32, sample bool, key uint64) {
	d := t.DBM
	up[0] = x[:rows*d.n(0)]
	for j := 0; j < l; j++ {
		s, _ := t.rbmScales(j)
		n := d.n(j + 1)
		d.product(up[j+1], j+1, rows, up[j], nil, s, 0)
		sigmoidRows(up[j+1][:rows*n], scaled(t.biasH, d.b(j+1), s))
		if sample {
			drawRows(up[j+1][:rows*n], n, key, carryStreams+uint64(j), 0)
		}
	}
}

// The stream families of pretraining's draws beyond the hidden states'
// (which use family 0): a family's row r draws from stream
// (key, family<<32 + r, step); layer j's carried-up states use family
// carryStreams + j.
const (
	reconStreams = 1
	carryStreams = 2
)

// drawRows replaces the probabilities p [rows, n] by Bernoulli draws, row r
// from stream (key, family<<32 + r, step).
func drawRows(p []float32, n int, key, family, step uint64) {
	for r := range len(p) / n {
		s := numeric.NewStream(key, family<<32+uint64(r), step)
		numeric.BernoulliRow(p[r*n:(r+1)*n], p[r*n:(r+1)*n], &s)
	}
}

// scaled returns s·b in dst's first len(b) elements.
func scaled(dst, b []float32, s float32) []float32 {
	dst = dst[:len(b)]
	for i, x := range b {
		dst[i] = s * x
	}
	return dst
}

// rbmScales are the multipliers of the pretraining RBM between layers l
// and l+1 on its bottom-up and top-down inputs, biases included (the
// paper's code: the bottom RBM's hidden units see 2(Wᵀv + c), the top
// RBM's visible units 2(Wh + b)).
func (t *Trainer) rbmScales(l int) (upScale, downScale float32) {
	upScale, downScale = 1, 1
	if l == 0 {
		upScale = 2
	}
	if l == t.DBM.Depth()-1 {
		downScale = 2
	}
	return upScale, downScale
}

func (t *Trainer) visibleBias(l int) []float32 {
	if l == 0 {
		return t.DBM.b(0)
	}
	return t.vbias[l].Float32s()
}

// reconstruct runs the pretraining RBM of layer l+1 on its data x
// [rows, n_l]: h0p = p(h|x), h0 ~ h0p, x1 = p(x|h0) (when sample is set,
// a draw from it), h1p = p(h|x1); under CD-k, k − 1 more such steps.
func (t *Trainer) reconstruct(l, rows int, x []float32, sample bool, key uint64, h0p, h0, x1, h1p []float32) {
	d := t.DBM
	nv, nh := d.n(l), d.n(l+1)
	up, down := t.rbmScales(l)
	hb, vb := d.b(l+1), t.visibleBias(l)
	hb, vb = scaled(t.biasH, hb, up), scaled(t.biasV, vb, down)
	d.mulRows(false, rows, nh, nv, up, x, d.w(l), 0, h0p[:rows*nh])
	sigmoidRows(h0p[:rows*nh], hb)
	// CD-k: each step draws h from the last p(h|·) (the data's first), then
	// reconstructs.
	from := h0p
	for step := range max(t.cfg.PretrainK, 1) {
		for r := range rows {
			s := numeric.NewStream(key, uint64(r), uint64(step))
			numeric.BernoulliRow(h0[r*nh:(r+1)*nh], from[r*nh:(r+1)*nh], &s)
		}
		from = h1p
		d.mulRows(true, rows, nv, nh, down, h0, d.w(l), 0, x1[:rows*nv])
		sigmoidRows(x1[:rows*nv], vb)
		if sample {
			drawRows(x1[:rows*nv], nv, key, reconStreams, uint64(step))
		}
		d.mulRows(false, rows, nh, nv, up, x1, d.w(l), 0, h1p[:rows*nh])
		sigmoidRows(h1p[:rows*nh], hb)
	}
}

func (t *Trainer) pretrainStep(l int, v []float32, lr, mom float32, key uint64) {
	d := t.DBM
	rows := len(v) / d.Visible()
	t.carryUp(v, rows, l, t.up, t.cfg.PretrainSample, key)
	x := t.up[l]
	nv, nh := d.n(l), d.n(l+1)
	h0p := t.mu[l+1] // free in pretraining
	t.reconstruct(l, rows, x, t.cfg.PretrainSample, key, h0p, t.h0, t.x1, t.h1)
	x1, h1p := t.x1[:rows*nv], t.h1[:rows*nh]
	inv := 1 / float32(rows)
	gW := t.grad.W[l].Float32s()
	d.mulTransA(nv, nh, rows, inv, x, h0p[:rows*nh], 0, gW)
	d.mulTransA(nv, nh, rows, -inv, x1, h1p, 1, gW)
	gh, gv := t.grad.B[l+1].Float32s(), t.gradVB[:nv]
	clear(gh)
	clear(gv)
	for r := range rows {
		for j := range nh {
			gh[j] += (h0p[r*nh+j] - h1p[r*nh+j]) * inv
		}
		for i := range nv {
			gv[i] += (x[r*nv+i] - x1[r*nv+i]) * inv
		}
	}
	t.sparsity(gh, h0p[:rows*nh], rows)
	numeric.Momentum(d.w(l), t.velW[l].Float32s(), gW, lr, mom, float32(t.cfg.PretrainWeightDecay))
	numeric.Momentum(d.b(l+1), t.velB[l+1].Float32s(), gh, lr, mom, 0)
	if l == 0 {
		numeric.Momentum(d.b(0), t.velB[0].Float32s(), gv, lr, mom, 0)
	} else {
		numeric.Momentum(t.vbias[l].Float32s(), t.velVB[l].Float32s(), gv, lr, mom, 0)
	}
}

// sparsity adds cost·(target − mean activity) to a hidden bias gradient.
func (t *Trainer) sparsity(g, act []float32, rows int) {
	if t.cfg.SparsityTarget <= 0 || t.cfg.SparsityCost == 0 {
		return
	}
	n := len(g)
	c := float32(t.cfg.SparsityCost) / float32(rows)
	for r := range rows {
		for j := range n {
			g[j] += c * (float32(t.cfg.SparsityTarget) - act[r*n+j])
		}
	}
}

// compose turns the pretrained stack into the DBM, the velocities zeroed,
// and starts the persistent chains from the minibatch's rows (in turn)
// with hidden states drawn from their mean-field posterior.
//
// Each pretraining RBM modelled a layer's whole input in the DBM from one
// side: the one below from its bottom-up input s_up·(Wᵀx + c), the one
// above from its top-down input s_down·(Wh + b). In the DBM a hidden layer
// below the top gets half of each: the couplings of the middle RBMs
// (scales 1) are halved (the bottom and top RBMs' doubled couplings are
// already the halves), and the bias of hidden layer l < L is
// (s_up·c_l + s_down·b_l)/2 — for two layers c_1 + b_1, the sum of the
// paper's code (its stored biases are the halves).
func (t *Trainer) compose(v []float32, key uint64) {
	d := t.DBM
	L := d.Depth()
	for l := 1; l < L-1; l++ {
		for i := range d.w(l) {
			d.w(l)[i] *= 0.5
		}
	}
	for l := 1; l < L; l++ {
		up, _ := t.rbmScales(l - 1)
		_, down := t.rbmScales(l)
		b, vb := d.b(l), t.vbias[l].Float32s()
		for i := range b {
			b[i] = (up*b[i] + down*vb[i]) / 2
		}
	}
	for _, vel := range append(append(append([]*tensor.Dense(nil), t.velW...), t.velB...), t.velVB...) {
		if vel != nil {
			clear(vel.Float32s())
		}
	}
	nv := d.Visible()
	rows := len(v) / nv
	d.MeanField(v, rows, t.mu, t.cfg.MeanField)
	for c := range t.cfg.Chains {
		r := c % rows
		s := numeric.NewStream(key, uint64(c), 0)
		copy(t.chains[0].Float32s()[c*nv:(c+1)*nv], v[r*nv:(r+1)*nv])
		for l := 1; l <= L; l++ {
			n := d.n(l)
			numeric.BernoulliRow(t.chains[l].Float32s()[c*n:(c+1)*n], t.mu[l][r*n:(r+1)*n], &s)
		}
	}
	t.composed.Float32s()[0] = 1
}

// sweep makes one Gibbs sweep of the chains: odd layers, then even. The
// states are binary, so a layer's input is a sum of the coupling rows of
// its neighbours' active units (W[l−1] from below, W[l]ᵀ from above):
// t.active must list them (prepareSweeps).
func (t *Trainer) sweep(key uint64, pass int) {
	L := len(t.chains)
	t.sweepKey, t.sweepRound = key, uint64(pass)
	split := t.DBM.rowSplit()
	for _, parity := range []int{1, 0} {
		for l := parity; l < L; l += 2 {
			t.sweepLayer = l
			// A chain's row sums: n_l coupling columns over about half
			// its neighbours' units.
			neighbours := 0
			if l > 0 {
				neighbours += t.DBM.n(l - 1)
			}
			if l+1 < L {
				neighbours += t.DBM.n(l + 1)
			}
			t.denseInputs(l)
			split.rangeRows(t.cfg.Chains, numeric.BlockFor(t.DBM.n(l)*neighbours/32, 4), t.sweepRows)
		}
	}
}

// denseSweepFraction is the fraction of a neighbouring layer's units on
// from which a sweep takes the layer's input from that neighbour by a
// matrix product instead of row sums. On a 2-core AMD EPYC (Zen 5) the
// sums of the active rows (BenchmarkSweepInput) cost as much as the
// product at about 0.3 of the units on, and 1.3–1.6 times as much at 0.5,
// as the hidden layers of a DBM from a random start are.
const denseSweepFraction = 0.35

// denseInputs makes layer l's inputs for a sweep by products, from each
// neighbour with at least t.denseFrom of its units on over the chains,
// and sets t.denseBelow and t.denseAbove to say which. Whether it does is
// a function of the chains' states, so a run is as reproducible as
// before; the product's sums are in another order than the row sums', so
// its last bits differ.
func (t *Trainer) denseInputs(l int) {
	d, chains := t.DBM, t.cfg.Chains
	L, n := len(t.chains), d.n(l)
	on := func(k int) bool {
		total := 0
		for _, c := range t.count[k][:chains] {
			total += c
		}
		return float64(total) >= t.denseFrom*float64(chains*d.n(k))
	}
	t.denseBelow = l > 0 && on(l-1)
	t.denseAbove = l+1 < L && on(l+1)
	if t.denseBelow {
		d.mulRows(false, chains, n, d.n(l-1), 1, t.chains[l-1].Float32s(), d.w(l-1), 0, t.probs[l])
	}
	if t.denseAbove {
		dst := t.probs[l]
		if l > 0 {
			dst = t.tmp
		}
		d.mulRows(false, chains, n, d.n(l+1), 1, t.chains[l+1].Float32s(), t.wT[l], 0, dst)
	}
}

// sweepPass samples layer t.sweepLayer of chains lo…hi−1. The row sums
// pass over the couplings a block of columns at a time, every chain's rows
// in turn (numeric.GatherSumRows), so that the block stays in the cache;
// each column's sum is made in the same order as one chain at a time would.
func (t *Trainer) sweepPass(lo, hi int) {
	d := t.DBM
	L, l := len(t.chains), t.sweepLayer
	n := d.n(l)
	x, p, b := t.chains[l].Float32s(), t.probs[l], d.b(l)
	if l > 0 && !t.denseBelow {
		numeric.GatherSumRows(p, d.w(l-1), n, lo, hi, sweepBlock, t.activeBelow)
	}
	if l+1 < L {
		dst := p
		if l > 0 {
			dst = t.tmp
		}
		if !t.denseAbove {
			numeric.GatherSumRows(dst, t.wT[l], n, lo, hi, sweepBlock, t.activeAbove)
		}
		if l > 0 {
			for i := lo * n; i < hi*n; i++ {
				p[i] += t.tmp[i]
			}
		}
	}
	for r := lo; r < hi; r++ {
		dst := p[r*n : (r+1)*n]
		numeric.SigmoidBias(dst, b)
		s := numeric.NewStream(t.sweepKey, t.sweepRound, uint64(r*L+l))
		t.count[l][r] = numeric.BernoulliRowActive(x[r*n:(r+1)*n], dst, &s, t.active[l][r*n:(r+1)*n])
	}
}

// sweepBlock is the width of the column blocks of a sweep's row sums: 128
// columns of the 784×500 or 500×1000 couplings (up to 500 kB) stay in a
// core's L2 cache while the chains pass over them.
const sweepBlock = 128

// activeOf lists chain r's active units of layer l.
func (t *Trainer) activeOf(l, r int) []int32 {
	n := t.DBM.n(l)
	return t.active[l][r*n:][:t.count[l][r]]
}

// listBelow and listAbove are activeBelow and activeAbove: the active
// units of chain r's layers below and above t.sweepLayer.
func (t *Trainer) listBelow(r int) []int32 { return t.activeOf(t.sweepLayer-1, r) }
func (t *Trainer) listAbove(r int) []int32 { return t.activeOf(t.sweepLayer+1, r) }

// prepareSweeps transposes the couplings and lists the chains' active
// units, for the sweeps of one update.
func (t *Trainer) prepareSweeps() {
	d := t.DBM
	for l := range d.W {
		numeric.Transpose(t.wT[l], d.w(l), d.n(l), d.n(l+1))
	}
	for l, c := range t.chains {
		n := d.n(l)
		x := c.Float32s()
		for r := range t.cfg.Chains {
			t.count[l][r], _ = numeric.ActiveIndices(t.active[l][r*n:(r+1)*n], x[r*n:(r+1)*n])
		}
	}
}

// modelStates are the chains' statistics: the odd layers' samples and the
// even layers' probabilities.
func (t *Trainer) modelStates() [][]float32 {
	for l := range t.model {
		if l%2 == 1 {
			t.model[l] = t.chains[l].Float32s()
		} else {
			t.model[l] = t.probs[l]
		}
	}
	return t.model
}

// statistics sets t.grad to ⟨x_l x_{l+1}ᵀ⟩ and ⟨x_l⟩ under the data's
// mean-field means minus the same under the model states.
func (t *Trainer) statistics(data [][]float32, rows int, model [][]float32, m int) {
	d := t.DBM
	for l := range d.W {
		n, k := d.n(l), d.n(l+1)
		g := t.grad.W[l].Float32s()
		d.mulTransA(n, k, rows, 1/float32(rows), data[l][:rows*n], data[l+1][:rows*k], 0, g)
		d.mulTransA(n, k, m, -1/float32(m), model[l][:m*n], model[l+1][:m*k], 1, g)
	}
	for l := range d.B {
		n := d.n(l)
		g := t.grad.B[l].Float32s()
		clear(g)
		for r := range rows {
			for i, x := range data[l][r*n : (r+1)*n] {
				g[i] += x / float32(rows)
			}
		}
		for r := range m {
			for i, x := range model[l][r*n : (r+1)*n] {
				g[i] -= x / float32(m)
			}
		}
	}
}

func (t *Trainer) jointStep(v []float32, lr, mom float32, key uint64) {
	d := t.DBM
	rows := len(v) / d.Visible()
	d.MeanField(v, rows, t.mu, t.cfg.MeanField)
	t.prepareSweeps()
	for pass := range t.cfg.K {
		t.sweep(key, pass)
	}
	t.statistics(t.mu, rows, t.modelStates(), t.cfg.Chains)
	for l := 1; l < len(d.B); l++ {
		t.sparsity(t.grad.B[l].Float32s(), t.mu[l][:rows*d.n(l)], rows)
	}
	for l := range d.W {
		numeric.Momentum(d.w(l), t.velW[l].Float32s(), t.grad.W[l].Float32s(), lr, mom, float32(t.cfg.WeightDecay))
	}
	for l := range d.B {
		numeric.Momentum(d.b(l), t.velB[l].Float32s(), t.grad.B[l].Float32s(), lr, mom, 0)
	}
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
