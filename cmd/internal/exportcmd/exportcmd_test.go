package exportcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"gorgonia.org/tensor"
)

func TestExportCommand(t *testing.T) {
	run := t.TempDir()
	c := &checkpoint.Checkpoint{
		Kind: "rbm", Config: json.RawMessage(`{"hidden":2}`), Progress: checkpoint.Progress{Epoch: 1, Step: 3},
		Model: []checkpoint.Tensor{{Name: "W", T: tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))}},
		State: []checkpoint.Tensor{{Name: "v", T: tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{5}))}},
	}
	if _, err := checkpoint.Save(run, c, 0); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "model")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"-h"}, 0, "", "usage: boltzmann export RUN DIR"},
		{"one argument", []string{run}, 2, "", "want a run (or checkpoint) and a directory to write, got 1 arguments"},
		{"no run", []string{filepath.Join(run, "nothing"), dst}, 1, "", "no such file or directory"},
		{"export", []string{run, dst}, 0, "exported " + filepath.Join(run, "checkpoints", "epoch-000001") + " to " + dst, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d with %q, %q", code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.stderr)
			}
		})
	}
	ck, err := checkpoint.Load(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !ck.ModelOnly || len(ck.Model) != 1 {
		t.Errorf("the export loads with model-only %v and %d tensors", ck.ModelOnly, len(ck.Model))
	}
	if _, err := os.Stat(filepath.Join(dst, checkpoint.TrainerFile)); err == nil {
		t.Error("the export holds the trainer's state")
	}
}
