package traincmd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/internal/testhook"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// childArgs, when set in the environment, makes the test binary a train
// command with these arguments (one per line): the crash test's child.
const childArgs = "BOLTZMANN_TRAIN_CHILD_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(childArgs); a != "" {
		// Each checkpoint write pauses after every file and rename, so
		// that many kills land inside one.
		testhook.CheckpointWrite = func() { time.Sleep(checkpointPause) }
		os.Exit(run(context.Background(), kinds.Builtin(), strings.Split(a, "\n"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// checkpointPause is how long the crash test's child pauses after each
// file and rename of a checkpoint write (five a checkpoint).
const checkpointPause = 15 * time.Millisecond

// crashKills is how many times the crash test kills each run: a few under
// -short, 50 in CI, 10 otherwise.
func crashKills() int {
	switch {
	case testing.Short():
		return 4
	case os.Getenv("CI") == "true":
		return 50
	}
	return 10
}

// TestCrashAnywhereResumesExactly trains a run in a child process, kills it
// with SIGKILL at random instants (during steps, evaluations and
// checkpoint writes alike), resumes it each time, and checks that every
// resume succeeds and that the final weights and trainer state equal an
// uninterrupted run's, byte for byte: for the RBM, and for a DBM killed in
// its pretraining and in its joint stage.
func TestCrashAnywhereResumesExactly(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		// stageEnd is the epoch at which a DBM's pretraining ends (0: one
		// stage): resumes must start on both sides of it.
		stageEnd int
	}{
		{"rbm", []string{"-hidden", "16", "-epochs", "8", "-train-limit", "1500", "-validation", "100", "-batch", "20", "-checkpoint-every", "1", "-keep", "2"}, 0},
		{"dbm", []string{"-model", "dbm", "-layers", "12,10", "-pretrain-epochs", "3", "-epochs", "4", "-train-limit", "600", "-validation", "100", "-batch", "20", "-chains", "20", "-lr", "0.005", "-binarize", "dynamic", "-keep", "2"}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A small copy of MNIST keeps each child's start-up short.
			args := append([]string{"-quiet", "-blas", "gonum", "-seed", "3", "-data", smallMNIST(t)}, tc.args...)
			whole := filepath.Join(t.TempDir(), "whole")
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), kinds.Builtin(), append(args, "-out", whole), &stdout, &stderr); code != 0 {
				t.Fatalf("uninterrupted run: exit %d: %s", code, stderr.String())
			}
			// The child's life measured on a child: its start-up (reading
			// MNIST) and then its training, whose epochs metrics.jsonl times.
			timing := filepath.Join(t.TempDir(), "timing")
			start := time.Now()
			if _, killed, err := runChild(t, append(args, "-out", timing), 0); err != nil || killed {
				t.Fatalf("timing run: %v", err)
			}
			span := time.Since(start)
			ms, err := train.ReadMetrics(timing)
			if err != nil {
				t.Fatal(err)
			}
			training, pretraining := 0.0, 0.0
			for _, m := range ms {
				training += m.Seconds
				if m.Epoch <= tc.stageEnd {
					pretraining += m.Seconds
				}
			}
			// Each epoch's checkpoint write pauses five times.
			pauses := func(epochs int) time.Duration { return time.Duration(epochs) * 5 * checkpointPause }
			startup := max(span-time.Duration(training*float64(time.Second))-pauses(len(ms)), 0)
			preWindow := time.Duration(pretraining*float64(time.Second)) + pauses(tc.stageEnd)
			rng := rand.New(rand.NewPCG(11, uint64(len(tc.name))))
			kills, resumes, cycles := 0, 0, 0
			stageResumes := [2]int{} // resumes from a checkpoint before and after stageEnd
			// Cycles of kill and resume until the run ends, each checked
			// against the uninterrupted run, until enough kills have landed.
			for kills < crashKills() {
				cycles++
				crashed := filepath.Join(t.TempDir(), "crashed")
				for attempt := 0; ; attempt++ {
					if attempt > 200 {
						t.Fatalf("cycle %d: no end after %d attempts", cycles, attempt)
					}
					childArgList := append(append([]string(nil), args...), "-out", crashed)
					if checkpoint.HasRun(crashed) {
						childArgList = []string{"-resume", "-out", crashed, "-quiet", "-blas", "gonum"}
						resumes++
						var epoch int
						if _, err := fmt.Sscanf(filepath.Base(latestDir(t, crashed)), "epoch-%d", &epoch); err == nil {
							stageResumes[min(max(epoch-tc.stageEnd+1, 0), 1)]++
						}
					}
					// Most kills land in the training (steps, evaluations,
					// checkpoint writes); one in five anywhere, start-up
					// included.
					// A DBM's every other kill aims at its pretraining.
					after := startup + time.Duration(rng.Int64N(int64(span-startup)+1))
					if tc.stageEnd > 0 && kills%2 == 0 {
						after = startup + time.Duration(rng.Int64N(int64(preWindow)+1))
					}
					if rng.IntN(5) == 0 {
						after = time.Duration(rng.Int64N(int64(span)))
					}
					if kills >= crashKills() {
						after = 0 // enough kills: let this cycle end
					}
					errOut, killed, err := runChild(t, childArgList, after)
					if err != nil {
						t.Fatalf("cycle %d, attempt %d (%v) failed: %v\n%s", cycles, attempt, childArgList, err, errOut)
					}
					if !killed {
						break
					}
					kills++
				}
				for _, f := range []string{"model.safetensors", "trainer.safetensors"} {
					a, err := os.ReadFile(filepath.Join(latestDir(t, whole), f))
					if err != nil {
						t.Fatal(err)
					}
					b, err := os.ReadFile(filepath.Join(latestDir(t, crashed), f))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(a, b) {
						t.Fatalf("cycle %d: %s: the killed and resumed run ends with other bytes than the uninterrupted one", cycles, f)
					}
				}
			}
			t.Logf("%d kills and %d resumes in %d cycles, each ending with the uninterrupted run's bytes; resumes by stage %v", kills, resumes, cycles, stageResumes)
			if tc.stageEnd > 0 && kills >= 50 && (stageResumes[0] == 0 || stageResumes[1] == 0) {
				t.Errorf("resumes from pretraining and from joint training: %v, want some of each", stageResumes)
			}
		})
	}
}

// runChild runs the train command with args in a child process and, when
// after is positive, kills it with SIGKILL after that long unless it has
// ended. It returns the child's standard error, whether the kill landed,
// and an error when the child failed on its own.
func runChild(t *testing.T, args []string, after time.Duration) (string, bool, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\n"))
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if after > 0 {
		select {
		case err = <-done:
		case <-time.After(after):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			err = <-done
		}
	} else {
		err = <-done
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return errOut.String(), true, nil
		}
	}
	return errOut.String(), false, err
}

func latestDir(t *testing.T, run string) string {
	t.Helper()
	dir, err := checkpoint.Latest(run)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// smallMNIST writes the first 1,600 training and 200 test images of MNIST,
// with their labels, as IDX files in a directory of their own.
func smallMNIST(t *testing.T) string {
	t.Helper()
	src, err := mnist.DefaultDir()
	if err != nil {
		t.Skip(err)
	}
	dst := t.TempDir()
	for _, f := range []struct {
		name string
		n    int
	}{{"train-images-idx3-ubyte", 1600}, {"train-labels-idx1-ubyte", 1600}, {"t10k-images-idx3-ubyte", 200}, {"t10k-labels-idx1-ubyte", 200}} {
		x, err := mnist.ReadIDX(filepath.Join(src, f.name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		per := len(x.Data) / x.Dims[0]
		dims := append([]int{f.n}, x.Dims[1:]...)
		var b bytes.Buffer
		b.Write([]byte{0, 0, 8, byte(len(dims))})
		for _, d := range dims {
			_ = binary.Write(&b, binary.BigEndian, uint32(d))
		}
		b.Write(x.Data[:f.n*per])
		if err := os.WriteFile(filepath.Join(dst, f.name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
