package train

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSchedules(t *testing.T) {
	c := Defaults()
	c.LR, c.LRFinal, c.LRDecay = 0.01, 0.001, 0.95
	c.MomentumInitial, c.Momentum, c.MomentumEpochs = 0.5, 0.9, 5
	for _, tc := range []struct {
		schedule    string
		step, total int64
		epoch       int
		want        float64
	}{
		{ScheduleConstant, 50, 100, 3, 0.01},
		{ScheduleLinear, 0, 100, 0, 0.01},
		{ScheduleLinear, 50, 100, 3, 0.0055},
		{ScheduleLinear, 100, 100, 9, 0.001},
		{ScheduleExponential, 77, 100, 0, 0.01},
		{ScheduleExponential, 77, 100, 2, 0.01 * 0.95 * 0.95},
	} {
		c.LRSchedule = tc.schedule
		if got := c.LearningRate(tc.step, tc.total, tc.epoch); abs(got-tc.want) > 1e-15 {
			t.Errorf("%s at step %d/%d epoch %d: %g, want %g", tc.schedule, tc.step, tc.total, tc.epoch, got, tc.want)
		}
	}
	if c.MomentumAt(c.MomentumEpochs-1) != c.MomentumInitial || c.MomentumAt(c.MomentumEpochs) != c.Momentum {
		t.Error("momentum does not switch after momentum_epochs")
	}
}

func abs(x float64) float64 { return max(x, -x) }

func TestDecodeConfigRejectsUnknownFields(t *testing.T) {
	c := Defaults()
	err := DecodeConfig([]byte("hidden: 3\nhiden: 4\n"), &c)
	if err == nil || !strings.Contains(err.Error(), "field hiden not found") {
		t.Fatalf("error %v", err)
	}
	c = Defaults()
	if err := DecodeConfig(nil, &c); err != nil || !reflect.DeepEqual(c, Defaults()) {
		t.Errorf("empty file: %v, %+v", err, c)
	}
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte("hidden: 64\nlr: 0.2\n"))
	f.Add([]byte(`{"epochs": 3, "pcd": false, "seed": 18446744073709551615}`))
	f.Add([]byte("- 1\n- 2\n"))
	f.Add([]byte("hidden: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Defaults()
		if err := DecodeConfig(b, &c); err != nil {
			return
		}
		_ = c.Validate() // must not panic whatever the values
	})
}
