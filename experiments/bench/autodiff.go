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
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
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
	b.Shuffle(1, 0)
	n := min(autodiffImages/batch, b.Len()-1)
	if err := tr.Step(b.Batch(n), 1e-3, 0.5, rng); err != nil { // warm up
		return 0, err
	}
	start := time.Now()
	for i := range n {
		if err := tr.Step(b.Batch(i), 1e-3, 0.5, rng); err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds() * autodiffImages / float64(n*batch), nil
}

// finetuneSeconds times one epoch of the DBM classifier's fine-tuning
// (package classify: a 1784-500-1000-10 logistic network, the input the
// image and the 1,000 mean-field posteriors of the top layer, softmax
// cross-entropy, momentum 0.9, float32) on 10,000 rows: MNIST's pixels and
// 1,000 uniform stand-ins for the posteriors.
func finetuneSeconds(images *tensor.Dense, labels []int) (float64, error) {
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
	best := math.Inf(1)
	for range 3 {
		m, err := classify.NewMLP([]int{nv + extra, 500, 1000, 10}, rand.New(rand.NewPCG(5, 6)))
		if err != nil {
			return 0, err
		}
		start := time.Now()
		if err := classify.Train(m, x, labels[:rows], classify.TrainConfig{Epochs: 1, Batch: batch, LR: 0.05, Momentum: 0.9, Seed: 1}, nil); err != nil {
			return 0, err
		}
		best = min(best, time.Since(start).Seconds())
	}
	return best, nil
}

// autodiffRows are the Gaussian RBM's and the classifier's rows, best of
// three each.
func autodiffRows(grey64, images32, binary32 *tensor.Dense, labels []int, lib string) ([]row, error) {
	var g [2]float64
	for i, f32 := range []bool{false, true} {
		g[i] = math.Inf(1)
		for range 3 {
			s, err := gaussianSeconds(grey64, f32)
			if err != nil {
				return nil, fmt.Errorf("Gaussian RBM: %w", err)
			}
			g[i] = min(g[i], s)
		}
	}
	f, err := finetuneSeconds(images32, labels)
	if err != nil {
		return nil, fmt.Errorf("fine-tuning: %w", err)
	}
	// The DBM's step splits its own passes over the cores and wants the
	// BLAS on one thread (cmd/train's choice); best of three.
	fastblas.SingleThreaded()
	j := math.Inf(1)
	for range 3 {
		s, err := dbmJointSeconds(binary32)
		if err != nil {
			return nil, fmt.Errorf("DBM: %w", err)
		}
		j = min(j, s)
	}
	fastblas.Threads(runtime.GOMAXPROCS(0))
	return []row{
		{fmt.Sprintf("boltzmann Gaussian RBM CD-1 float64 (energy trainer, autodiff), %s", lib), g[0]},
		{fmt.Sprintf("boltzmann Gaussian RBM CD-1 float32 (energy trainer, autodiff), %s", lib), g[1]},
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
	b.Shuffle(1, 0)
	n := min(autodiffImages/batch, b.Len()-1)
	tr.BeginEpoch(0) // no pretraining stages: joint training
	if err := tr.Step(b.Batch(n), 0.001, 0.5, rng); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		if err := tr.Step(b.Batch(i), 0.001, 0.5, rng); err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds() * autodiffImages / float64(n*batch), nil
}
