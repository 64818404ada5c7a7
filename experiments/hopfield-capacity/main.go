// Command hopfield-capacity measures how many random unbiased patterns a
// Hopfield network recalls, against the load α = P/N, for the Hebbian,
// Storkey and pseudo-inverse rules at N = 500, 1000, 2000 and 4000, and for
// the dense associative memory. A pattern counts as recalled when
// asynchronous T = 0 updates started from it end, at a fixed point, with
// overlap above 0.95. The critical load α_c(N) is where half the tested
// patterns are recalled (linear interpolation on the α grid); α_c(N) is
// then extrapolated linearly in N^(−1/2) to N → ∞.
//
//	go run ./experiments/hopfield-capacity -out experiments/hopfield-capacity
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/picture"
)

// num is a float64 that encodes NaN as JSON null.
type num float64

func (x *num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = num(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(x))
}

func (x num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

type curve struct {
	Rule    string    `json:"rule"`
	N       int       `json:"n"`
	Trial   int       `json:"trial"`
	Alpha   []float64 `json:"alpha"`
	Recall  []float64 `json:"recall"`
	Tested  int       `json:"tested_per_alpha"`
	AlphaC  num       `json:"alpha_c"`
	Seconds float64   `json:"seconds"`
}

func patterns(p, n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, p)
	for k := range out {
		out[k] = make([]float64, n)
		for i := range out[k] {
			out[k][i] = float64(2*rng.IntN(2) - 1)
		}
	}
	return out
}

// recallFraction tests up to `tested` of the first p patterns.
func recallFraction(descend func([]float64), pats [][]float64, p, tested int, rng *rand.Rand) float64 {
	idx := rng.Perm(p)[:min(p, tested)]
	ok := 0
	for _, k := range idx {
		s := append([]float64(nil), pats[k]...)
		descend(s)
		if hopfield.Overlap(pats[k], s) > 0.95 {
			ok++
		}
	}
	return float64(ok) / float64(len(idx))
}

// halfway interpolates the α where the recall fraction falls through 0.5.
func halfway(alpha, recall []float64) float64 {
	for i := 1; i < len(alpha); i++ {
		if recall[i-1] >= 0.5 && recall[i] < 0.5 {
			return alpha[i-1] + (alpha[i]-alpha[i-1])*(recall[i-1]-0.5)/(recall[i-1]-recall[i])
		}
	}
	return math.NaN()
}

func grid(lo, hi, step float64) []float64 {
	var g []float64
	for a := lo; a <= hi+1e-9; a += step {
		g = append(g, math.Round(a*1000)/1000)
	}
	return g
}

func measure(rule string, n, trial, tested int, alphas []float64, seed uint64) curve {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, uint64(n)<<16|uint64(trial)))
	pmax := int(math.Round(alphas[len(alphas)-1] * float64(n)))
	pats := patterns(pmax, n, rng)
	c := curve{Rule: rule, N: n, Trial: trial, Alpha: alphas, Tested: tested}
	net, _ := hopfield.New(n)
	stored := 0
	for _, a := range alphas {
		p := int(math.Round(a * float64(n)))
		switch rule {
		case "dense-3":
			d, _ := hopfield.NewDenseMemory(pats[:p], hopfield.Interaction{Degree: 3})
			c.Recall = append(c.Recall, recallFraction(func(s []float64) { d.Descend(s, 50, rng) }, pats, p, tested, rng))
			continue
		case string(hopfield.PseudoInverse):
			if err := net.Store(hopfield.PseudoInverse, pats[:p]); err != nil {
				panic(err)
			}
		default:
			if err := net.Add(hopfield.Rule(rule), pats[stored:p]); err != nil {
				panic(err)
			}
			stored = p
		}
		c.Recall = append(c.Recall, recallFraction(func(s []float64) { net.Descend(s, 50, rng) }, pats, p, tested, rng))
	}
	c.AlphaC = num(halfway(alphas, c.Recall))
	c.Seconds = time.Since(start).Seconds()
	return c
}

type job struct {
	rule          string
	n, trial, tst int
	alphas        []float64
}

// extrapolate fits α_c = a + b·N^(−1/2) by least squares and returns a with
// its standard error.
func extrapolate(ns []int, ac []float64) (a, se float64) {
	var x, y []float64
	for i := range ns {
		if !math.IsNaN(ac[i]) {
			x = append(x, 1/math.Sqrt(float64(ns[i])))
			y = append(y, ac[i])
		}
	}
	m := float64(len(x))
	if m < 3 {
		return math.NaN(), math.NaN()
	}
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	b := (m*sxy - sx*sy) / (m*sxx - sx*sx)
	a = (sy - b*sx) / m
	var rss float64
	for i := range x {
		r := y[i] - a - b*x[i]
		rss += r * r
	}
	s2 := rss / (m - 2)
	se = math.Sqrt(s2 * sxx / (m*sxx - sx*sx))
	return a, se
}

func main() {
	out := flag.String("out", "experiments/hopfield-capacity", "directory for results.json and capacity.svg")
	seed := flag.Uint64("seed", 1, "seed")
	quick := flag.Bool("quick", false, "N ≤ 1000 only")
	from := flag.String("from", "", "redo the table and plot from a results.json instead of measuring")
	flag.Parse()
	start := time.Now()
	sizes := []int{500, 1000, 2000, 4000}
	if *quick {
		sizes = sizes[:2]
	}
	var jobs []job
	for _, n := range sizes {
		trials, tested := 4, 200
		if n >= 2000 {
			trials, tested = 2, 100
		}
		for t := range trials {
			jobs = append(jobs, job{"hebbian", n, t, tested, grid(0.08, 0.24, 0.01)})
			jobs = append(jobs, job{"storkey", n, t, tested, grid(0.12, 0.60, 0.03)})
		}
		if n <= 1000 {
			jobs = append(jobs, job{"pseudo-inverse", n, 0, tested, grid(0.1, 0.9, 0.1)})
		}
	}
	for _, n := range []int{100, 200} {
		jobs = append(jobs, job{"dense-3", n, 0, 100, grid(1, 20, 1)})
	}
	// The biggest jobs first, so the two cores finish together.
	results := make([]curve, len(jobs))
	if *from != "" {
		b, err := os.ReadFile(*from)
		if err == nil {
			var saved struct{ Curves []curve }
			err = json.Unmarshal(b, &saved)
			results, jobs = saved.Curves, nil
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "-from:", err)
			os.Exit(1)
		}
	}
	order := make([]int, len(jobs))
	for i := range order {
		order[len(order)-1-i] = i
	}
	numeric.ParallelFor(len(order), func(k int) {
		i := order[k]
		j := jobs[i]
		results[i] = measure(j.rule, j.n, j.trial, j.tst, j.alphas, *seed)
		fmt.Fprintf(os.Stderr, "%s N=%d trial %d: α_c %.4f (%.0f s)\n", j.rule, j.n, j.trial, results[i].AlphaC, results[i].Seconds)
	})

	fmt.Println("| rule | N | trials | α_c (half recalled) | ± (between trials) |")
	fmt.Println("|---|---|---|---|---|")
	summary := map[string][2][]num{}
	for _, rule := range []string{"hebbian", "storkey", "pseudo-inverse", "dense-3"} {
		var ns []int
		var acs []float64
		for _, n := range append(append([]int(nil), sizes...), 100, 200) {
			var xs []float64
			for _, r := range results {
				if r.Rule == rule && r.N == n {
					xs = append(xs, float64(r.AlphaC))
				}
			}
			if len(xs) == 0 {
				continue
			}
			mean, sd := 0.0, 0.0
			for _, x := range xs {
				mean += x / float64(len(xs))
			}
			for _, x := range xs {
				sd += (x - mean) * (x - mean)
			}
			se := math.NaN()
			if len(xs) > 1 {
				se = math.Sqrt(sd / float64(len(xs)-1) / float64(len(xs)))
			}
			fmt.Printf("| %s | %d | %d | %.4f | %.4f |\n", rule, n, len(xs), mean, se)
			ns, acs = append(ns, n), append(acs, mean)
		}
		x, y := make([]num, len(ns)), make([]num, len(ns))
		for i, n := range ns {
			x[i], y[i] = num(n), num(acs[i])
		}
		summary[rule] = [2][]num{x, y}
		if rule == "hebbian" || rule == "storkey" {
			a, se := extrapolate(ns, acs)
			fmt.Printf("| %s | ∞ (fit in N^−½) | | %.4f | %.4f |\n", rule, a, se)
		}
	}
	panel := func(rule, title string) picture.Panel {
		p := picture.Panel{Title: title, XLabel: "α = P/N"}
		for _, r := range results {
			if r.Trial == 0 && r.Rule == rule {
				p.Series = append(p.Series, picture.Series{Name: fmt.Sprintf("N = %d", r.N), X: r.Alpha, Y: r.Recall})
			}
		}
		sort.Slice(p.Series, func(i, j int) bool {
			return len(p.Series[i].Name) < len(p.Series[j].Name) || len(p.Series[i].Name) == len(p.Series[j].Name) && p.Series[i].Name < p.Series[j].Name
		})
		return p
	}
	svg := picture.Charts([]picture.Panel{
		panel("hebbian", "Hebbian: fraction recalled"),
		panel("storkey", "Storkey: fraction recalled"),
	})
	js, err := json.MarshalIndent(map[string]any{"curves": results, "summary": summary}, "", " ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.MkdirAll(*out, 0o755)
	for name, b := range map[string][]byte{"capacity.svg": svg, "results.json": js} {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Printf("\n%d cores, %.0f s in all\n", runtime.GOMAXPROCS(0), time.Since(start).Seconds())
}
