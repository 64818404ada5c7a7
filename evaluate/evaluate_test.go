package evaluate

import (
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/rbm"
	"gorgonia.org/tensor"
)

// smallRBM is a 16×8 float64 RBM with random parameters, small enough for
// exact log Z, as a trainer (the Evaluable the report takes).
func smallRBM(t *testing.T, seed uint64) *rbm.Trainer {
	t.Helper()
	r, err := rbm.New(16, 8, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, x := range [][]float64{r.W.Float64s(), r.B.Float64s(), r.C.Float64s()} {
		for i := range x {
			x[i] = 0.5 * rng.NormFloat64()
		}
	}
	tr, err := rbm.NewTrainer(r, energy.TrainConfig{K: 1}, 10, rng)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// bars are n 4×4 images, class 0 the top half lit and class 1 the left
// half, each pixel flipped with probability 0.05.
func bars(n int, rng *rand.Rand) data.Examples {
	x := make([]float64, n*16)
	labels := make([]int, n)
	for r := range n {
		labels[r] = r % 2
		for p := range 16 {
			on := p < 8
			if r%2 == 1 {
				on = p%4 < 2
			}
			if rng.Float64() < 0.05 {
				on = !on
			}
			if on {
				x[r*16+p] = 1
			}
		}
	}
	return data.Examples{X: tensor.New(tensor.WithShape(n, 16), tensor.WithBacking(x)), Labels: labels}
}

// TestLogLikelihoodAgainstExact: on a model small enough to enumerate, the
// report holds the exact log Z and test log-likelihood, AIS's log Z lies
// within 0.1 nats of it and inside its interval, the log-likelihoods follow
// from log Z and the free energies, and RAISE lies below the exact
// log-likelihood of its images (it is a stochastic lower bound; 0.5 nats of
// slack for its noise).
func TestLogLikelihoodAgainstExact(t *testing.T) {
	m := smallRBM(t, 3)
	rng := rand.New(rand.NewPCG(4, 5))
	train, test := bars(200, rng), bars(50, rng)
	l, err := LogLikelihood(m, train.X, test.X, AISOptions{Steps: 3000, Runs: 50, Seed: 1, Raise: 10}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if l.LogZExact == nil || l.TestLLExact == nil {
		t.Fatal("no exact log Z for a model of 8 hidden units")
	}
	z := *l.LogZExact
	if math.Abs(l.LogZ-z) > 0.1 || z > l.LogZHi || (l.LogZLo != nil && z < *l.LogZLo) {
		t.Errorf("AIS log Z %g [%v, %g], exact %g", l.LogZ, l.LogZLo, l.LogZHi, z)
	}
	if d := (l.TestLL + l.LogZ) - (*l.TestLLExact + z); math.Abs(d) > 1e-9 {
		t.Errorf("test ll %g with log Z %g, exact %g with %g: the free-energy terms differ by %g", l.TestLL, l.LogZ, *l.TestLLExact, z, d)
	}
	if l.TestLLRaise == nil || l.RaiseImages != 10 {
		t.Fatalf("RAISE on %d images: %v", l.RaiseImages, l.TestLLRaise)
	}
	f := m.DataFreeEnergy(data.RowRange(test.X, 0, 10))
	exactFirst := 0.0
	for _, x := range f {
		exactFirst += (-x - z) / 10
	}
	if *l.TestLLRaise > exactFirst+0.5 {
		t.Errorf("RAISE %g above the exact log-likelihood %g of its images", *l.TestLLRaise, exactFirst)
	}
	if _, err := LogLikelihood(m, train.X, test.X, AISOptions{Steps: 2, Runs: 5}, io.Discard); err == nil {
		t.Error("a schedule of 2 steps accepted")
	}
}

// TestClassifyLearnsBars: the linear classifier on a random RBM's features
// and the fine-tuned network both separate two bar patterns, on the test
// and on the validation examples; unlabelled examples are refused.
func TestClassifyLearnsBars(t *testing.T) {
	m := smallRBM(t, 7)
	rng := rand.New(rand.NewPCG(8, 9))
	train, valid, test := bars(400, rng), bars(100, rng), bars(100, rng)
	c, err := Classify(m, train, valid, test, 2, ClassifierOptions{LinearEpochs: 20, FinetuneEpochs: 20, FinetuneLR: 0.1, Seed: 1}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]*float64{"linear test": c.LinearError, "linear validation": c.LinearValid, "fine-tuned test": c.FinetuneError, "fine-tuned validation": c.FinetuneValid} {
		if e == nil || *e > 0.05 {
			t.Errorf("%s error %v, want at most 0.05", name, e)
		}
	}
	if c.ValidImages != 100 || c.LinearEpochs != 20 || c.FinetuneEpochs != 20 {
		t.Errorf("report %+v", c)
	}
	if _, err := Classify(m, data.Examples{X: train.X}, valid, test, 2, ClassifierOptions{LinearEpochs: 1}, io.Discard); err == nil || !strings.Contains(err.Error(), "labels") {
		t.Errorf("unlabelled training examples: %v", err)
	}
}
