package dbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

func testConfig() TrainConfig {
	return TrainConfig{PretrainEpochs: 2, K: 1, Chains: 10, MeanField: MeanFieldConfig{Iters: 10, Tol: 1e-7}, WeightDecay: 1e-4}
}

// TestStatisticsMatchAutodiff: the trainer's sufficient statistics equal
// Gorgonia's gradient of mean E(data) − mean E(model), states held fixed.
func TestStatisticsMatchAutodiff(t *testing.T) {
	d := randomDBM(t, []int{7, 5, 4, 3}, 0.5, 2)
	tr, err := NewTrainer(d, testConfig(), 6)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	const nData, nModel = 6, 10
	data, model := make([][]float32, 4), make([][]float32, 4)
	dataT, modelT := make([]*tensor.Dense, 4), make([]*tensor.Dense, 4)
	for l, n := range d.Layers() {
		data[l], model[l] = make([]float32, nData*n), make([]float32, nModel*n)
		for i := range data[l] {
			data[l][i] = float32(rng.Float64())
		}
		for i := range model[l] {
			model[l][i] = float32(rng.IntN(2))
		}
		dataT[l] = tensor.New(tensor.WithShape(nData, n), tensor.WithBacking(data[l]))
		modelT[l] = tensor.New(tensor.WithShape(nModel, n), tensor.WithBacking(model[l]))
	}
	tr.statistics(data, nData, model, nModel)
	ad, err := NewAutodiffGradient(d, nData, nModel)
	if err != nil {
		t.Fatal(err)
	}
	want := NewGradient(d)
	if err := ad.Compute(d, dataT, modelT, want); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		got, want []*tensor.Dense
	}{{"W", tr.grad.W, want.W}, {"b", tr.grad.B, want.B}} {
		for l := range p.got {
			g, w := p.got[l].Float32s(), p.want[l].Float32s()
			for i := range g {
				if math.Abs(float64(g[i]-w[i])) > 1e-5 {
					t.Fatalf("%s[%d][%d]: statistics %g, autodiff %g", p.name, l, i, g[i], w[i])
				}
			}
		}
	}
}
