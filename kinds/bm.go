package kinds

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/bm"
	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// BMOptions are the general Boltzmann machine's own fields.
type BMOptions struct {
	// Connectivity is full, rbm, semi, vh+hh, or a .npy file of an [N, N]
	// 0/1 mask.
	Connectivity string `json:"connectivity" yaml:"connectivity" help:"which units are coupled: full, rbm (visible–hidden), semi (and visible–visible), vh+hh (and hidden–hidden), or a .npy {mask} [N, N]" group:"bm"`
	// Rule is 1985, modern or meanfield.
	BMRule string `json:"bm_rule" yaml:"bm_rule" help:"learning rule: 1985 (both phases by simulated annealing), modern (mean-field clamped phase, persistent chains) or meanfield (deterministic)" group:"bm"`
	// Anneal is the annealing schedule, "T:sweeps,T:sweeps,…" (the 1985
	// rule's phases; mean-field learning's temperatures and rounds).
	Anneal string `json:"anneal" yaml:"anneal" help:"annealing {schedule} T:sweeps,… of the 1985 rule's phases (mean-field learning: temperatures and rounds)" group:"bm"`
	// StatSweeps are the 1985 rule's sweeps at the last temperature that
	// collect its statistics; FreeRuns its annealed free runs an update
	// (0: one a pattern).
	StatSweeps int `json:"stat_sweeps" yaml:"stat_sweeps" help:"1985 rule: sweeps at the last temperature that collect the statistics" group:"bm"`
	FreeRuns   int `json:"free_runs" yaml:"free_runs" help:"1985 rule: annealed free runs an update (0: one a pattern)" group:"bm"`
	// BMMeanFieldIters are the modern rule's clamped mean-field rounds.
	BMMeanFieldIters int `json:"bm_mean_field_iters" yaml:"bm_mean_field_iters" help:"modern rule: clamped mean-field rounds" group:"bm"`
	// FixedOrder updates units in a fixed order rather than a random one.
	FixedOrder bool `json:"fixed_order" yaml:"fixed_order" help:"update units in a fixed order rather than a fresh random one each sweep" group:"bm"`
	// EveryUpdate makes the 1985 rule count the state after every
	// single-unit update of its statistics sweeps (bm.LearnConfig).
	EveryUpdate bool `json:"every_update,omitempty" yaml:"every_update,omitempty" help:"1985 rule: count the state after every single-unit update of the statistics sweeps, not once a sweep" group:"bm"`
	// InitScale is the standard deviation of the initial couplings.
	InitScale float64 `json:"init_scale" yaml:"init_scale" help:"standard deviation of the initial couplings" group:"bm"`
}

func bmDefaults() BMOptions {
	return BMOptions{Connectivity: bm.Full, BMRule: bm.RuleModern, Anneal: "2:2,1.5:2,1.2:2,1:4", StatSweeps: 10, BMMeanFieldIters: 10, InitScale: 0.01}
}

// ParseAnneal reads a schedule "T:sweeps,T:sweeps,…".
func ParseAnneal(s string) ([]bm.Step, error) {
	var out []bm.Step
	for _, part := range strings.Split(s, ",") {
		ts, ns, ok := strings.Cut(strings.TrimSpace(part), ":")
		t, err1 := strconv.ParseFloat(ts, 64)
		n, err2 := strconv.Atoi(ns)
		if !ok || err1 != nil || err2 != nil || !(t > 0) || n < 0 {
			return nil, fmt.Errorf("%q: want T:sweeps pairs, T > 0 (e.g. 2:2,1.5:2,1:4)", part)
		}
		out = append(out, bm.Step{T: t, Sweeps: n})
	}
	return out, nil
}

func (c Config) bmLearnConfig() (bm.LearnConfig, error) {
	o := Own[BMOptions](c)
	sched, err := ParseAnneal(o.Anneal)
	if err != nil {
		return bm.LearnConfig{}, err
	}
	return bm.LearnConfig{Rule: o.BMRule, Schedule: sched, StatSweeps: o.StatSweeps, FreeRuns: o.FreeRuns,
		Chains: c.Chains, K: c.K, MeanFieldIters: o.BMMeanFieldIters, Fixed: o.FixedOrder, EveryUpdate: o.EveryUpdate}, nil
}

// bmMask reads a connectivity given as a .npy file of an [N, N] mask.
func bmMask(path string, visible, hidden int) ([]float64, error) {
	a, err := npy.Read(path)
	if err != nil {
		return nil, err
	}
	n := visible + hidden
	if len(a.Shape) != 2 || a.Shape[0] != n || a.Shape[1] != n {
		return nil, fmt.Errorf("connectivity %s: shape %v: want [%d, %d] for %d visible and %d hidden units", path, a.Shape, n, n, visible, hidden)
	}
	mask := make([]float64, n*n)
	for i := range mask {
		mask[i] = a.At(i)
	}
	return mask, nil
}

func bmKind() Kind {
	return Kind{
		Options: []any{bmDefaults()},
		Group:   "bm (general Boltzmann machine)",
		Reads:   slices.Concat(loopFields, without(sharedFields, "pcd", "sparsity_target", "sparsity_cost")),
		Defaults: func(c *Config, given func(string) bool) {
			if !given("dtype") {
				c.DType = "float64"
			}
		},
		Name:    bm.Kind,
		Summary: "general Boltzmann machine: visible and hidden units coupled as -connectivity says, learned by -bm-rule (1985 with annealing, modern, meanfield)",
		Validate: func(c Config, bad func(field, format string, args ...any)) {
			o := Own[BMOptions](c)
			if c.DType != "float64" {
				bad("dtype", "%q: a bm runs in float64", c.DType)
			}
			if !strings.HasSuffix(o.Connectivity, ".npy") {
				if _, err := bm.Connectivity(o.Connectivity, 1, 1); err != nil {
					bad("connectivity", "%q: want full, rbm, semi, vh+hh or a .npy mask", o.Connectivity)
				}
			}
			lc, err := c.bmLearnConfig()
			if err != nil {
				bad("anneal", "%v", err)
				return
			}
			if err := lc.Validate(); err != nil {
				bad("bm_rule", "%v", strings.TrimPrefix(err.Error(), "bm: "))
			}
			if o.InitScale < 0 || o.FreeRuns < 0 {
				bad("init_scale", "init_scale %g and free_runs %d must not be negative", o.InitScale, o.FreeRuns)
			}
		},
		Build: func(c Config) train.Builder {
			o := Own[BMOptions](c)
			lc, _ := c.bmLearnConfig()
			conn := o.Connectivity
			if strings.HasSuffix(conn, ".npy") {
				return func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
					mask, err := bmMask(conn, visible, c.Hidden)
					if err != nil {
						return nil, err
					}
					return bm.Builder(c.Hidden, "", mask, lc, c.WeightDecay, o.InitScale)(visible, init, rng)
				}
			}
			return bm.Builder(c.Hidden, conn, nil, lc, c.WeightDecay, o.InitScale)
		},
		InputWeight: "W",
		Visible:     func(c Config, width int) int { return width - c.Hidden },
		Describe: func(c Config) string {
			o := Own[BMOptions](c)
			return fmt.Sprintf("a Boltzmann machine with %d hidden units (%s, %s rule)", c.Hidden, o.Connectivity, o.BMRule)
		},
	}
}
