package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// autodiffImages is how many training images the autodiff rows time: 100
// minibatches of 100.
const autodiffImages = 10000

// gaussianSeconds times CD-1 on a 784×500 Gaussian RBM through the energy
// trainer (conditionals, autodiff gradient of the free energy, the
// preconditioner, momentum and the bounds on σ), float64 or float32, on
// the grey images: seconds per 10,000 images, after one warm-up update.
func gaussianSeconds(grey *tensor.Dense, float32 bool) (float64, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	g, err := grbm.New(nv, nh)
	if err != nil {
		return 0, err
	}
	tr, err := grbm.NewTrainer(g, grbm.TrainConfig{TrainConfig: energy.TrainConfig{K: 1, WeightDecay: 1e-4}, LogVarRate: 0.1, Float32: float32}, batch, grey, rng)
	if err != nil {
		return 0, err
	}
	b, err := data.NewBatches(grey, batch)
	if err != nil {
		return 0, err
	}
	return timeSteps(b, func(v *tensor.Dense) error { return tr.Step(v, 1e-3, 0.5, rng) })
}

// timeSteps shuffles b (seed 1), makes one warm-up update with step, then
// times step on 10,000 images' minibatches: seconds per 10,000 images.
func timeSteps(b *data.Batches, step func(v *tensor.Dense) error) (float64, error) {
	b.Shuffle(1, 0)
	n := min(autodiffImages/batch, b.Len()-1)
	if err := step(b.Batch(n)); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		if err := step(b.Batch(i)); err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds() * autodiffImages / float64(n*batch), nil
}

// finetuneInput is the fine-tuning rows' input: 10,000 rows of MNIST's
// pixels and 1,000 uniform stand-ins for the top layer's posteriors.
func finetuneInput(images *tensor.Dense) *tensor.Dense {
	const extra = 1000
	rows := autodiffImages
	x := tensor.New(tensor.WithShape(rows, nv+extra), tensor.Of(tensor.Float32))
	rng := rand.New(rand.NewPCG(3, 4))
	px := images.Float32s()
	for r := range rows {
		row := x.Float32s()[r*(nv+extra) : (r+1)*(nv+extra)]
		copy(row, px[r*nv:(r+1)*nv])
		for i := nv; i < len(row); i++ {
			row[i] = rng.Float32()
		}
	}
	return x
}

// finetuneSeconds times one epoch of the DBM classifier's fine-tuning
// (package classify: a 1784-500-1000-10 logistic network, the input the
// image and the 1,000 mean-field posteriors of the top layer, softmax
// cross-entropy, momentum 0.9, float32) on x (finetuneInput).
func finetuneSeconds(x *tensor.Dense, labels []int) (float64, error) {
	m, err := classify.NewMLP([]int{x.Shape()[1], 500, 1000, 10}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := classify.Train(m, x, labels[:x.Shape()[0]], classify.TrainConfig{Epochs: 1, Batch: batch, LR: 0.05, Momentum: 0.9, Seed: 1}, nil); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// autodiffRows are the autodiff rows and the binary RBM's with the BLAS
// in use, best of three each. Each round times every row once, so that a
// row's three runs are spread over the minute the rows take, not made
// back to back within one of the machine's slow spells.
func autodiffRows(grey64, images32, binary32 *tensor.Dense, labels []int, lib string) ([]row, error) {
	const rounds = 3
	var g64, g32, f, j, ba, bh = math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)
	x := finetuneInput(images32)
	for range rounds {
		fastblas.Threads(runtime.GOMAXPROCS(0))
		s, err := gaussianSeconds(grey64, false)
		if err != nil {
			return nil, fmt.Errorf("Gaussian RBM: %w", err)
		}
		g64 = min(g64, s)
		if s, err = gaussianSeconds(grey64, true); err != nil {
			return nil, fmt.Errorf("Gaussian RBM: %w", err)
		}
		g32 = min(g32, s)
		if s, err = finetuneSeconds(x, labels); err != nil {
			return nil, fmt.Errorf("fine-tuning: %w", err)
		}
		f = min(f, s)
		// The DBM's step splits its own passes over the cores and wants
		// the BLAS on one thread (cmd/train's choice).
		fastblas.SingleThreaded()
		if s, err = dbmJointSeconds(binary32); err != nil {
			return nil, fmt.Errorf("DBM: %w", err)
		}
		j = min(j, s)
		a, h, err := binaryAutodiffSeconds(binary32)
		if err != nil {
			return nil, fmt.Errorf("binary RBM: %w", err)
		}
		ba, bh = min(ba, a), min(bh, h)
	}
	fastblas.Threads(runtime.GOMAXPROCS(0))
	return []row{
		{fmt.Sprintf("boltzmann binary RBM CD-1 float32 through the energy trainer (autodiff), %s", lib), ba},
		{fmt.Sprintf("boltzmann binary RBM CD-1 float32, hand-written (package rbm), %s", lib), bh},
		{fmt.Sprintf("boltzmann Gaussian RBM CD-1 float64 (energy trainer, autodiff), %s", lib), g64},
		{fmt.Sprintf("boltzmann Gaussian RBM CD-1 float32 (energy trainer, autodiff), %s", lib), g32},
		{fmt.Sprintf("boltzmann fine-tuning 1784-500-1000-10 float32, %s", lib), f},
		{fmt.Sprintf("boltzmann DBM 784-500-1000 joint training float32, %s", lib), j},
	}, nil
}

// autodiffBench prints the autodiff rows with each BLAS beside PyTorch's
// autograd, measured in the same run, and their ratios.
func autodiffBench(dir, python string) error {
	grey, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.NoBinarization, Seed: 1, Dtype: tensor.Float64, Validation: 1})
	if err != nil {
		return err
	}
	pix, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.NoBinarization, Seed: 1, Dtype: tensor.Float32, Validation: 1})
	if err != nil {
		return err
	}
	bin, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.Stochastic, Seed: 1, Dtype: tensor.Float32, Validation: 1})
	if err != nil {
		return err
	}
	var rows []row
	for _, lib := range []string{fastblas.OpenName, fastblas.SIMDName} {
		desc, err := fastblas.Use(lib)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skipping %s: %v\n", lib, err)
			continue
		}
		fmt.Fprintln(os.Stderr, "BLAS:", desc)
		fastblas.Threads(runtime.GOMAXPROCS(0))
		r, err := autodiffRows(grey.Train.X, pix.Train.X, bin.Train.X, pix.Train.Labels, lib)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	peers := map[string]any{}
	here := filepath.Join("experiments", "bench", "peers_autodiff.py")
	if out, err := exec.Command(python, here, dir).Output(); err != nil {
		fmt.Fprintf(os.Stderr, "peers: %v (install python3-torch)\n", err)
	} else if err := json.Unmarshal(out, &peers); err != nil {
		fmt.Fprintf(os.Stderr, "peers: %v\n", err)
	}
	ref := map[string]float64{}
	for _, k := range []struct{ key, name string }{
		{"torch_gaussian_float64", "PyTorch autograd Gaussian RBM CD-1 float64"},
		{"torch_gaussian_float32", "PyTorch autograd Gaussian RBM CD-1 float32"},
		{"torch_finetune_float32", "PyTorch fine-tuning 1784-500-1000-10 float32"},
		{"torch_dbm_float32", "PyTorch DBM 784-500-1000 joint training float32"},
		{"torch_binary_cd1_float32", "PyTorch binary RBM CD-1 float32 (torch.matmul)"},
	} {
		if v, ok := peers[k.key].(float64); ok {
			ref[k.key] = v
			rows = append(rows, row{fmt.Sprintf("%s (torch threads %v)", k.name, peers[k.key+"_best_threads"]), v})
		}
	}
	fmt.Printf("| engine | s per 10,000 images | ratio to PyTorch (same model, same dtype) |\n|---|---|---|\n")
	for _, r := range rows {
		key := "torch_finetune_float32"
		if strings.Contains(r.Engine, "DBM") {
			key = "torch_dbm_float32"
		}
		if strings.Contains(r.Engine, "binary RBM") {
			key = "torch_binary_cd1_float32"
		}
		if strings.Contains(r.Engine, "Gaussian") {
			key = "torch_gaussian_float64"
			if strings.Contains(r.Engine, "float32") {
				key = "torch_gaussian_float32"
			}
		}
		ratio := "—"
		if v := ref[key]; v > 0 {
			ratio = fmt.Sprintf("%.2f", r.Seconds/v)
		}
		fmt.Printf("| %s | %.2f | %s |\n", r.Engine, r.Seconds, ratio)
	}
	fmt.Printf("\n%d cores; torch %v\n", runtime.GOMAXPROCS(0), peers["torch_version"])
	return nil
}

// dbmJointSeconds times joint training of the paper's 784-500-1000 DBM
// (package dbm: 10 mean-field rounds for the data, 100 persistent chains,
// 5 Gibbs sweeps, momentum 0.5, weight decay 2e-4, float32) on binary
// images from a random start: seconds per 10,000 images, after one warm-up
// update.
func dbmJointSeconds(binary *tensor.Dense) (float64, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	d, err := dbm.New([]int{nv, 500, 1000})
	if err != nil {
		return 0, err
	}
	if err := d.InitRandom(binary, rng); err != nil {
		return 0, err
	}
	tr, err := dbm.NewTrainer(d, dbm.TrainConfig{K: 5, Chains: 100, MeanField: dbm.MeanFieldConfig{Iters: 10}, WeightDecay: 2e-4}, batch)
	if err != nil {
		return 0, err
	}
	b, err := data.NewBatches(binary, batch)
	if err != nil {
		return 0, err
	}
	tr.BeginEpoch(0) // no pretraining stages: joint training
	return timeSteps(b, func(v *tensor.Dense) error { return tr.Step(v, 0.001, 0.5, rng) })
}

// binaryModel is the binary RBM written as a user would write it for the
// energy trainer (energy.ModelOf[float32]): its free energy as an
// expression, its conditionals by products, logistic and Bernoulli draws.
// The bench trains it beside the hand-written float32 trainer (package rbm)
// on the same images, to price the autodiff path against the hand-written
// one on one model.
type binaryModel struct {
	W, B, C *tensor.Dense
	pre     []float32
}

func (m *binaryModel) Visible() int { return m.W.Shape()[0] }
func (m *binaryModel) Hidden() int  { return m.W.Shape()[1] }

func (m *binaryModel) Parameters() []energy.Parameter {
	return []energy.Parameter{{Name: "W", T: m.W, Decay: true}, {Name: "b", T: m.B}, {Name: "c", T: m.C}}
}

// FreeEnergyExpr is the binary RBM's F(v), rbm.FreeEnergyExpr.
func (m *binaryModel) FreeEnergyExpr(v *G.Node, p []*G.Node) (*G.Node, error) {
	return rbm.FreeEnergyExpr(v, p[0], p[1], p[2])
}

// sample sets dst to Bernoulli draws of σ(β(x·W' + bias)), W' = W or Wᵀ.
func (m *binaryModel) sample(dst, x []float32, transW bool, bias []float32, beta float64, rng *rand.Rand) {
	n, k := len(bias), m.Visible()+m.Hidden()-len(bias)
	rows := len(x) / k
	pre := numeric.Scratch(&m.pre, rows*n)
	numeric.Gemm(false, transW, rows, n, k, 1, x[:rows*k], m.W.Float32s(), 0, pre)
	for r := range rows {
		for j, a := range pre[r*n : (r+1)*n] {
			dst[r*n+j] = 0
			if rng.Float32() < numeric.Sigmoid32(float32(beta)*(a+bias[j])) {
				dst[r*n+j] = 1
			}
		}
	}
}

func (m *binaryModel) SampleHidden(h, v []float32, beta float64, rng *rand.Rand) {
	m.sample(h, v, false, m.C.Float32s(), beta, rng)
}

func (m *binaryModel) SampleVisible(v, h []float32, beta float64, rng *rand.Rand) {
	m.sample(v, h, true, m.B.Float32s(), beta, rng)
}

// Energy is −vᵀb − hᵀc − vᵀWh (for parallel tempering, which the bench does
// not use).
func (m *binaryModel) Energy(out []float64, v, h []float32) {
	nv, nh := m.Visible(), m.Hidden()
	w, b, c := m.W.Float32s(), m.B.Float32s(), m.C.Float32s()
	for r := range out {
		e := 0.0
		for i, x := range v[r*nv : (r+1)*nv] {
			if x == 0 {
				continue
			}
			e -= float64(b[i])
			for j, y := range h[r*nh : (r+1)*nh] {
				e -= float64(w[i*nh+j] * y)
			}
		}
		for j, y := range h[r*nh : (r+1)*nh] {
			e -= float64(c[j] * y)
		}
		out[r] = e
	}
}

func (m *binaryModel) Clone() energy.ModelOf[float32] {
	return &binaryModel{W: m.W.Clone().(*tensor.Dense), B: m.B.Clone().(*tensor.Dense), C: m.C.Clone().(*tensor.Dense)}
}

// binaryAutodiffSeconds times CD-1 on a 784×500 binary RBM (float32,
// Hinton's initialisation, weight decay 1e-4, learning rate 0.01, momentum
// 0.5) through the energy trainer with binaryModel, and the same through
// package rbm's hand-written trainer: seconds per 10,000 images each.
func binaryAutodiffSeconds(binary *tensor.Dense) (auto, hand float64, err error) {
	b, err := data.NewBatches(binary, batch)
	if err != nil {
		return 0, 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r, err := rbm.New(nv, nh, tensor.Float32)
	if err != nil {
		return 0, 0, err
	}
	if err := r.InitHinton(binary, rng); err != nil {
		return 0, 0, err
	}
	m := &binaryModel{W: r.W.Clone().(*tensor.Dense), B: r.B.Clone().(*tensor.Dense), C: r.C.Clone().(*tensor.Dense)}
	et, err := energy.NewTrainerOf[float32](m, energy.TrainConfig{K: 1, WeightDecay: 1e-4}, batch, nil)
	if err != nil {
		return 0, 0, err
	}
	ht, err := rbm.NewTrainer(r, energy.TrainConfig{K: 1, WeightDecay: 1e-4}, batch, rng)
	if err != nil {
		return 0, 0, err
	}
	fastblas.Threads(runtime.GOMAXPROCS(0))
	if auto, err = timeSteps(b, func(v *tensor.Dense) error { return et.Step(v, 0.01, 0.5, rng) }); err != nil {
		return 0, 0, err
	}
	// The hand-written float32 step on binary data calls no BLAS
	// (cmd/train's choice: one thread).
	fastblas.Threads(1)
	hand, err = timeSteps(b, func(v *tensor.Dense) error { return ht.Step(v, 0.01, 0.5, rng) })
	return auto, hand, err
}
