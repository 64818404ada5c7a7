// Command boltzmann-1985 runs the encoder problems of Ackley, Hinton &
// Sejnowski (1985): two groups of n visible units, V1 and V2, that
// communicate only through m hidden units (an n-m-n encoder), trained on
// the n patterns that turn on unit k of V1 and unit k of V2. Each group is
// connected within itself and to every hidden unit; the hidden units are
// connected to one another; V1 and V2 are not connected.
//
// For each seed it trains a machine by a rule and tests it every -every
// learning cycles: with V1 clamped to each pattern in turn, V2 and the
// hidden units are annealed 20 times, and the test passes when V2 reads
// the pattern back, unit by unit (on when its probability given the rest
// is above one half), after at least 18 of them, for every pattern. It reports
// the success rate over the seeds, the learning cycles each success took,
// the accuracy then (the fraction of 10 anneals a pattern after which V2
// reads it back) and, for machines small enough to enumerate, the exact
// p(V2 = pattern | V1 = pattern) at T = 1. With -success codes the test
// is the paper's instead: each pattern's most probable hidden code, exact
// at T = 1 with V1 clamped, is its own.
//
//	go run ./experiments/boltzmann-1985 -n 4 -m 2 -rule 1985 -seeds 50
//	go run ./experiments/boltzmann-1985 -n 4 -m 2 -success codes -hidden-links=false -sign -lr 0.2 \
//	    -noise-on 0.15 -noise-off 0.05 -repeats 2 -seeds 20   # the paper's procedure
//
// With -codes it also draws, for the first seed (-first-seed) once trained,
// the hidden code each pattern settles into (codes.png: one row a pattern,
// one column a hidden unit, white on), and with -anneal-plot, for that
// machine small enough to enumerate, a free-running anneal: the
// temperature, the mean energy of many chains beside the exact ⟨E⟩ at each
// temperature, and the free energy F(T) = −T log Z(T).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/boltzmann-go/boltzmann/bm"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

type result struct {
	Problem   string  `json:"problem"`
	Rule      string  `json:"rule"`
	Seeds     int     `json:"seeds"`
	Solved    int     `json:"solved"`
	Cycles    []int   `json:"cycles"` // learning cycles to success, per solved seed
	Median    float64 `json:"median_cycles"`
	MaxCycles int     `json:"max_cycles"`
	// Accuracy is, per seed, the fraction of anneals (accuracyAnneals a
	// pattern, V1 clamped) after which all of V2 reads the pattern back:
	// at success, or after the last cycle for a seed that did not succeed.
	Accuracy     []float64 `json:"accuracy"`
	MeanAccuracy float64   `json:"mean_accuracy"`
	// Exact is, per seed, the mean over patterns of p(V2 = pattern | V1 =
	// pattern) at T = 1 by enumeration (machines of at most bm.MaxExact
	// units): what the accuracy tends to with long sampling at T = 1.
	Exact     []float64 `json:"exact,omitempty"`
	MeanExact float64   `json:"mean_exact,omitempty"`
	// Codes is, per seed, the hidden code (a bit mask) most probable at T
	// = 1 with V1 clamped to each pattern, by enumeration, and Distinct
	// counts the seeds whose patterns all have codes of their own: the
	// paper's test of a global minimum.
	Codes    [][]int `json:"codes,omitempty"`
	Distinct int     `json:"distinct_codes,omitempty"`
	// NearlyCycles are, under -success codes, the learning cycles each seed
	// took to give n−1 patterns codes of their own (the paper's "7 codes"
	// of 8-3-8), for the seeds that got there.
	NearlyCycles []int   `json:"nearly_cycles,omitempty"`
	NearlyMedian float64 `json:"nearly_median_cycles,omitempty"`
}

// accuracyAnneals is how many anneals of each pattern the accuracy counts.
const accuracyAnneals = 10

func main() {
	n := flag.Int("n", 4, "units in each visible group")
	m := flag.Int("m", 2, "hidden units")
	rule := flag.String("rule", bm.Rule1985, "learning rule: 1985, modern, meanfield, or exact (the gradient by enumeration, for small machines)")
	seeds := flag.Int("seeds", 20, "machines trained, one a seed")
	firstSeed := flag.Int("first-seed", 1, "seed of the first machine (the rest follow)")
	cycles := flag.Int("cycles", 2000, "most learning cycles a machine gets")
	every := flag.Int("every", 10, "learning cycles between tests")
	lr := flag.Float64("lr", 2, "learning rate")
	tscale := flag.Float64("t", 0.1, "temperature scale of the 1985 schedule (2 sweeps at 20t, 2 at 15t, 2 at 12t, 4 at 10t)")
	out := flag.String("json", "", "write the result as JSON to this file")
	codes := flag.String("codes", "", "draw the first machine's hidden codes, after training, to this PNG file")
	annealPlot := flag.String("anneal-plot", "", "plot a free-running anneal of the first machine, after training, to this SVG file")
	initScale := flag.Float64("init", 0, "standard deviation of the initial couplings (0: all zero, as in the paper)")
	noiseOn := flag.Float64("noise-on", 0, "noisy clamping: the probability that a unit the pattern has on is clamped off instead (the paper's noisy clamping)")
	noiseOff := flag.Float64("noise-off", 0, "noisy clamping: the probability that a unit the pattern has off is clamped on instead")
	repeats := flag.Int("repeats", 1, "noisy copies of each pattern in a learning cycle")
	decay := flag.Float64("decay", 0, "weight decay: each coupling shrinks by this fraction every learning cycle")
	hiddenLinks := flag.Bool("hidden-links", true, "couple the hidden units to one another (-hidden-links=false: the mask of the reproduction in github.com/joshi98kishan/boltzmann-machine, from the technical report)")
	sign := flag.Bool("sign", false, "the paper's fixed-size steps: each coupling and bias moves by -lr in the sign of its gradient (0 when the two phases agree)")
	hiddenAfter := flag.Int("hidden-after", 0, "learning cycles before the hidden units are coupled to anything (the paper's 40-10-40: 300, so that each visible group first learns to let one unit on)")
	noiseCycles := flag.Int("noise-cycles", 0, "noisy clamping ends this many cycles after the hidden units are coupled (0: never; the paper's 40-10-40: 500)")
	gentle := flag.Bool("gentle-test", false, "test with the paper's gentler schedule (its 40-10-40): twice the sweeps at each temperature, then as long again at half the last temperature")
	everyUpdate := flag.Bool("every-update", false, "1985 rule: count the state after every single-unit update of the statistics sweeps, not once a sweep (the paper's statistics over 10 units of time, read as a count after every probe)")
	success := flag.String("success", successReadBack, "when a machine counts as solved: readback (V2 reads each pattern back after 18 of 20 anneals) or codes (each pattern's most probable hidden code, exact at T = 1, is its own: the paper's test; machines small enough to enumerate)")
	flag.Parse()
	if *success != successReadBack && *success != successCodes {
		fmt.Fprintf(os.Stderr, "-success %q: want %s or %s\n", *success, successReadBack, successCodes)
		os.Exit(2)
	}
	if *success == successCodes && *n+*m > bm.MaxExact {
		fmt.Fprintf(os.Stderr, "-success codes: a %d-%d-%d machine has %d units to sum over with V1 clamped, more than the %d that can be enumerated\n", *n, *m, *n, *n+*m, bm.MaxExact)
		os.Exit(2)
	}
	res := result{Problem: fmt.Sprintf("%d-%d-%d", *n, *m, *n), Rule: *rule, Seeds: *seeds, MaxCycles: *cycles}
	drawn := false
	for i := range *seeds {
		seed := *firstSeed - 1 + i
		c, nearly, mach, ok := trainOne(*n, *m, uint64(seed+1), *cycles, *every, recipe{rule: *rule, lr: *lr, tscale: *tscale, init: *initScale, sign: *sign, noiseOn: *noiseOn, noiseOff: *noiseOff, repeats: *repeats, decay: *decay, hiddenLinks: *hiddenLinks, success: *success, hiddenAfter: *hiddenAfter, noiseCycles: *noiseCycles, gentle: *gentle, everyUpdate: *everyUpdate})
		if ok {
			res.Solved++
			res.Cycles = append(res.Cycles, c)
		}
		if nearly > 0 {
			res.NearlyCycles = append(res.NearlyCycles, nearly)
		}
		acc := accuracy(mach, *n, testSchedule(*tscale, *gentle), rand.New(rand.NewPCG(uint64(seed+1), 0x616363)))
		res.Accuracy = append(res.Accuracy, acc)
		res.MeanAccuracy += acc / float64(*seeds)
		exact := math.NaN()
		var hiddenCodes []int
		if mach.N() <= bm.MaxExact {
			exact = exactAccuracy(mach, *n)
			res.Exact = append(res.Exact, exact)
			res.MeanExact += exact / float64(*seeds)
		}
		if *n+*m <= bm.MaxExact {
			hiddenCodes = exactCodes(mach, *n)
			res.Codes = append(res.Codes, hiddenCodes)
			if countDistinct(hiddenCodes) == *n {
				res.Distinct++
			}
		}
		if !drawn {
			drawn = true
			if err := draw(mach, *n, *tscale, uint64(seed+1), *codes, *annealPlot); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		fmt.Fprintf(os.Stderr, "seed %d: solved %v after %d cycles; accuracy %.3f, exact %.3f, codes %v\n", seed+1, ok, c, acc, exact, hiddenCodes)
	}
	res.Median = median(res.Cycles)
	res.NearlyMedian = median(res.NearlyCycles)
	fmt.Printf("%s encoder, %s rule: %d of %d seeds solved; median %.0f learning cycles; mean accuracy %.3f (exact at T = 1: %.3f); distinct codes in %d of %d; all but one code in %d (median %.0f cycles)\n", res.Problem, res.Rule, res.Solved, res.Seeds, res.Median, res.MeanAccuracy, res.MeanExact, res.Distinct, res.Seeds, len(res.NearlyCycles), res.NearlyMedian)
	if *out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// encoderMask couples each visible group within itself and to the hidden
// units, and, when hiddenLinks is set, the hidden units to one another
// (not in the reproduction from the technical report).
func encoderMask(n, m int, hiddenLinks bool) []float64 {
	N := 2*n + m
	group := func(i int) int {
		switch {
		case i < n:
			return 1
		case i < 2*n:
			return 2
		}
		return 3
	}
	mask := make([]float64, N*N)
	for i := range N {
		for j := range N {
			gi, gj := group(i), group(j)
			if i != j && (gi == gj || gi == 3 || gj == 3) && (hiddenLinks || gi != 3 || gj != 3) {
				mask[i*N+j] = 1
			}
		}
	}
	return mask
}

// recipe is how a machine learns.
type recipe struct {
	rule              string
	lr, tscale, init  float64
	sign              bool
	noiseOn, noiseOff float64
	repeats           int
	decay             float64
	hiddenLinks       bool
	success           string
	hiddenAfter       int
	noiseCycles       int
	gentle            bool
	everyUpdate       bool
}

// testSchedule is the schedule of the read-back tests: the training one,
// or with gentle the paper's for its 40-10-40 encoder, twice as long at
// each temperature and going on to half the last temperature.
func testSchedule(tscale float64, gentle bool) []bm.Step {
	sched := bm.Schedule1985(tscale)
	if !gentle {
		return sched
	}
	for i := range sched {
		sched[i].Sweeps *= 2
	}
	last := sched[len(sched)-1]
	return append(sched, bm.Step{T: last.T / 2, Sweeps: last.Sweeps})
}

// The tests of success.
const (
	successReadBack = "readback"
	successCodes    = "codes"
)

// trainOne trains one machine until it is solved or has had maxCycles
// learning cycles, and gives the cycles it took, the machine, whether it
// was solved, and under -success codes the first tested cycle at which all
// but one pattern had codes of their own (0: never).
func trainOne(n, m int, seed uint64, maxCycles, every int, r recipe) (cycles, nearly int, mach *bm.Machine, ok bool) {
	rng := rand.New(rand.NewPCG(seed, 0x31393835))
	full := encoderMask(n, m, r.hiddenLinks)
	mach, err := bm.New(2*n, m, full, r.init, rng)
	if err != nil {
		panic(err)
	}
	if r.hiddenAfter > 0 {
		// The hidden units start uncoupled: their rows and columns of the
		// mask and of the couplings are zero until cycle hiddenAfter.
		mask, w, N := mach.Mask.Data().([]float64), mach.W.Data().([]float64), mach.N()
		for i := range N {
			for j := range N {
				if i >= 2*n || j >= 2*n {
					mask[i*N+j], w[i*N+j] = 0, 0
				}
			}
		}
	}
	sched := bm.Schedule1985(r.tscale)
	test := testSchedule(r.tscale, r.gentle)
	gradient := func(batch [][]float64) (dW, db []float64) {
		dW, db, err := mach.ExactGradient(batch)
		if err != nil {
			panic(err)
		}
		return dW, db
	}
	if r.rule != ruleExact {
		cfg := bm.LearnConfig{Rule: r.rule, Schedule: sched, StatSweeps: 10, Chains: 50, K: 5, MeanFieldIters: 10, EveryUpdate: r.everyUpdate}
		l, err := bm.NewLearner(mach, cfg, rng)
		if err != nil {
			panic(err)
		}
		gradient = func(batch [][]float64) (dW, db []float64) { return l.Gradient(batch, rng) }
	}
	patterns := encoderPatterns(n)
	units := afterInput(mach, n)
	noisy := r.noiseOn > 0 || r.noiseOff > 0 || r.repeats > 1
	batch := patterns
	for c := 1; c <= maxCycles; c++ {
		if c == r.hiddenAfter+1 && r.hiddenAfter > 0 {
			copy(mach.Mask.Data().([]float64), full)
		}
		if noisy {
			on, off := r.noiseOn, r.noiseOff
			if r.noiseCycles > 0 && c > r.hiddenAfter+r.noiseCycles {
				on, off = 0, 0
			}
			batch = noisyCopies(patterns, max(r.repeats, 1), on, off, rng)
		}
		dW, db := gradient(batch)
		if r.sign {
			toSigns(dW)
			toSigns(db)
		}
		mach.Apply(dW, db, r.lr)
		if r.decay > 0 {
			w := mach.W.Data().([]float64)
			for i := range w {
				w[i] *= 1 - r.decay
			}
		}
		if c%every != 0 {
			continue
		}
		if r.success == successCodes {
			distinct := countDistinct(exactCodes(mach, n))
			if nearly == 0 && distinct >= n-1 {
				nearly = c
			}
			if distinct == n {
				return c, nearly, mach, true
			}
		} else if solved(mach, n, patterns, units, test, rng) {
			return c, nearly, mach, true
		}
	}
	return maxCycles, nearly, mach, false
}

// solvedTrials anneals of each pattern decide success: V2 must read the
// pattern back after at least solvedFraction of them.
const (
	solvedTrials   = 20
	solvedFraction = 0.9
)

// solved says whether the machine has learned the encoding: with V1
// clamped to each pattern, V2 reads the pattern back after at least 90%
// of 20 anneals. Two patterns that share a hidden code cannot both pass,
// so a machine stuck with a shared code (the encoders' local minimum) does
// not count, nor does a machine whose couplings are still too weak for
// its codes to hold at T = 1.
func solved(mach *bm.Machine, n int, patterns [][]float64, units []int, sched []bm.Step, rng *rand.Rand) bool {
	for _, p := range patterns {
		right := 0
		for range solvedTrials {
			if readsBack(mach, n, p, units, sched, rng) {
				right++
			}
		}
		if float64(right) < solvedFraction*solvedTrials {
			return false
		}
	}
	return true
}

// encoderPatterns are the n training patterns: unit k of V1 and unit k of
// V2 on.
func encoderPatterns(n int) [][]float64 {
	patterns := make([][]float64, n)
	for k := range n {
		p := make([]float64, 2*n)
		p[k], p[n+k] = 1, 1
		patterns[k] = p
	}
	return patterns
}

// afterInput lists the units annealed with V1 clamped: V2 and the hidden
// units.
func afterInput(mach *bm.Machine, n int) []int {
	units := make([]int, 0, mach.N()-n)
	for i := n; i < mach.N(); i++ {
		units = append(units, i)
	}
	return units
}

// readsBack anneals units (V2 and the hidden units) with V1 clamped to p
// and says whether every unit of V2 then lies on p's side of one half.
func readsBack(mach *bm.Machine, n int, p []float64, units []int, sched []bm.Step, rng *rand.Rand) bool {
	s := make([]float64, mach.N())
	copy(s, p[:n])
	mach.AnnealUnits(s, sched, units, false, rng)
	for i := n; i < 2*n; i++ {
		on := numeric.Sigmoid(mach.Gap(s, i)/sched[len(sched)-1].T) > 0.5
		if on != (p[i] == 1) {
			return false
		}
	}
	return true
}

// accuracy is the fraction of accuracyAnneals anneals of each pattern
// after which V2 reads it back.
func accuracy(mach *bm.Machine, n int, sched []bm.Step, rng *rand.Rand) float64 {
	units := afterInput(mach, n)
	right := 0
	for _, p := range encoderPatterns(n) {
		for range accuracyAnneals {
			if readsBack(mach, n, p, units, sched, rng) {
				right++
			}
		}
	}
	return float64(right) / float64(n*accuracyAnneals)
}

// noisyCopies returns repeats copies of each pattern, each unit that is
// on turned off with probability on, each unit that is off turned on with
// probability off: the paper's noisy clamping.
func noisyCopies(patterns [][]float64, repeats int, on, off float64, rng *rand.Rand) [][]float64 {
	out := make([][]float64, 0, len(patterns)*repeats)
	for _, p := range patterns {
		for range repeats {
			q := make([]float64, len(p))
			for i, v := range p {
				switch {
				case v == 1 && rng.Float64() >= on:
					q[i] = 1
				case v == 0 && rng.Float64() < off:
					q[i] = 1
				}
			}
			out = append(out, q)
		}
	}
	return out
}

// exactAccuracy is the mean over the n patterns of p(V2 = pattern | V1 =
// pattern) at T = 1, by enumerating the machine's states.
func exactAccuracy(mach *bm.Machine, n int) float64 {
	p, err := mach.Probabilities(1)
	if err != nil {
		return math.NaN()
	}
	total := 0.0
	for k := range n {
		var joint, marginal float64
		for state, q := range p {
			v1 := state & (1<<n - 1)
			if v1 != 1<<k {
				continue
			}
			marginal += q
			if (state>>n)&(1<<n-1) == 1<<k {
				joint += q
			}
		}
		total += joint / marginal / float64(n)
	}
	return total
}

// ruleExact learns by the exact gradient of the log-likelihood
// (enumeration): the limit the sampled rules approach.
const ruleExact = "exact"

// toSigns replaces each value by its sign (0 stays 0).
func toSigns(x []float64) {
	for i, v := range x {
		switch {
		case v > 0:
			x[i] = 1
		case v < 0:
			x[i] = -1
		}
	}
}

// exactCodes gives, for each of the n patterns, the hidden code most
// probable at T = 1 with V1 clamped to the pattern (V2 summed out, by
// enumerating V2 and the hidden units: 2^(n+m) states a pattern), as a bit
// mask of the hidden units. The paper's success is n different codes
// ("four different codes", a global minimum of the encoder), which noisy
// clamping leaves reachable even where the exact read-back of V2 is held
// below one by the noise it learned.
func exactCodes(mach *bm.Machine, n int) []int {
	m := mach.N() - 2*n
	free := n + m
	s := make([]float64, mach.N())
	energies := make([]float64, 1<<free)
	var codes []int
	for k := range n {
		for i := range n {
			s[i] = 0
		}
		s[k] = 1
		lowest, state := math.Inf(1), 0
		enumerate.States(free, func(x []float64) { // V2 and the hidden units, state by state
			copy(s[n:], x)
			energies[state] = mach.Energy(s)
			lowest = min(lowest, energies[state])
			state++
		})
		mass := make([]float64, 1<<m)
		for state, e := range energies {
			mass[state>>n] += math.Exp(lowest - e)
		}
		best := 0
		for h, q := range mass {
			if q > mass[best] {
				best = h
			}
		}
		codes = append(codes, best)
	}
	return codes
}

// countDistinct is the number of different values in codes.
func countDistinct(codes []int) int {
	seen := map[int]bool{}
	for _, c := range codes {
		seen[c] = true
	}
	return len(seen)
}

// median is the median of x (0 when empty).
func median(x []int) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
	}
	return float64(s[len(s)/2])
}
