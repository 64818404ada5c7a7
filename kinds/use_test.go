package kinds

import (
	"encoding/json"
	"math"
	"os/exec"
	"strings"
	"testing"
)

func TestLoadedRefusesBadRows(t *testing.T) {
	rbm, err := Load("../experiments/rbm-mnist/models/pcd5-dyn100")
	if err != nil {
		t.Fatal(err)
	}
	if !rbm.ModelOnly {
		t.Error("the pretrained model does not load as model-only")
	}
	hop, err := Load("../experiments/hopfield-capacity/models/pseudo-inverse-3")
	if err != nil {
		t.Fatal(err)
	}
	row := make([]float32, 784)
	bad := make([]float32, 784)
	bad[17] = float32(math.NaN())
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"short row", func() error { _, err := rbm.Features([][]float32{row, row[:783]}); return err }(), "row 1 has 783 values, the model has 784 visible units"},
		{"NaN", func() error { _, err := rbm.FreeEnergy([][]float32{bad}); return err }(), "row 0, value 17 is NaN"},
		{"no rows", func() error { _, err := rbm.FreeEnergy(nil); return err }(), "no rows given"},
		{"no samples", func() error { _, err := rbm.Samples(0, 10, 1); return err }(), "0 samples"},
		{"hopfield features", func() error { _, err := hop.Features([][]float32{row}); return err }(), "a hopfield model has no features"},
		{"hopfield samples", func() error { _, err := hop.Samples(1, 1, 1); return err }(), "a hopfield model has no sampler"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

// TestNumpyReadsPretrainedRBM runs the README's numpy reader of a
// pretrained model (experiments/python/pretrained_numpy.py) and holds its
// free energies and features to the Go side's. It is skipped where
// Debian's python3 has no numpy.
func TestNumpyReadsPretrainedRBM(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skip("no numpy for /usr/bin/python3 (apt-get install python3-numpy)")
	}
	const dir = "../experiments/rbm-mnist/models/pcd5-dyn100"
	out, err := exec.Command(py, "../experiments/python/pretrained_numpy.py", dir).Output()
	if err != nil {
		t.Fatalf("the numpy reader failed: %v", err)
	}
	var got struct {
		FreeEnergy  []float64 `json:"free_energy"`
		MeanFeature float64   `json:"mean_feature"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	stripes, blank := make([]float32, 784), make([]float32, 784)
	for i := range stripes {
		if i/28%2 == 0 {
			stripes[i] = 1
		}
	}
	f, err := m.FreeEnergy([][]float32{stripes, blank})
	if err != nil {
		t.Fatal(err)
	}
	feats, err := m.Features([][]float32{stripes})
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for _, x := range feats[0] {
		mean += float64(x) / float64(len(feats[0]))
	}
	// float32 sums over 784 pixels and 500 units on the Go side.
	for i := range f {
		if len(got.FreeEnergy) != 2 || math.Abs(f[i]-got.FreeEnergy[i]) > 0.05 {
			t.Errorf("free energy of row %d: Go %.4f, numpy %v", i, f[i], got.FreeEnergy)
		}
	}
	if math.Abs(mean-got.MeanFeature) > 1e-5 {
		t.Errorf("mean p(h|v): Go %.7f, numpy %.7f", mean, got.MeanFeature)
	}
}
