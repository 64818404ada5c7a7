package ais

import (
	"math"
	"testing"
)

func TestPaperSchedule(t *testing.T) {
	b, err := Schedule(PaperSegments)
	if err != nil {
		t.Fatal(err)
	}
	if len(b)-1 != PaperK {
		t.Fatalf("%d transitions, want %d", len(b)-1, PaperK)
	}
	for _, tc := range []struct {
		i    int
		want float64
	}{{0, 0}, {1, 0.001}, {500, 0.5}, {501, 0.5001}, {4500, 0.9}, {4501, 0.90001}, {PaperK, 1}} {
		if math.Abs(b[tc.i]-tc.want) > 1e-12 {
			t.Errorf("β_%d = %.10g, want %g", tc.i, b[tc.i], tc.want)
		}
	}
	s, err := ScaledSchedule(PaperK)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		if s[i] != b[i] {
			t.Fatalf("scaled schedule at full length differs at %d", i)
		}
	}
	q, _ := ScaledSchedule(1450)
	if len(q)-1 != 1450 || q[50] != 0.5 || q[450] != 0.9 {
		t.Errorf("a tenth of the schedule: %d transitions, β_50 = %g, β_450 = %g", len(q)-1, q[50], q[450])
	}
	for _, bad := range [][]Segment{{{0.5, 0.1}}, {{0.5, 0}, {1, 0.1}}, {{1.5, 0.1}}} {
		if _, err := Schedule(bad); err == nil {
			t.Errorf("schedule %v accepted", bad)
		}
	}
}

func TestFromLogWeights(t *testing.T) {
	// Weights 1, 2, 3, 4 (times e^500, to check the log-space arithmetic).
	logw := []float64{500, 500 + math.Log(2), 500 + math.Log(3), 500 + math.Log(4)}
	e, err := FromLogWeights(10, logw)
	if err != nil {
		t.Fatal(err)
	}
	mean, sd := 2.5, math.Sqrt(5.0/3) // sample standard deviation of 1..4
	se := sd / 2
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"log Z", e.LogZ, 510 + math.Log(mean)},
		{"upper", e.LogZHi, 510 + math.Log(mean+3*se)},
		{"ESS", e.ESS, 100.0 / 30},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
		}
	}
	if !math.IsInf(e.LogZLo, -1) { // 2.5 − 3·0.645 > 0 ... check the arithmetic either way
		if want := 510 + math.Log(mean-3*se); math.Abs(e.LogZLo-want) > 1e-12 {
			t.Errorf("lower = %g, want %g", e.LogZLo, want)
		}
	}
	wide, _ := FromLogWeights(0, []float64{0, 20})
	if !math.IsInf(wide.LogZLo, -1) {
		t.Errorf("two weights 1 and e^20: lower end %g, want −Inf", wide.LogZLo)
	}
	if _, err := FromLogWeights(0, []float64{1, math.NaN()}); err == nil {
		t.Error("NaN weight accepted")
	}
	if _, err := FromLogWeights(0, nil); err == nil {
		t.Error("no runs accepted")
	}
	if got := LogMeanExp([]float64{-1000, -1000}); got != -1000 {
		t.Errorf("LogMeanExp = %g, want -1000", got)
	}
}
