package traincmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// toyData writes a small .npz (200 + 40 rows of 16 binary values) and
// returns its path.
func toyData(t *testing.T) string {
	t.Helper()
	px := make([]byte, 240*16)
	for i := range px {
		if (i*7919)%13 < 5 {
			px[i] = 255
		}
	}
	path := filepath.Join(t.TempDir(), "toy.npz")
	if err := npy.WriteArchive(path, map[string]*npy.Array{
		"x_train": {Shape: []int{200, 16}, Bytes: px[:200*16]},
		"x_test":  {Shape: []int{40, 16}, Bytes: px[200*16:]},
	}); err != nil {
		t.Fatal(err)
	}
	return path
}

func toyArgs(data, out string, epochs string, extra ...string) []string {
	return append([]string{"-quiet", "-data", data, "-validation", "0", "-hidden", "5", "-batch", "20", "-chains", "20",
		"-lr-schedule", "constant", "-epochs", epochs, "-out", out}, extra...)
}

func modelBytes(t *testing.T, run string) []byte {
	t.Helper()
	dir, err := checkpoint.Resolve(run)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, checkpoint.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestResumeWithTheSameFlags: the command line of a run with -resume added
// is accepted; a flag that changes a saved value is refused, naming the
// flag, the saved value and the given one.
func TestResumeWithTheSameFlags(t *testing.T) {
	data := toyData(t)
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), kinds.Builtin(), toyArgs(data, out, "2"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), kinds.Builtin(), toyArgs(data, out, "2", "-resume"), &stdout, &stderr); code != 0 {
		t.Errorf("the same command line with -resume: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	code := run(context.Background(), kinds.Builtin(), []string{"-quiet", "-out", out, "-resume", "-hidden", "6", "-lr", "0.01"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "-hidden: the run was saved with 5, given 6") || !strings.Contains(stderr.String(), "-lr: the run was saved with 0.05, given 0.01") {
		t.Errorf("a changed flag: exit %d, %s", code, stderr.String())
	}
}

// TestExtendRun: -resume -epochs N extends a finished run and an
// interrupted one; under the constant schedule the result is, byte for
// byte, the run started with N epochs, and the log says what happens to
// the schedules.
func TestExtendRun(t *testing.T) {
	data := toyData(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	straight := filepath.Join(dir, "straight")
	if code := run(context.Background(), kinds.Builtin(), toyArgs(data, straight, "5"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := modelBytes(t, straight)

	finished := filepath.Join(dir, "finished")
	if code := run(context.Background(), kinds.Builtin(), toyArgs(data, finished, "2"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-resume", "-out", finished, "-epochs", "5"}, &stdout, &stderr); code != 0 {
		t.Fatalf("extending a finished run: exit %d, %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "the run had 2 epochs and now has 5") {
		t.Errorf("the log does not say the run was extended:\n%s", stderr.String())
	}
	if !bytes.Equal(modelBytes(t, finished), want) {
		t.Error("a finished 2-epoch run extended to 5 differs from a 5-epoch run")
	}

	// Interrupted in its second epoch, then resumed with more epochs.
	interrupted := filepath.Join(dir, "interrupted")
	trainInterrupted(t, toyArgs(data, interrupted, "3"), interrupted, 1, 4)
	if code := run(context.Background(), kinds.Builtin(), []string{"-quiet", "-resume", "-out", interrupted, "-epochs", "5"}, &stdout, &stderr); code != 0 {
		t.Fatalf("extending an interrupted run: exit %d, %s", code, stderr.String())
	}
	if !bytes.Equal(modelBytes(t, interrupted), want) {
		t.Error("a 3-epoch run interrupted in its second epoch and resumed with 5 differs from a 5-epoch run")
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-quiet", "-resume", "-out", interrupted, "-epochs", "3"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "past the configured 3 epochs") {
		t.Errorf("shortening a finished run below its epochs: exit %d, %s", code, stderr.String())
	}
}

// TestBoltzmannMachineResumesExactly: a general Boltzmann machine trained
// by each rule through the command, interrupted mid-epoch and resumed,
// ends byte for byte where the uninterrupted run does.
func TestBoltzmannMachineResumesExactly(t *testing.T) {
	data := toyData(t)
	for _, name := range []string{"1985", "1985 -every-update", "modern", "meanfield"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rule, extra, _ := strings.Cut(name, " ")
			args := func(out string) []string {
				a := []string{"-quiet", "-model", "bm", "-bm-rule", rule, "-connectivity", "semi", "-hidden", "3", "-anneal", "2:1,1:2",
					"-stat-sweeps", "2", "-chains", "10", "-k", "1", "-data", data, "-validation", "0", "-batch", "20", "-epochs", "3", "-out", out}
				if extra != "" {
					a = append(a, extra)
				}
				return a
			}
			var stdout, stderr bytes.Buffer
			straight := filepath.Join(dir, "straight")
			if code := run(context.Background(), kinds.Builtin(), args(straight), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			cut := filepath.Join(dir, "cut")
			trainInterrupted(t, args(cut), cut, 1, 3)
			if code := run(context.Background(), kinds.Builtin(), []string{"-quiet", "-resume", "-out", cut}, &stdout, &stderr); code != 0 {
				t.Fatalf("resume: exit %d: %s", code, stderr.String())
			}
			if !bytes.Equal(modelBytes(t, cut), modelBytes(t, straight)) {
				t.Error("the resumed run's model differs from the uninterrupted one's")
			}
		})
	}
}

// trainInterrupted trains the run that args describe into out and stops
// it (as SIGINT does) after the given batch of the given epoch (0-based
// epochs done).
func trainInterrupted(t *testing.T, args []string, out string, epoch, batch int) {
	t.Helper()
	cfg, _, _, err := parseArgs(kinds.Builtin(), args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	split, err := cfg.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = kinds.Train(ctx, cfg, split, train.Options{Dir: out, AfterStep: func(p checkpoint.Progress) {
		if p.Epoch == epoch && p.Batch == batch {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("the run was not interrupted")
	}
}

// TestExportedModelIsNotResumed: a model exported without its trainer
// state (boltzmann export) is refused by -resume-from with a message that
// says why, and the export evaluates like any checkpoint.
func TestExportedModelIsNotResumed(t *testing.T) {
	data := toyData(t)
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), kinds.Builtin(), toyArgs(data, out, "1"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	exported := filepath.Join(t.TempDir(), "model")
	if err := checkpoint.Export(out, exported); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	code := run(context.Background(), kinds.Builtin(), []string{"-quiet", "-out", out, "-resume-from", exported}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "is a model-only export (no trainer.safetensors): it can be evaluated and loaded, not resumed") {
		t.Errorf("resuming from an export: exit %d, %s", code, stderr.String())
	}
	if !bytes.Equal(modelBytes(t, out), modelBytes(t, exported)) {
		t.Error("the exported model differs from the run's")
	}
}
