package evalcmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/fssnap"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// TestInterruptedEvalWritesNothing: eval stopped (its context cancelled,
// as SIGINT and SIGTERM do) in the middle of AIS, of RAISE or of a
// classifier's training exits 130, says it was interrupted, and leaves
// -out as it stood: absent when eval made it, byte for byte the earlier
// report when there was one.
func TestInterruptedEvalWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	cfg := kinds.Defaults()
	cfg.Epochs, cfg.TrainLimit, cfg.Hidden = 1, 1000, 12
	run := trainRun(t, cfg)
	var stdout, stderr bytes.Buffer
	earlier := filepath.Join(t.TempDir(), "earlier")
	if code := runEval(context.Background(), []string{"-quick", "-out", earlier, run}, &stdout, &stderr); code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(earlier, ReportFile)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"mid-AIS", []string{"-ais-steps", "10000000", "-ais-runs", "100"}},
		{"mid-RAISE", []string{"-ais-steps", "20000", "-ais-runs", "10", "-raise", "1000000"}},
		{"mid-classifier", []string{"-ais=false", "-linear-epochs", "1000000"}},
	} {
		for _, out := range []string{filepath.Join(t.TempDir(), "new", "eval"), earlier} {
			before, err := fssnap.Take(filepath.Dir(out))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			stderr.Reset()
			start := time.Now()
			code := runEval(ctx, append(append([]string{"-out", out}, tc.args...), run), &stdout, &stderr)
			cancel()
			if code != 130 || !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("%s into %s: exit %d after %v, stderr %q: want 130 and interrupted", tc.name, out, code, time.Since(start), stderr.String())
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("%s: stopped %v after it was asked to", tc.name, took-1500*time.Millisecond)
			}
			after, err := fssnap.Take(filepath.Dir(out))
			if err != nil {
				t.Fatal(err)
			}
			if diff := fssnap.Diff(before, after); diff != "" {
				t.Errorf("%s into %s: the interrupted eval changed:\n%s", tc.name, out, diff)
			}
		}
	}
}
