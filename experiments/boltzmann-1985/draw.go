package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/boltzmann-go/boltzmann/bm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"github.com/boltzmann-go/boltzmann/internal/picture"
)

// draw writes the pictures asked for of a trained machine.
func draw(mach *bm.Machine, n int, tscale float64, seed uint64, codesPNG, annealSVG string) error {
	rng := rand.New(rand.NewPCG(seed, 0x636f646573)) // "codes"
	if codesPNG != "" {
		if err := drawCodes(mach, n, tscale, codesPNG, rng); err != nil {
			return err
		}
	}
	if annealSVG != "" {
		if err := plotAnneal(mach, annealSVG, rng); err != nil {
			return err
		}
	}
	return nil
}

// codeAnneals is how many anneals each pattern's hidden code averages.
const codeAnneals = 200

// drawCodes clamps V1 to each pattern, anneals V2 and the hidden units on
// the training schedule, and draws the hidden units' mean states over
// codeAnneals anneals: one row a pattern, one column a hidden unit.
func drawCodes(mach *bm.Machine, n int, tscale float64, path string, rng *rand.Rand) error {
	m := mach.N() - 2*n
	units := afterInput(mach, n)
	sched := bm.Schedule1985(tscale)
	grid := make([]float64, 0, n*m)
	for k := range n {
		mean := make([]float64, m)
		for range codeAnneals {
			s := make([]float64, mach.N())
			s[k] = 1
			mach.AnnealUnits(s, sched, units, false, rng)
			for j := range m {
				mean[j] += s[2*n+j] / codeAnneals
			}
		}
		grid = append(grid, mean...)
		fmt.Fprintf(os.Stderr, "pattern %d: hidden code %v\n", k+1, roundAll(mean))
	}
	img, err := picture.Grid([][]float64{grid}, n, m, 1, 24, picture.Unit)
	if err != nil {
		return err
	}
	b, err := picture.EncodePNG(img)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

func roundAll(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Round(v*100) / 100
	}
	return out
}

// annealChains is how many free-running anneals the plot averages.
const annealChains = 2000

// plotAnneal runs annealChains free anneals from random states down a
// geometric schedule, two sweeps a temperature, and plots against the
// sweep: the temperature; the chains' mean energy beside the exact mean
// energy ⟨E⟩_T of the Boltzmann distribution at that temperature and the
// ground-state energy; the free energy F(T) = −T log Z(T), all by
// enumeration.
func plotAnneal(mach *bm.Machine, path string, rng *rand.Rand) error {
	const temps, sweeps, t0, t1 = 24, 2, 4.0, 0.1
	var schedule []float64
	for i := range temps {
		schedule = append(schedule, t0*math.Pow(t1/t0, float64(i)/float64(temps-1)))
	}
	N := mach.N()
	chains := make([][]float64, annealChains)
	for c := range chains {
		chains[c] = make([]float64, N)
		for i := range N {
			if rng.IntN(2) == 1 {
				chains[c][i] = 1
			}
		}
	}
	energies := make([]float64, 0, 1<<N)
	enumerate.States(N, func(s []float64) { energies = append(energies, mach.Energy(s)) })
	ground := math.Inf(1)
	for _, e := range energies {
		ground = min(ground, e)
	}
	var x, temp, chainE, exactE, free, groundE []float64
	sweep := 0
	for _, t := range schedule {
		logZ, err := mach.LogZ(t)
		if err != nil {
			return err
		}
		mean := 0.0
		for _, e := range energies {
			mean += e * math.Exp(-e/t-logZ)
		}
		for range sweeps {
			sweep++
			total := 0.0
			for _, s := range chains {
				mach.Anneal(s, []bm.Step{{T: t, Sweeps: 1}}, false, false, rng)
				total += mach.Energy(s)
			}
			x = append(x, float64(sweep))
			temp = append(temp, t)
			chainE = append(chainE, total/annealChains)
			exactE = append(exactE, mean)
			free = append(free, -t*logZ)
			groundE = append(groundE, ground)
		}
	}
	svg := picture.Charts([]picture.Panel{
		{Title: "temperature", XLabel: "sweep", IntegerX: true, Series: []picture.Series{{Name: "T", X: x, Y: temp}}},
		{Title: "energy", XLabel: "sweep", IntegerX: true, Series: []picture.Series{
			{Name: fmt.Sprintf("%d chains", annealChains), X: x, Y: chainE},
			{Name: "exact ⟨E⟩", X: x, Y: exactE},
			{Name: "F = −T log Z", X: x, Y: free},
			{Name: "ground", X: x, Y: groundE},
		}},
	})
	return atomicfile.WriteFile(path, svg)
}
