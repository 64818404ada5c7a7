package evaluate

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/internal/progress"
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

// ExactLimit is the largest smaller layer the report enumerates on its
// own (2^18 states of 784 units take about a second).
const ExactLimit = 18

// AISOptions set up the estimate of log Z.
type AISOptions struct {
	// Steps is the number of intermediate distributions, in the shape of
	// Salakhutdinov & Murray's schedule (14,500 in the paper).
	Steps int
	// Runs is the number of independent chains (100 in the paper).
	Runs int
	// Seed fixes every chain's stream (RAISE's are Seed+1).
	Seed uint64
	// Raise is how many test rows get reverse AIS (0: none), for models
	// that supply ReverseEvaluable.
	Raise int
	// Context, when set, stops AIS and RAISE between transitions once it
	// is done (ais.Config.Context); LogLikelihood returns its error.
	Context context.Context
}

// PaperAIS is the paper's schedule: 14,500 distributions, 100 runs.
func PaperAIS(seed uint64) AISOptions { return AISOptions{Steps: ais.PaperK, Runs: 100, Seed: seed} }

// LogLikelihood estimates log Z by AIS from a base model fitted to the
// training rows, and from it the mean test and training log-likelihoods
// with the ends of log Z's ±3σ interval carried over; log Z exactly where
// the model is small enough; and RAISE on the first o.Raise test rows.
// Progress bars go to bars (io.Discard for none).
func LogLikelihood(m Density, trainX, test *tensor.Dense, o AISOptions, bars io.Writer) (*Likelihood, error) {
	betas, err := ais.ScaledSchedule(o.Steps)
	if err != nil {
		return nil, fmt.Errorf("ais steps: %w", err)
	}
	bar := progress.Bar(bars, len(betas)-1, "AIS")
	start := time.Now()
	est, err := m.AnnealLogZ(trainX, ais.Config{Betas: betas, Runs: o.Runs, Seed: o.Seed, Context: o.Context,
		Progress: func(done, _ int) { _ = bar.Set(done) }})
	progress.End(bar, err)
	if err != nil {
		return nil, err
	}
	l := &Likelihood{
		LogZ: est.LogZ, LogZHi: est.LogZHi, LogZBase: est.LogZBase,
		AISRuns: o.Runs, AISSteps: len(betas) - 1, AISESS: est.ESS,
		AISSeconds: time.Since(start).Seconds(),
	}
	if b, ok := m.(VariationalBound); ok {
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
	z, ok, err := m.EnumerateLogZ(ExactLimit)
	if err != nil {
		return nil, err
	}
	if ok {
		ll := -testF - z
		l.LogZExact, l.TestLLExact = &z, &ll
	}
	rev, ok := m.(ReverseEvaluable)
	if a, can := m.(ReverseApplier); can && !a.ReverseApplies() {
		ok = false
	}
	if n := min(o.Raise, test.Shape()[0]); ok && n > 0 {
		sub := data.RowRange(test, 0, n)
		rbar := progress.Bar(bars, n*(len(betas)-1), "RAISE")
		start := time.Now()
		per, err := rev.ReverseLogLikelihood(trainX, sub, ais.Config{Betas: betas, Runs: o.Runs, Seed: o.Seed + 1, Context: o.Context,
			Progress: func(done, _ int) { _ = rbar.Set(done * n / max(n, o.Runs)) }})
		progress.End(rbar, err)
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
