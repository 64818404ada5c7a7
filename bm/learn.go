package bm

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// The learning rules.
const (
	// Rule1985 is Ackley, Hinton & Sejnowski's: each phase reached by
	// simulated annealing on Schedule, statistics collected over
	// StatSweeps sweeps at its last temperature.
	Rule1985 = "1985"
	// RuleModern is Salakhutdinov & Hinton's for general Boltzmann
	// machines: a mean-field clamped phase, persistent Gibbs chains
	// (Chains of them, K sweeps an update) for the free phase.
	RuleModern = "modern"
	// RuleMeanField is Peterson & Anderson's deterministic learning: both
	// phases mean-field, annealed through Schedule's temperatures.
	RuleMeanField = "meanfield"
)

// LearnConfig says how a phase's statistics are gathered.
type LearnConfig struct {
	Rule string
	// Schedule anneals each phase of the 1985 rule, and gives the
	// temperatures of mean-field learning (its sweeps count iterations).
	Schedule []Step
	// StatSweeps are the sweeps at the schedule's last temperature over
	// which the 1985 rule collects its statistics.
	StatSweeps int
	// FreeRuns is the 1985 rule's number of annealed free runs an update
	// (0: one per clamped pattern).
	FreeRuns int
	// Chains and K: the modern rule's persistent chains and Gibbs sweeps
	// an update.
	Chains, K int
	// MeanFieldIters bounds the modern rule's clamped mean-field rounds.
	MeanFieldIters int
	// Fixed updates units in a fixed order rather than a fresh random one
	// each sweep.
	Fixed bool
	// EveryUpdate makes the 1985 rule count the state after every
	// single-unit update of its statistics sweeps, as the paper's "10 units
	// of time" at the last temperature can be read, rather than the state
	// each sweep ends in: as many states again as a phase has free units.
	EveryUpdate bool
}

// Validate names each fault of the configuration.
func (c LearnConfig) Validate() error {
	switch c.Rule {
	case Rule1985:
		if len(c.Schedule) == 0 || c.StatSweeps < 1 {
			return fmt.Errorf("bm: the 1985 rule needs an annealing schedule and at least one statistics sweep")
		}
	case RuleMeanField:
		if len(c.Schedule) == 0 {
			return fmt.Errorf("bm: mean-field learning needs a schedule of temperatures")
		}
	case RuleModern:
		if c.Chains < 1 || c.K < 1 || c.MeanFieldIters < 1 {
			return fmt.Errorf("bm: the modern rule needs chains, Gibbs sweeps and mean-field rounds (got %d, %d, %d)", c.Chains, c.K, c.MeanFieldIters)
		}
	default:
		return fmt.Errorf("bm: unknown rule %q: want 1985, modern or meanfield", c.Rule)
	}
	for _, st := range c.Schedule {
		if !(st.T > 0) || st.Sweeps < 0 {
			return fmt.Errorf("bm: schedule step %+v: want T > 0 and sweeps ≥ 0", st)
		}
	}
	return nil
}

// Learner gathers the statistics of a rule; it holds the modern rule's
// persistent chains.
type Learner struct {
	M      *Machine
	Config LearnConfig
	Chains [][]float64 // the modern rule's persistent states, 0/1
}

// NewLearner prepares learning for m; the modern rule's chains start at
// random states.
func NewLearner(m *Machine, c LearnConfig, rng *rand.Rand) (*Learner, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	l := &Learner{M: m, Config: c}
	if c.Rule == RuleModern {
		for range c.Chains {
			s := make([]float64, m.N())
			for i := range s {
				s[i] = float64(rng.IntN(2))
			}
			l.Chains = append(l.Chains, s)
		}
	}
	return l, nil
}

// Gradient estimates the log-likelihood gradient on the rows of batch
// (each V values in [0, 1]; the 1985 and modern rules sample binary rows
// from them): the masked ⟨s_i s_j⟩⁺ − ⟨s_i s_j⟩⁻ and ⟨s_i⟩⁺ − ⟨s_i⟩⁻.
func (l *Learner) Gradient(batch [][]float64, rng *rand.Rand) (dW, db []float64) {
	var plus, minus Stats
	switch l.Config.Rule {
	case Rule1985:
		plus, minus = l.annealed(batch, rng)
	case RuleModern:
		plus, minus = l.modern(batch, rng)
	case RuleMeanField:
		plus, minus = l.meanField(batch, rng)
	}
	return l.M.difference(plus, minus)
}

// annealed gathers both phases of the 1985 rule.
func (l *Learner) annealed(batch [][]float64, rng *rand.Rand) (plus, minus Stats) {
	m, c := l.M, l.Config
	n := m.N()
	net, _ := m.Network()
	last := c.Schedule[len(c.Schedule)-1].T
	hidden, all := m.freeUnits(true), m.freeUnits(false)
	state, sigma := make([]float64, n), make([]float64, n) // EveryUpdate's buffers
	collect := func(s []float64, units []int, st Stats, weight float64) {
		annealOn(net, s, c.Schedule, units, c.Fixed, rng)
		if c.EveryUpdate && len(units) > 0 {
			// Each of the StatSweeps·len(units) states after a unit's
			// update counts, with the weight of a sweep shared among them.
			w := weight / float64(len(units))
			ToSpins(sigma, s)
			net.GlauberUnitsVisit(sigma, last, c.StatSweeps, units, c.Fixed, func(spins []float64) {
				FromSpins(state, spins)
				st.add(state, w)
			}, rng)
			FromSpins(s, sigma)
			return
		}
		for range c.StatSweeps {
			annealOn(net, s, []Step{{T: last, Sweeps: 1}}, units, c.Fixed, rng)
			st.add(s, weight)
		}
	}
	plus, minus = newStats(n), newStats(n)
	for _, v := range batch {
		s := randomState(n, rng)
		for i, p := range v {
			s[i] = bernoulli(p, rng)
		}
		collect(s, hidden, plus, 1/float64(len(batch)*c.StatSweeps))
	}
	runs := c.FreeRuns
	if runs == 0 {
		runs = len(batch)
	}
	for range runs {
		collect(randomState(n, rng), all, minus, 1/float64(runs*c.StatSweeps))
	}
	return plus, minus
}

// modern gathers a mean-field clamped phase and the persistent chains'
// free phase.
func (l *Learner) modern(batch [][]float64, rng *rand.Rand) (plus, minus Stats) {
	m, c := l.M, l.Config
	n := m.N()
	plus, minus = newStats(n), newStats(n)
	mu := make([]float64, n)
	for _, v := range batch {
		for i := range mu {
			mu[i] = 0.5
		}
		copy(mu, v)
		m.meanFieldOn(mu, m.V, 1, c.MeanFieldIters)
		plus.add(mu, 1/float64(len(batch)))
	}
	net, _ := m.Network()
	all := m.freeUnits(false)
	for _, s := range l.Chains {
		annealOn(net, s, []Step{{T: 1, Sweeps: c.K}}, all, c.Fixed, rng)
		minus.add(s, 1/float64(len(l.Chains)))
	}
	return plus, minus
}

// meanField gathers both phases of deterministic mean-field learning: the
// means of the free units settled at each temperature of the schedule
// (its sweeps the rounds at each), and ⟨s_i s_j⟩ taken as μ_i μ_j.
func (l *Learner) meanField(batch [][]float64, rng *rand.Rand) (plus, minus Stats) {
	m, c := l.M, l.Config
	n := m.N()
	plus, minus = newStats(n), newStats(n)
	mu := make([]float64, n)
	settle := func(first int) {
		for _, st := range c.Schedule {
			m.meanFieldOn(mu, first, st.T, max(st.Sweeps, 1))
		}
	}
	for _, v := range batch {
		for i := range mu {
			mu[i] = 0.5 + 0.01*(rng.Float64()-0.5)
		}
		copy(mu, v)
		settle(m.V)
		plus.add(mu, 1/float64(len(batch)))
	}
	runs := max(1, len(batch))
	for range runs {
		// A small random start breaks the symmetry of the free phase.
		for i := range mu {
			mu[i] = 0.5 + 0.1*(rng.Float64()-0.5)
		}
		settle(0)
		minus.add(mu, 1/float64(runs))
	}
	return plus, minus
}

// meanFieldOn runs rounds of mean-field updates μ_i = σ(Δ_i(μ)/T) on the
// units from first on, in order (the others stay as they are).
func (m *Machine) meanFieldOn(mu []float64, first int, t float64, rounds int) {
	for range rounds {
		for i := first; i < m.N(); i++ {
			mu[i] = numeric.Sigmoid(m.Gap(mu, i) / t)
		}
	}
}

// Apply adds lr·(dW, db) to the machine, keeping W masked and symmetric
// (dW's two triangles are averaged).
func (m *Machine) Apply(dW, db []float64, lr float64) {
	n, w, b, mask := m.N(), m.w(), m.b(), m.mask()
	for i := range n {
		for j := i + 1; j < n; j++ {
			if mask[i*n+j] == 0 {
				continue
			}
			d := lr * (dW[i*n+j] + dW[j*n+i]) / 2
			w[i*n+j] += d
			w[j*n+i] += d
		}
		b[i] += lr * db[i]
	}
}

func randomState(n int, rng *rand.Rand) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(rng.IntN(2))
	}
	return s
}

func bernoulli(p float64, rng *rand.Rand) float64 {
	if p == 0 || p == 1 {
		return p
	}
	if rng.Float64() < p {
		return 1
	}
	return 0
}
