package evaluate

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/picture"
)

// streamSamples separates the samples' generator from training's streams.
const streamSamples = 0x73616d706c657321 // "samples!"

// SampleSource is the generator of the samples drawn from a model for its
// pictures (eval's samples.png, serve's, a library user's): one place, so
// that the three show the same samples for one seed.
func SampleSource(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, streamSamples)) }

// ScoreSource is the generator of eval's test scores (the
// pseudo-log-likelihood's pixel flips).
func ScoreSource(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, streamSamples+1)) }

// FilterPicture returns the tiles of a model's filters picture and their
// scaling: a [Filterer]'s filters, each tile stretched to its range, else
// a [PatternStore]'s patterns; ok is false for a model with neither.
func FilterPicture(m any, n int) (tiles [][]float64, scale picture.Scaling, ok bool) {
	switch m := m.(type) {
	case Filterer:
		return m.Filters(n), picture.PerTile, true
	case PatternStore:
		return m.StoredPatterns(n), picture.Unit, true
	}
	return nil, 0, false
}

// SamplePicture returns the tiles of a model's samples picture: a
// [Sampler]'s samples after steps Gibbs sweeps from noise (seed fixes
// them), else a [PatternStore]'s patterns; ok is false for a model with
// neither. progress, when set, hears the sweeps done.
func SamplePicture(m any, n, steps int, seed uint64, progress func(done int)) (tiles [][]float64, ok bool, err error) {
	switch m := m.(type) {
	case Sampler:
		tiles, err := m.Samples(n, steps, SampleSource(seed), progress)
		return tiles, true, err
	case PatternStore:
		return m.StoredPatterns(n), true, nil
	}
	return nil, false, nil
}
