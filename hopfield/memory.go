package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"gorgonia.org/tensor"
)

// Kind is the model kind recorded in checkpoints.
const Kind = "hopfield"

// Memory is a Hopfield network together with the patterns it stores and
// their class labels, so that a retrieved state can be read as a class.
type Memory struct {
	Net      *Network
	Patterns *tensor.Dense // [P, N] float64, ±1
	Labels   *tensor.Dense // [P] int64
}

// NewMemory stores patterns with the rule; labels name each pattern's class.
func NewMemory(rule Rule, patterns [][]float64, labels []int) (*Memory, error) {
	if len(patterns) == 0 || len(patterns) != len(labels) {
		return nil, fmt.Errorf("hopfield: %d patterns and %d labels", len(patterns), len(labels))
	}
	n := len(patterns[0])
	m, err := EmptyMemory(n, len(patterns))
	if err != nil {
		return nil, err
	}
	if err := m.Net.Store(rule, patterns); err != nil {
		return nil, err
	}
	p := m.Patterns.Data().([]float64)
	l := m.Labels.Data().([]int64)
	for k, pat := range patterns {
		copy(p[k*n:], pat)
		l[k] = int64(labels[k])
	}
	return m, nil
}

// EmptyMemory allocates a memory of n units and p patterns for a checkpoint
// to fill.
func EmptyMemory(n, p int) (*Memory, error) {
	net, err := New(n)
	if err != nil {
		return nil, err
	}
	if p < 1 {
		return nil, fmt.Errorf("hopfield: %d patterns: want at least 1", p)
	}
	return &Memory{
		Net:      net,
		Patterns: tensor.New(tensor.WithShape(p, n), tensor.Of(tensor.Float64)),
		Labels:   tensor.New(tensor.WithShape(p), tensor.Of(tensor.Int64)),
	}, nil
}

// Params returns the tensors a checkpoint stores.
func (m *Memory) Params() []checkpoint.Tensor {
	return []checkpoint.Tensor{
		{Name: "J", T: m.Net.J}, {Name: "theta", T: m.Net.Theta},
		{Name: "patterns", T: m.Patterns}, {Name: "labels", T: m.Labels},
	}
}

// Pattern returns stored pattern k (shared, not copied).
func (m *Memory) Pattern(k int) []float64 {
	n := m.Net.N()
	return m.Patterns.Data().([]float64)[k*n : (k+1)*n]
}

// Count is the number of stored patterns.
func (m *Memory) Count() int { return m.Patterns.Shape()[0] }

// Label is the class of pattern k.
func (m *Memory) Label(k int) int { return int(m.Labels.Data().([]int64)[k]) }

// Classify returns the class of the stored pattern with the largest
// overlap with s, and that overlap.
func (m *Memory) Classify(s []float64) (class int, overlap float64) {
	best := -2.0
	for k := range m.Count() {
		if o := Overlap(m.Pattern(k), s); o > best {
			best, class = o, m.Label(k)
		}
	}
	return class, best
}

// ClassOverlap is the largest overlap of s with a pattern of the class.
func (m *Memory) ClassOverlap(s []float64, class int) float64 {
	best := -2.0
	for k := range m.Count() {
		if m.Label(k) == class {
			best = max(best, Overlap(m.Pattern(k), s))
		}
	}
	return best
}

// Spins maps intensities in [0, 1] to ±1 at the 0.5 threshold.
func Spins(x []float64) []float64 {
	s := make([]float64, len(x))
	for i, v := range x {
		s[i] = -1
		if v >= 0.5 {
			s[i] = 1
		}
	}
	return s
}

// Prototypes makes perClass prototypes of each class from images (rows of
// d values in [0, 1]) and their labels: k-means with k = perClass on the
// images of each class (10 Lloyd iterations from k images drawn by rng), and
// each cluster's mean image thresholded at 0.5. Clusters of one class are
// different ways of writing it, so the prototypes differ, as the
// pseudo-inverse rule needs.
func Prototypes(images []float64, d int, labels []int, classes, perClass int, rng *rand.Rand) ([][]float64, []int, error) {
	if perClass < 1 {
		return nil, nil, fmt.Errorf("hopfield: %d prototypes per class: want at least 1", perClass)
	}
	byClass := make([][]int, classes)
	for i, l := range labels {
		if l < 0 || l >= classes {
			return nil, nil, fmt.Errorf("hopfield: label %d of image %d outside [0, %d)", l, i, classes)
		}
		byClass[l] = append(byClass[l], i)
	}
	var pats [][]float64
	var labs []int
	for c, idx := range byClass {
		if len(idx) < perClass {
			return nil, nil, fmt.Errorf("hopfield: class %d has %d images, fewer than %d prototypes", c, len(idx), perClass)
		}
		for _, centre := range kmeans(images, d, idx, perClass, rng) {
			pats = append(pats, Spins(centre))
			labs = append(labs, c)
		}
	}
	return pats, labs, nil
}

// kmeans clusters the rows idx of images into k groups and returns their means.
func kmeans(images []float64, d int, idx []int, k int, rng *rand.Rand) [][]float64 {
	row := func(i int) []float64 { return images[i*d : (i+1)*d] }
	centres := make([][]float64, k)
	for g, j := range rng.Perm(len(idx))[:k] {
		centres[g] = append([]float64(nil), row(idx[j])...)
	}
	assign := make([]int, len(idx))
	for range 10 {
		for a, i := range idx {
			best, bestD := 0, math.Inf(1)
			for g, c := range centres {
				dist := 0.0
				for p, x := range row(i) {
					dist += (x - c[p]) * (x - c[p])
				}
				if dist < bestD {
					best, bestD = g, dist
				}
			}
			assign[a] = best
		}
		count := make([]int, k)
		sums := make([][]float64, k)
		for g := range sums {
			sums[g] = make([]float64, d)
		}
		for a, i := range idx {
			count[assign[a]]++
			for p, x := range row(i) {
				sums[assign[a]][p] += x
			}
		}
		for g := range centres {
			if count[g] == 0 {
				continue // an empty cluster keeps its centre
			}
			for p := range sums[g] {
				centres[g][p] = sums[g][p] / float64(count[g])
			}
		}
	}
	return centres
}
