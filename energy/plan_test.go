package energy_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/race"
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
	"gorgonia.org/tensor"
)

// TestPlanGradientEqualsTapeMachine holds the compiled gradient of each
// model (one graph on the data and model rows stacked) to Gorgonia's tape
// machine's on the graph of two branches, mean F(v_model) − mean
// F(v_data), to 1e-12, with unequal numbers of data and model rows: the
// spin RBM of Example_ownModel and the Gaussian RBM of rbm/grbm, with
// random parameters (pre-activations beyond sigmoid's and softplus's
// cut-offs included) and random rows.
func TestPlanGradientEqualsTapeMachine(t *testing.T) {
	g, err := grbm.New(9, 6)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		m     energy.Model
		scale float64 // of the random parameters
	}{
		{"spin-rbm", newSpinRBM(9, 6), 1},
		{"spin-rbm-saturated", newSpinRBM(9, 6), 12},
		{"gaussian-rbm", g, 0.7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 5))
			for _, p := range tc.m.Parameters() {
				for i := range p.T.Float64s() {
					p.T.Float64s()[i] = tc.scale * rng.NormFloat64()
				}
			}
			nv := tc.m.Visible()
			rows := func(n int) *tensor.Dense {
				x := make([]float64, n*nv)
				for i := range x {
					x[i] = float64(rng.IntN(2))*2 - 1 + 0.3*rng.NormFloat64()
				}
				return tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(x))
			}
			vd, vm := rows(8), rows(5)
			plan, err := energy.NewFreeEnergyGradient(tc.m, 8, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !plan.Compiled() {
				t.Fatal("the model's gradient did not compile to a plan")
			}
			tape, err := energy.NewTapeGradient(tc.m, 8, 5)
			if err != nil {
				t.Fatal(err)
			}
			got, want := outputs(tc.m), outputs(tc.m)
			for range 2 { // the second run reuses the plan's buffers
				if err := plan.Compute(tc.m, vd, vm, got); err != nil {
					t.Fatal(err)
				}
			}
			if err := tape.Compute(tc.m, vd, vm, want); err != nil {
				t.Fatal(err)
			}
			for k, p := range tc.m.Parameters() {
				for i, w := range want[k].Float64s() {
					if d := math.Abs(got[k].Float64s()[i] - w); d > 1e-12*max(1, math.Abs(w)) {
						t.Errorf("%s[%d]: plan %.17g, tape machine %.17g", p.Name, i, got[k].Float64s()[i], w)
					}
				}
			}
			ps := tc.m.Parameters()
			if a := testing.AllocsPerRun(5, func() { _ = plan.ComputeParameters(ps, vd, vm, got) }); a != 0 && !race.Enabled {
				t.Errorf("a compiled gradient allocated %v times", a)
			}
		})
	}
}

func outputs(m energy.Model) []*tensor.Dense {
	var out []*tensor.Dense
	for _, p := range m.Parameters() {
		out = append(out, tensor.New(tensor.WithShape(p.T.Shape().Clone()...), tensor.Of(p.T.Dtype())))
	}
	return out
}
