// Command bench times one CD-1 and PCD-1 epoch (600 minibatches of 100
// MNIST images, 784×500, float32 and float64, binary images and grey ones)
// of our trainer with each BLAS,
// side by side in one run with PyTorch on CPU and scikit-learn's
// BernoulliRBM on the same data (experiments/bench/peers.py), and prints
// seconds per epoch, GFLOP/s (the five dense products of a CD-1 update,
// 235 GFLOP an epoch, whether or not a path does them densely) and ratios
// to PyTorch's faster float32 epoch at its
// best thread setting; then the time of AIS on the paper's schedule.
//
//	apt-get install libopenblas0-pthread python3-torch python3-sklearn
//	go run ./experiments/bench
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/rbm"
	"gorgonia.org/tensor"
)

const (
	batch, nv, nh = 100, 784, 500
	batches       = 600
	gflopPerEpoch = batches * 5 * 2 * batch * nv * nh / 1e9
)

// epochSeconds runs n minibatches of one CD-1 or PCD-1 epoch and returns
// the time scaled to 600 minibatches.
func epochSeconds(images *tensor.Dense, dt tensor.Dtype, persistent bool, n int) (float64, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	r, err := rbm.New(nv, nh, dt)
	if err != nil {
		return 0, err
	}
	if err := r.InitHinton(images, rng); err != nil {
		return 0, err
	}
	tr, err := rbm.NewTrainer(r, energy.TrainConfig{K: 1, Persistent: persistent, Chains: batch, WeightDecay: 1e-4}, batch, rng)
	if err != nil {
		return 0, err
	}
	b, err := data.NewBatches(images, batch)
	if err != nil {
		return 0, err
	}
	b.Shuffle(1, 0)
	n = min(n, b.Len())
	tr.Step(b.Batch(0), 0.01, 0.5, rng) // warm up
	start := time.Now()
	for i := range n {
		tr.Step(b.Batch(i), 0.01, 0.5, rng)
	}
	return time.Since(start).Seconds() * batches / float64(n), nil
}

// aisSeconds trains a float32 RBM for one CD-1 epoch and times AIS on the
// paper's schedule with the given number of runs.
func aisSeconds(images *tensor.Dense, runs int) (float64, float64, error) {
	if _, err := fastblas.Use(fastblas.Auto); err != nil {
		return 0, 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r, err := rbm.New(nv, nh, tensor.Float32)
	if err != nil {
		return 0, 0, err
	}
	if err := r.InitHinton(images, rng); err != nil {
		return 0, 0, err
	}
	tr, err := rbm.NewTrainer(r, energy.TrainConfig{K: 1, WeightDecay: 1e-4}, batch, rng)
	if err != nil {
		return 0, 0, err
	}
	b, err := data.NewBatches(images, batch)
	if err != nil {
		return 0, 0, err
	}
	b.Shuffle(1, 0)
	for i := range b.Len() {
		tr.Step(b.Batch(i), 0.05, 0.5, rng)
	}
	bA, err := ais.BaseRates(images)
	if err != nil {
		return 0, 0, err
	}
	betas, err := ais.ScaledSchedule(ais.PaperK)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	est, _, err := r.AIS(bA, ais.Config{Betas: betas, Runs: runs, Seed: 1})
	return time.Since(start).Seconds(), est.LogZ, err
}

type row struct {
	Engine  string  `json:"engine"`
	Seconds float64 `json:"seconds_per_epoch"`
}

func main() {
	dataDir := flag.String("data", "", "MNIST directory (default: the GoMNIST module)")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's torch and sklearn")
	gonumBatches := flag.Int("gonum-batches", 150, "minibatches timed with gonum on the dense path (float64, grey images; scaled to 600)")
	aisRuns := flag.Int("ais-runs", 100, "AIS runs to time on the paper's schedule (0: skip)")
	autodiff := flag.Bool("autodiff", false, "time the autodiff path instead (the Gaussian RBM through the energy trainer, the classifier's fine-tuning) beside PyTorch's autograd (peers_autodiff.py)")
	flag.Parse()
	dir, err := mnist.ResolveDir(*dataDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *autodiff {
		if err := autodiffBench(dir, *python); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// Binary images in both precisions (the float32 step on binary data
	// is the sparse path), and grey ones in float32 (the dense path, as for
	// -binarize none).
	type dataset struct {
		dt    tensor.Dtype
		grey  bool
		label string
		data  *tensor.Dense
	}
	sets := []*dataset{{dt: tensor.Float32, label: "float32"}, {dt: tensor.Float64, label: "float64"},
		{dt: tensor.Float32, grey: true, label: "float32 grey (dense)"}}
	for _, d := range sets {
		bin := data.Stochastic
		if d.grey {
			bin = data.NoBinarization
		}
		s, err := mnist.Load(mnist.Options{Dir: dir, Binarize: bin, Seed: 1, Dtype: d.dt, Validation: 1})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		d.data = s.Train.X
	}
	var rows []row
	for _, lib := range []string{fastblas.OpenName, fastblas.SIMDName, fastblas.Gonum} {
		desc, err := fastblas.Use(lib)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skipping %s: %v\n", lib, err)
			continue
		}
		fmt.Fprintln(os.Stderr, "BLAS:", desc)
		for _, d := range sets {
			// gonum's dense products are slow: time part of those epochs.
			// The float32 path on binary data is the same code whatever
			// the BLAS: the whole epoch, as for the others.
			n := batches
			if lib == fastblas.Gonum && (d.dt == tensor.Float64 || d.grey) {
				n = *gonumBatches
			}
			// The float32 path on binary data sums rows on its own
			// goroutines and calls no BLAS in its steps: OpenBLAS's
			// threads, which spin after each call (the initialisation's,
			// say), would only take its cores. cmd/train makes the same
			// choice.
			if d.dt == tensor.Float32 && !d.grey {
				fastblas.SingleThreaded()
			} else {
				fastblas.Threads(runtime.GOMAXPROCS(0))
			}
			for _, p := range []bool{false, true} {
				if d.grey && p {
					continue // CD-1 shows the dense float32 products
				}
				// Best of three, as PyTorch at each thread setting
				// (scikit-learn: best of two, its epochs are long).
				sec := math.Inf(1)
				for range 3 {
					s, err := epochSeconds(d.data, d.dt, p, n)
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(1)
					}
					sec = min(sec, s)
				}
				kind := map[bool]string{false: "CD-1", true: "PCD-1"}[p]
				rows = append(rows, row{fmt.Sprintf("boltzmann %s %s, %s", kind, d.label, lib), sec})
			}
		}
	}
	peers := map[string]any{}
	here := filepath.Join("experiments", "bench", "peers.py")
	if out, err := exec.Command(*python, here, dir).Output(); err != nil {
		fmt.Fprintf(os.Stderr, "peers: %v (install python3-torch python3-sklearn)\n", err)
	} else if err := json.Unmarshal(out, &peers); err != nil {
		fmt.Fprintf(os.Stderr, "peers: %v\n", err)
	}
	for _, k := range []struct{ key, name string }{
		{"torch_cd1_float32", "PyTorch CD-1 float32"}, {"torch_pcd1_float32", "PyTorch PCD-1 float32"},
		{"torch_cd1_float64", "PyTorch CD-1 float64"}, {"torch_pcd1_float64", "PyTorch PCD-1 float64"},
		{"sklearn_pcd1_float64", "scikit-learn BernoulliRBM (PCD-1, float64)"},
		{"sklearn_pcd1_float32", "scikit-learn BernoulliRBM (PCD-1, float32 input)"},
	} {
		if v, ok := peers[k.key].(float64); ok {
			name := k.name
			if t, ok := peers[k.key+"_best_threads"].(float64); ok {
				name += fmt.Sprintf(" (torch threads %d)", int(t))
			}
			// The peers time the whole data set once; scale to 600 minibatches.
			imgs, _ := peers["images"].(float64)
			rows = append(rows, row{name, v * batches * batch / imgs})
		}
	}
	// The reference is PyTorch's faster float32 epoch, CD-1 or PCD-1.
	ref := math.Inf(1)
	for _, k := range []string{"torch_cd1_float32", "torch_pcd1_float32"} {
		if v, ok := peers[k].(float64); ok {
			ref = min(ref, v)
		}
	}
	if imgs, ok := peers["images"].(float64); ok && !math.IsInf(ref, 1) {
		ref *= batches * batch / imgs
	} else {
		ref = 0
	}
	fmt.Printf("| engine | s/epoch | GFLOP/s (dense-equivalent) | ratio to PyTorch's best float32 epoch |\n|---|---|---|---|\n")
	for _, r := range rows {
		ratio := "—"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2f", r.Seconds/ref)
		}
		fmt.Printf("| %s | %.2f | %.0f | %s |\n", r.Engine, r.Seconds, gflopPerEpoch/r.Seconds, ratio)
	}
	if *aisRuns > 0 {
		sec, logZ, err := aisSeconds(sets[0].data, *aisRuns)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("\nAIS, %d runs × %d distributions, 784×500 float32 RBM after one CD-1 epoch: %.1f s (log Z = %.2f)\n", *aisRuns, ais.PaperK, sec, logZ)
	}
	fmt.Printf("\n%d cores; one epoch = %d minibatches of %d, %.0f GFLOP; versions: %v %v\n", runtime.GOMAXPROCS(0), batches, batch, gflopPerEpoch, peers["torch_version"], peers["sklearn_version"])
}
