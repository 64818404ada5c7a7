package files

import (
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

// BenchmarkLoadNPZ reads and prepares the same 70,000 MNIST images from a
// .npz of uint8 arrays, as np.savez writes it.
func BenchmarkLoadNPZ(b *testing.B) {
	dir, err := mnist.DefaultDir()
	if err != nil {
		b.Skip(err)
	}
	raw, err := mnist.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "mnist.npz")
	writeNPZ(b, path, map[string][]byte{
		"x_train": npyBytes(b, "|u1", []int{raw.Train.N, 28, 28}, raw.Train.X.Bytes),
		"x_test":  npyBytes(b, "|u1", []int{raw.Test.N, 28, 28}, raw.Test.X.Bytes),
	})
	for b.Loop() {
		load(b, Spec{Path: path})
	}
}
