package traincmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/kinds"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden-weights.json from this build")

// goldenRuns are short fixed-seed runs of every kind through the command.
// Their weights and trainer state, byte for byte, are what a refactoring
// must not change: testdata/golden-weights.json holds the SHA-256 of each
// final checkpoint's model.safetensors and trainer.safetensors, recorded
// before the redesign that split the loop from the model kinds.
var goldenRuns = []struct {
	name string
	args []string
}{
	{"rbm", []string{"-hidden", "20", "-epochs", "2", "-train-limit", "600", "-validation", "100", "-batch", "50"}},
	{"rbm-cd-float64", []string{"-hidden", "20", "-epochs", "2", "-train-limit", "600", "-validation", "100", "-batch", "50", "-pcd=false", "-k", "2", "-dtype", "float64", "-binarize", "dynamic"}},
	{"rbm-pt", []string{"-hidden", "20", "-epochs", "2", "-train-limit", "600", "-validation", "100", "-batch", "50", "-sampler", "pt", "-temperatures", "3", "-chains", "20"}},
	{"rbm-fpcd", []string{"-hidden", "20", "-epochs", "2", "-train-limit", "600", "-validation", "100", "-batch", "50", "-sampler", "fpcd"}},
	{"grbm", []string{"-model", "grbm", "-binarize", "none", "-dtype", "float64", "-hidden", "16", "-epochs", "2", "-train-limit", "300", "-validation", "100", "-batch", "50", "-lr", "0.01"}},
	{"grbm-float32", []string{"-model", "grbm", "-binarize", "none", "-dtype", "float32", "-hidden", "16", "-epochs", "2", "-train-limit", "300", "-validation", "100", "-batch", "50", "-lr", "0.01"}},
	{"dbm", []string{"-model", "dbm", "-layers", "20,30", "-pretrain-epochs", "1", "-epochs", "2", "-train-limit", "600", "-validation", "100", "-batch", "50", "-chains", "50", "-lr", "0.005", "-binarize", "dynamic"}},
	{"dbm-sample", []string{"-model", "dbm", "-layers", "10,10,10", "-pretrain-epochs", "1", "-pretrain-sample", "-epochs", "1", "-train-limit", "300", "-validation", "100", "-batch", "50", "-chains", "20"}},
	{"hopfield", []string{"-model", "hopfield", "-binarize", "none", "-rule", "pseudo-inverse", "-prototypes", "2", "-train-limit", "1000", "-validation", "100"}},
}

// TestGoldenWeights trains each golden run and compares its final
// checkpoint's files with the recorded hashes.
func TestGoldenWeights(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	path := filepath.Join("testdata", "golden-weights.json")
	want := map[string]map[string]string{}
	if !*updateGolden {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	got := map[string]map[string]string{}
	for _, g := range goldenRuns {
		t.Run(g.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			var stdout, stderr bytes.Buffer
			args := append([]string{"-out", out, "-quiet", "-blas", "gonum", "-seed", "7"}, g.args...)
			if code := run(context.Background(), kinds.Builtin(), args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			latest, err := os.ReadFile(filepath.Join(out, "checkpoints", "latest"))
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(out, "checkpoints", string(bytes.TrimSpace(latest)))
			got[g.name] = map[string]string{}
			for _, f := range []string{"model.safetensors", "trainer.safetensors"} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if os.IsNotExist(err) {
					continue // a Hopfield memory has no trainer state
				}
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(b)
				got[g.name][f] = hex.EncodeToString(sum[:])
				if !*updateGolden && want[g.name][f] != got[g.name][f] {
					t.Errorf("%s: sha256 %s, want %s (recorded in %s)", f, got[g.name][f], want[g.name][f], path)
				}
			}
			if !*updateGolden && len(want[g.name]) != len(got[g.name]) {
				t.Errorf("files %v, want %v", got[g.name], want[g.name])
			}
		})
	}
	if *updateGolden {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
