// Command samplers trains 500-hidden-unit RBMs on MNIST with the three
// negative-phase samplers, PCD, fast PCD and parallel tempering, for the same
// wall-clock budget each, and estimates the test log-likelihood by AIS (the
// paper's 14,500 distributions, 100 runs) at four points of each run, so
// that RESULTS.md can put log-likelihood against training time.
//
// The budget is met by the number of epochs: two epochs of each sampler are
// timed first (on this machine, in this run), and the run gets as many
// epochs as fit; its learning-rate schedule then spans the whole run.
//
//	go run ./experiments/samplers -budget 5m -out runs/samplers
//	go run ./experiments/samplers -report    # RESULTS table and plot from results.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

const here = "experiments/samplers"

// variant is one sampler's settings on top of base.yaml.
type variant struct {
	Name  string
	Apply func(*kinds.Config)
}

var variants = []variant{
	{"pcd", func(c *kinds.Config) { kinds.Update(c, func(o *kinds.RBMOptions) { o.Sampler = energy.SamplerPCD }) }},
	{"fpcd", func(c *kinds.Config) {
		kinds.Update(c, func(o *kinds.RBMOptions) { o.Sampler, o.FastDecay, o.FastLR = energy.SamplerFPCD, 0.95, 0 })
	}},
	// Five temperatures from β = 1 down to 0.6, 20 chains at each: as many
	// chain rows as PCD's 100, the statistics from the 20 at β = 1.
	{"pt", func(c *kinds.Config) {
		c.Chains = 20
		kinds.Update(c, func(o *kinds.RBMOptions) {
			o.Sampler, o.Temperatures, o.BetaMin, o.TempSpacing = energy.SamplerPT, 5, 0.6, "linear"
		})
	}},
}

// Point is one AIS evaluation of a run.
type Point struct {
	Epoch        int      `json:"epoch"`
	TrainSeconds float64  `json:"train_seconds"`
	LogZ         float64  `json:"log_z"`
	LogZLo       *float64 `json:"log_z_lo"` // the −3σ end of the interval; null when it is open
	TestLL       float64  `json:"test_ll"`
	TrainLL      float64  `json:"train_ll"`
}

// Run is one sampler's run.
type Run struct {
	Sampler       string       `json:"sampler"`
	Epochs        int          `json:"epochs"`
	TrainSeconds  float64      `json:"train_seconds"`
	Points        []Point      `json:"points"`
	SwapAccept    []float64    `json:"final_swap_accept,omitempty"`
	Config        kinds.Config `json:"config"`
	BudgetSeconds float64      `json:"budget_seconds"`
}

func main() {
	budget := flag.Duration("budget", 5*time.Minute, "training time per sampler")
	out := flag.String("out", "runs/samplers", "run directories")
	only := flag.String("samplers", "pcd,fpcd,pt", "samplers to run, comma-separated")
	report := flag.Bool("report", false, "only write RESULTS tables and the plot from results.json")
	flag.Parse()
	if !*report {
		if err := runAll(*budget, *out, strings.Split(*only, ",")); err != nil {
			fmt.Fprintln(os.Stderr, "samplers:", err)
			os.Exit(1)
		}
	}
	if err := writeReport(); err != nil {
		fmt.Fprintln(os.Stderr, "samplers:", err)
		os.Exit(1)
	}
}

func runAll(budget time.Duration, out string, names []string) error {
	desc, err := fastblas.Use(fastblas.Auto)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "BLAS:", desc)
	base := kinds.Defaults()
	if err := kinds.LoadConfigFile(filepath.Join(here, "base.yaml"), &base); err != nil {
		return err
	}
	data, err := base.LoadData("")
	if err != nil {
		return err
	}
	var runs []Run
	if b, err := os.ReadFile(filepath.Join(here, "results.json")); err == nil && len(b) > 0 {
		if err := json.Unmarshal(b, &runs); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(here, "results.json"), err)
		}
	}
	for _, v := range variants {
		if !slices.Contains(names, v.Name) {
			continue
		}
		cfg := base
		v.Apply(&cfg)
		run, err := runOne(cfg, v.Name, budget, out, data)
		if err != nil {
			return fmt.Errorf("%s: %w", v.Name, err)
		}
		runs = replace(runs, *run)
		b, err := json.MarshalIndent(runs, "", "  ")
		if err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(here, "results.json"), b); err != nil {
			return err
		}
	}
	return nil
}

func runOne(cfg kinds.Config, name string, budget time.Duration, out string, data *data.Split) (*Run, error) {
	rdir := filepath.Join(out, name)
	opts := train.Options{Dir: rdir}
	if _, err := os.Stat(filepath.Join(rdir, checkpoint.Dir)); err == nil {
		// Resume (or, when it has finished, only evaluate) the planned run.
		opts.Resume = true
		saved, err := kinds.ResumeConfig(rdir, "")
		if err != nil {
			return nil, err
		}
		cfg = saved
	} else {
		// Time two epochs (the second one, after the first has warmed up).
		probe := cfg
		probe.Epochs, probe.CheckpointEvery, probe.Keep = 2, 2, 1
		pdir := filepath.Join(out, name+"-timing")
		_ = os.RemoveAll(pdir)
		if _, err := kinds.Train(context.Background(), probe, data, train.Options{Dir: pdir}); err != nil {
			return nil, err
		}
		m, err := train.ReadMetrics(pdir)
		if err != nil {
			return nil, err
		}
		perEpoch := m[1].TrainSeconds
		cfg.Epochs = max(4, int(budget.Seconds()/perEpoch))
		cfg.Epochs -= cfg.Epochs % 4
		cfg.CheckpointEvery, cfg.Keep = cfg.Epochs/4, 0
		fmt.Fprintf(os.Stderr, "%s: %.2f s an epoch: %d epochs in %v\n", name, perEpoch, cfg.Epochs, budget)
	}
	if _, err := kinds.Train(context.Background(), cfg, data, opts); err != nil {
		return nil, err
	}
	metrics, err := train.ReadMetrics(rdir)
	if err != nil {
		return nil, err
	}
	run := &Run{Sampler: name, Epochs: cfg.Epochs, Config: cfg, BudgetSeconds: budget.Seconds()}
	cum := make([]float64, len(metrics)+1)
	for i, x := range metrics {
		cum[i+1] = cum[i] + x.TrainSeconds
	}
	run.TrainSeconds = cum[len(metrics)]
	run.SwapAccept = metrics[len(metrics)-1].SwapAccept
	names, err := checkpoint.List(rdir)
	if err != nil {
		return nil, err
	}
	for _, ck := range names {
		loaded, err := kinds.Load(filepath.Join(rdir, checkpoint.Dir, ck))
		if err != nil {
			return nil, err
		}
		l, err := evaluate.LogLikelihood(loaded.Model.(evaluate.Evaluable), data.Train.X, data.Test.X, evaluate.PaperAIS(1), io.Discard)
		if err != nil {
			return nil, err
		}
		p := Point{Epoch: loaded.Progress.Epoch, TrainSeconds: cum[loaded.Progress.Epoch], LogZ: l.LogZ,
			TestLL: l.TestLL, TrainLL: l.TrainLL, LogZLo: l.LogZLo}
		fmt.Fprintf(os.Stderr, "%s epoch %d (%.0f s): log Z %.2f, test %.2f, train %.2f\n", name, p.Epoch, p.TrainSeconds, p.LogZ, p.TestLL, p.TrainLL)
		run.Points = append(run.Points, p)
	}
	sort.Slice(run.Points, func(i, j int) bool { return run.Points[i].Epoch < run.Points[j].Epoch })
	return run, nil
}

func replace(runs []Run, r Run) []Run {
	for i := range runs {
		if runs[i].Sampler == r.Sampler {
			runs[i] = r
			return runs
		}
	}
	return append(runs, r)
}

func writeReport() error {
	b, err := os.ReadFile(filepath.Join(here, "results.json"))
	if err != nil {
		return err
	}
	var runs []Run
	if err := json.Unmarshal(b, &runs); err != nil {
		return err
	}
	var panel picture.Panel
	panel.Title, panel.XLabel = "test log-likelihood (AIS) against training time", "training seconds"
	var tb strings.Builder
	tb.WriteString("| sampler | epochs | training (s) | s/epoch | log Z (−3σ) | test LL | train LL | final swap acceptance |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		s := picture.Series{Name: r.Sampler}
		for _, p := range r.Points {
			s.X = append(s.X, p.TrainSeconds)
			s.Y = append(s.Y, p.TestLL)
		}
		panel.Series = append(panel.Series, s)
		last := r.Points[len(r.Points)-1]
		swaps := "—"
		if len(r.SwapAccept) > 0 {
			var parts []string
			for _, a := range r.SwapAccept {
				parts = append(parts, fmt.Sprintf("%.2f", a))
			}
			swaps = strings.Join(parts, ", ")
		}
		lo := "open"
		if last.LogZLo != nil {
			lo = fmt.Sprintf("%.2f", *last.LogZLo)
		}
		fmt.Fprintf(&tb, "| %s | %d | %.0f | %.2f | %.2f (%s) | **%.2f** | %.2f | %s |\n", r.Sampler, r.Epochs, r.TrainSeconds, r.TrainSeconds/float64(r.Epochs), last.LogZ, lo, last.TestLL, last.TrainLL, swaps)
	}
	if err := os.WriteFile(filepath.Join(here, "table.md"), []byte(tb.String()), 0o644); err != nil {
		return err
	}
	fmt.Print(tb.String())
	return os.WriteFile(filepath.Join(here, "ll-vs-time.svg"), picture.Charts([]picture.Panel{panel}), 0o644)
}
