package files

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
)

// load reads spec and prepares it as a default run does (float32,
// stochastic binarisation, 10,000 held out).
func load(b *testing.B, spec Spec) {
	raw, err := Read(spec)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := data.Prepare(raw, data.PrepareOptions{Binarize: data.Stochastic, Seed: 1}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLoadMNISTIDX reads and prepares the real MNIST (70,000 images,
// gzipped IDX) as `train` does.
func BenchmarkLoadMNISTIDX(b *testing.B) {
	dir, err := mnist.DefaultDir()
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		load(b, Spec{Path: dir})
	}
}

// BenchmarkLoadNPZ reads and prepares a .npz of 60,000 + 10,000 uint8
// images of 28×28, as np.savez writes it.
func BenchmarkLoadNPZ(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	pix := func(n int) []byte {
		p := make([]byte, n*784)
		for i := range p {
			p[i] = byte(rng.IntN(256))
		}
		return p
	}
	path := filepath.Join(b.TempDir(), "mnist.npz")
	writeNPZ(b, path, map[string][]byte{
		"x_train": npyBytes(b, "|u1", []int{60000, 28, 28}, pix(60000)),
		"x_test":  npyBytes(b, "|u1", []int{10000, 28, 28}, pix(10000)),
	})
	for b.Loop() {
		load(b, Spec{Path: path})
	}
}
