package evaluate

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"gorgonia.org/tensor"
)

// TestClassifyRestoresBLASThreads: Classify changes the BLAS's threads for
// its own stages but leaves them as it found them, here a count that is
// neither one nor GOMAXPROCS, under each BLAS whose threads can be set.
func TestClassifyRestoresBLASThreads(t *testing.T) {
	defer tensor.Use(tensor.WhichBLAS())
	m := smallRBM(t, 7)
	rng := rand.New(rand.NewPCG(8, 9))
	train, valid, test := bars(100, rng), bars(20, rng), bars(20, rng)
	tried := 0
	for _, lib := range []string{fastblas.SIMDName, fastblas.OpenName} {
		if _, err := fastblas.Use(lib); err != nil {
			t.Logf("%s: %v", lib, err)
			continue
		}
		if !fastblas.Threads(3) {
			t.Logf("%s: its threads cannot be set", lib)
			continue
		}
		if _, ok := fastblas.CurrentThreads(); !ok {
			t.Logf("%s: its threads cannot be read", lib)
			continue
		}
		tried++
		if _, err := Classify(m, train, valid, test, 2, ClassifierOptions{LinearEpochs: 1, FinetuneEpochs: 1, FinetuneLR: 0.1, Seed: 1}, io.Discard); err != nil {
			t.Fatalf("%s: %v", lib, err)
		}
		if n, _ := fastblas.CurrentThreads(); n != 3 {
			t.Errorf("%s: %d threads after Classify, want the 3 it found", lib, n)
		}
	}
	if tried == 0 {
		t.Skip("no BLAS here has threads to set")
	}
}
