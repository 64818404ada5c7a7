package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
	"github.com/schollz/progressbar/v3"
	"gorgonia.org/tensor"
)

// Likelihood is the part of the report that needs the partition function.
// Log-likelihoods are mean nats per image; _lo and _hi come from the ends
// of the ±3σ interval of log Z (a missing end means the interval is open
// there).
type Likelihood struct {
	LogZ       float64  `json:"log_z"`
	LogZLo     *float64 `json:"log_z_lo"`
	LogZHi     float64  `json:"log_z_hi"`
	TestLL     float64  `json:"test_ll"`
	TestLLLo   float64  `json:"test_ll_lo"`
	TestLLHi   *float64 `json:"test_ll_hi"`
	TrainLL    float64  `json:"train_ll"`
	TrainImage int      `json:"train_images"`
	LogZBase   float64  `json:"log_z_base"`
	AISRuns    int      `json:"ais_runs"`
	AISSteps   int      `json:"ais_steps"`
	AISESS     float64  `json:"ais_ess"`
	AISSeconds float64  `json:"ais_seconds"`
	// Bound says that the log-likelihoods are variational lower bounds
	// (a DBM's mean-field bound), not estimates of log p(v) itself.
	Bound bool `json:"ll_is_lower_bound,omitempty"`

	// Exact values, for models whose smaller layer can be enumerated.
	LogZExact   *float64 `json:"log_z_exact,omitempty"`
	TestLLExact *float64 `json:"test_ll_exact,omitempty"`

	// RAISE on the first RaiseImages test images, beside AIS on the same
	// images: the conservative and the optimistic side.
	RaiseImages    int      `json:"raise_images,omitempty"`
	RaiseSteps     int      `json:"raise_steps,omitempty"`
	TestLLRaise    *float64 `json:"test_ll_raise,omitempty"`
	TestLLAISFirst *float64 `json:"test_ll_ais_same_images,omitempty"`
	RaiseSeconds   float64  `json:"raise_seconds,omitempty"`
}

// exactLimit is the largest smaller layer eval enumerates on its own
// (2^18 states of 784 units take about a second).
const exactLimit = 18

func likelihood(m train.Evaluable, trainX, test *tensor.Dense, o options, progress io.Writer) (*Likelihood, error) {
	betas, err := ais.ScaledSchedule(o.aisSteps)
	if err != nil {
		return nil, fmt.Errorf("-ais-steps: %w", err)
	}
	bar := newBar(progress, len(betas)-1, "AIS")
	start := time.Now()
	est, err := m.AnnealLogZ(trainX, rbm.AISConfig{Betas: betas, Runs: o.aisRuns, Seed: o.seed,
		Progress: func(done, _ int) { _ = bar.Set(done) }})
	_ = bar.Finish()
	if err != nil {
		return nil, err
	}
	l := &Likelihood{
		LogZ: est.LogZ, LogZHi: est.LogZHi, LogZBase: est.LogZBase,
		AISRuns: o.aisRuns, AISSteps: len(betas) - 1, AISESS: est.ESS,
		AISSeconds: time.Since(start).Seconds(),
	}
	if b, ok := m.(interface{ VariationalBound() bool }); ok {
		l.Bound = b.VariationalBound()
	}
	testF := ais.Mean(m.DataFreeEnergy(test))
	l.TestLL = -testF - est.LogZ
	l.TestLLLo = -testF - est.LogZHi
	if !math.IsInf(est.LogZLo, -1) {
		lo, hi := est.LogZLo, -testF-est.LogZLo
		l.LogZLo, l.TestLLHi = &lo, &hi
	}
	l.TrainLL = -ais.Mean(m.DataFreeEnergy(trainX)) - est.LogZ
	l.TrainImage = trainX.Shape()[0]
	z, ok, err := m.EnumerateLogZ(exactLimit)
	if err != nil {
		return nil, err
	}
	if ok {
		ll := -testF - z
		l.LogZExact, l.TestLLExact = &z, &ll
	}
	rev, ok := m.(train.ReverseEvaluable)
	if n := min(o.raiseImages, test.Shape()[0]); ok && n > 0 {
		sub := mnist.RowRange(test, 0, n)
		rbar := newBar(progress, n*(len(betas)-1), "RAISE")
		start := time.Now()
		per, err := rev.ReverseLogLikelihood(trainX, sub, rbm.AISConfig{Betas: betas, Runs: o.aisRuns, Seed: o.seed + 1,
			Progress: func(done, _ int) { _ = rbar.Set(done * n / max(n, o.aisRuns)) }})
		_ = rbar.Finish()
		if err != nil {
			return nil, err
		}
		raise := ais.Mean(per)
		same := -ais.Mean(m.DataFreeEnergy(sub)) - est.LogZ
		l.RaiseImages, l.RaiseSteps, l.TestLLRaise, l.TestLLAISFirst = n, len(betas)-1, &raise, &same
		l.RaiseSeconds = time.Since(start).Seconds()
	}
	return l, nil
}

func newBar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
}
