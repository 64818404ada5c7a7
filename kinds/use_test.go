package kinds

import (
	"math"
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
