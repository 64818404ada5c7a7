package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"

	"github.com/boltzmann-go/boltzmann/kinds"
	"gopkg.in/yaml.v3"
)

// Metrics a sweep can rank by.
const (
	MetricValidPLL   = "valid_pll"         // validation pseudo-log-likelihood, higher is better
	MetricValidRecon = "valid_recon_error" // validation reconstruction error, lower is better
	MetricTestLL     = "test_ll"           // AIS test log-likelihood, higher is better
)

// Spec is a sweep: a base configuration and the fields to vary.
type Spec struct {
	// Base holds the fields of `train -config` that every trial shares; the
	// rest keep train's defaults.
	Base yaml.Node `yaml:"base"`
	// Grid lists values for fields; every combination is a grid point.
	Grid map[string][]any `yaml:"grid"`
	// Random draws fields from distributions, Trials times per grid point.
	Random map[string]Dist `yaml:"random"`
	Trials int             `yaml:"trials"`
	// Seed drives the random draws and every trial's training seed (unless
	// the grid or Random sets seed itself).
	Seed uint64 `yaml:"seed"`
	// Metric is what Merge ranks by: valid_pll (default), valid_recon_error
	// or test_ll, which makes every trial estimate its test log-likelihood
	// by AIS when it ends.
	Metric string  `yaml:"metric"`
	AIS    AISSpec `yaml:"ais"`
}

// AISSpec sets the AIS estimate of a test_ll sweep.
type AISSpec struct {
	Steps int `yaml:"steps"` // intermediate distributions (default 14,500, the paper's)
	Runs  int `yaml:"runs"`  // chains (default 100)
}

// Dist is a distribution for random search: exactly one field is set.
type Dist struct {
	Uniform    []float64 `yaml:"uniform"`     // [lo, hi]
	LogUniform []float64 `yaml:"log_uniform"` // [lo, hi], both positive
	IntUniform []int     `yaml:"int_uniform"` // [lo, hi], inclusive
	Choice     []any     `yaml:"choice"`      // equally likely values
}

func (d Dist) check(field string) error {
	set := 0
	for _, n := range []int{len(d.Uniform), len(d.LogUniform), len(d.IntUniform), len(d.Choice)} {
		if n > 0 {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("random.%s: give exactly one of uniform, log_uniform, int_uniform or choice", field)
	}
	pair := func(kind string, lo, hi float64, n int) error {
		if n != 2 || !(lo <= hi) {
			return fmt.Errorf("random.%s: %s wants [lo, hi] with lo ≤ hi", field, kind)
		}
		return nil
	}
	switch {
	case len(d.Uniform) > 0:
		return pair("uniform", d.Uniform[0], d.Uniform[len(d.Uniform)-1], len(d.Uniform))
	case len(d.LogUniform) > 0:
		if err := pair("log_uniform", d.LogUniform[0], d.LogUniform[len(d.LogUniform)-1], len(d.LogUniform)); err != nil {
			return err
		}
		if d.LogUniform[0] <= 0 {
			return fmt.Errorf("random.%s: log_uniform bounds must be positive", field)
		}
	case len(d.IntUniform) > 0:
		return pair("int_uniform", float64(d.IntUniform[0]), float64(d.IntUniform[len(d.IntUniform)-1]), len(d.IntUniform))
	}
	return nil
}

// draw returns a value of d; real numbers are rounded to four significant
// digits, which keeps plans readable and changes no search.
func (d Dist) draw(rng *rand.Rand) any {
	round := func(x float64) float64 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
		return r
	}
	switch {
	case len(d.Uniform) > 0:
		return round(d.Uniform[0] + rng.Float64()*(d.Uniform[1]-d.Uniform[0]))
	case len(d.LogUniform) > 0:
		lo, hi := math.Log(d.LogUniform[0]), math.Log(d.LogUniform[1])
		return round(math.Exp(lo + rng.Float64()*(hi-lo)))
	case len(d.IntUniform) > 0:
		return d.IntUniform[0] + rng.IntN(d.IntUniform[1]-d.IntUniform[0]+1)
	}
	return d.Choice[rng.IntN(len(d.Choice))]
}

// ParseSpec reads a YAML or JSON spec; unknown fields, at the top or in
// base, are errors.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty sweep spec")
		}
		return nil, err
	}
	if s.Metric == "" {
		s.Metric = MetricValidPLL
	}
	switch s.Metric {
	case MetricValidPLL, MetricValidRecon, MetricTestLL:
	default:
		return nil, fmt.Errorf("metric %q: want %s, %s or %s", s.Metric, MetricValidPLL, MetricValidRecon, MetricTestLL)
	}
	if s.AIS.Steps == 0 {
		s.AIS.Steps = 14500
	}
	if s.AIS.Runs == 0 {
		s.AIS.Runs = 100
	}
	if s.AIS.Steps < 1 || s.AIS.Runs < 1 {
		return nil, fmt.Errorf("ais: %d steps and %d runs: want positive numbers", s.AIS.Steps, s.AIS.Runs)
	}
	if len(s.Random) > 0 && s.Trials == 0 {
		s.Trials = 1
	}
	if s.Trials < 0 || (len(s.Random) == 0 && s.Trials > 1) {
		return nil, fmt.Errorf("trials: %d: want a positive number of random draws, and random fields to draw", s.Trials)
	}
	for f, vs := range s.Grid {
		if len(vs) == 0 {
			return nil, fmt.Errorf("grid.%s: no values", f)
		}
		if _, ok := s.Random[f]; ok {
			return nil, fmt.Errorf("%s is both in grid and in random", f)
		}
	}
	for f, d := range s.Random {
		if err := d.check(f); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// LoadSpec reads a spec file; errors name the file.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	s, err := ParseSpec(b)
	if err != nil {
		return nil, fmt.Errorf("sweep spec %s: %w", path, err)
	}
	return s, nil
}

// Trial is one training run of a sweep.
type Trial struct {
	Index  int            `json:"index"`
	ID     string         `json:"id"`
	Params map[string]any `json:"params"` // the swept fields' values
	Config kinds.Config   `json:"config"`
}

// PlanFile is what plan.json holds.
type PlanFile struct {
	Metric string   `json:"metric"`
	Fields []string `json:"fields"` // the swept fields, in order
	AIS    AISSpec  `json:"ais"`
	Trials []Trial  `json:"trials"`
}

// Fields returns the swept field names: the grid's, then the random ones,
// each sorted.
func (s *Spec) Fields() []string {
	return append(slices.Sorted(maps.Keys(s.Grid)), slices.Sorted(maps.Keys(s.Random))...)
}

// Plan expands the spec: grid points in order (fields sorted, the last
// varying fastest), each with Trials random draws (fields sorted, drawn in
// that order from one generator seeded by Seed). A trial's seed is its
// configuration's hash (unless seed is swept), and its ID the hash of the
// configuration with that seed; a field that Config lacks, a value of the
// wrong type or an invalid configuration is an error naming the trial.
func (s *Spec) Plan() (*PlanFile, error) {
	base := kinds.Defaults()
	if s.Base.Kind != 0 {
		b, err := yaml.Marshal(&s.Base)
		if err != nil {
			return nil, err
		}
		if err := kinds.DecodeConfig(b, &base); err != nil {
			return nil, fmt.Errorf("base: %w", err)
		}
	}
	grid, random := slices.Sorted(maps.Keys(s.Grid)), slices.Sorted(maps.Keys(s.Random))
	draws := max(s.Trials, 1)
	rng := rand.New(rand.NewPCG(s.Seed, 0x7377656570)) // "sweep"
	points := 1
	for _, f := range grid {
		points *= len(s.Grid[f])
	}
	plan := &PlanFile{Metric: s.Metric, Fields: s.Fields(), AIS: s.AIS}
	seen := map[string]int{}
	for p := range points {
		params := map[string]any{}
		rest := p
		for i := len(grid) - 1; i >= 0; i-- {
			vs := s.Grid[grid[i]]
			params[grid[i]] = vs[rest%len(vs)]
			rest /= len(vs)
		}
		for range draws {
			tp := maps.Clone(params)
			for _, f := range random {
				tp[f] = s.Random[f].draw(rng)
			}
			t := Trial{Index: len(plan.Trials), Params: tp}
			cfg, err := apply(base, tp)
			if err != nil {
				return nil, fmt.Errorf("trial %d %v: %w", t.Index, tp, err)
			}
			if _, swept := tp["seed"]; !swept {
				cfg.Seed = s.Seed
				h := hashConfig(cfg)
				cfg.Seed = binary.BigEndian.Uint64(h[:8]) >> 11 // 53 bits: exact in any JSON reader
			}
			if err := cfg.Validate(); err != nil {
				return nil, fmt.Errorf("trial %d %v: %w", t.Index, tp, err)
			}
			if cfg.Validation == 0 && s.Metric != MetricTestLL {
				return nil, fmt.Errorf("trial %d %v: metric %s needs held-out images, but validation is 0", t.Index, tp, s.Metric)
			}
			h := hashConfig(cfg)
			t.ID = hex.EncodeToString(h[:6])
			t.Config = cfg
			if j, dup := seen[t.ID]; dup {
				return nil, fmt.Errorf("trials %d and %d have the same configuration %v", j, t.Index, tp)
			}
			seen[t.ID] = t.Index
			plan.Trials = append(plan.Trials, t)
		}
	}
	return plan, nil
}

// apply sets the named fields of base, by their config names, through the
// same strict decoder as `train -config`.
func apply(base kinds.Config, params map[string]any) (kinds.Config, error) {
	cfg := base
	for _, k := range slices.Sorted(maps.Keys(params)) {
		b, err := yaml.Marshal(map[string]any{k: params[k]})
		if err != nil {
			return base, fmt.Errorf("%s: %w", k, err)
		}
		if err := kinds.DecodeConfig(b, &cfg); err != nil {
			return base, fmt.Errorf("%s = %v: %w", k, params[k], err)
		}
	}
	return cfg, nil
}

// hashConfig is SHA-256 of the configuration's canonical JSON (fields in
// declaration order, Go's shortest float formatting).
func hashConfig(c kinds.Config) [32]byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // Config holds only numbers, strings and booleans
	}
	return sha256.Sum256(b)
}

// Shard returns the trials with index ≡ shard mod shards.
func (p *PlanFile) Shard(shard, shards int) []Trial {
	var out []Trial
	for _, t := range p.Trials {
		if t.Index%shards == shard {
			out = append(out, t)
		}
	}
	return out
}
