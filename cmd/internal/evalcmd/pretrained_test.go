package evalcmd_test

// The test of the pretrained models that the experiments ship under
// experiments/*/models/NAME: each loads, and its quick evaluation
// reproduces the number recorded beside it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/cmd/internal/evalcmd"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// Expected is a pretrained model's results.json: the numbers its
// RESULTS.md row quotes, each with the eval flags that give it.
type Expected struct {
	// Row names the table row the model's numbers come from.
	Row string `json:"row"`
	// Full is the number the table gives (full AIS), not checked in CI.
	Full Check `json:"full"`
	// Quick is eval -quick's estimate, recomputed by the test.
	Quick Check `json:"quick"`
}

// Check is one number of eval's JSON report.
type Check struct {
	// Flags are eval's flags before the model's path.
	Flags []string `json:"flags"`
	// Metric is the report's field, dotted, with indices into lists:
	// "test_ll", "recall.1.accuracy_t0".
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	// Tolerance is how far the recomputed number may be from Value: the
	// quick estimates are seeded, but on another CPU or BLAS the last bits
	// of a product can differ and send a chain another way, so it is a
	// fraction of the estimate's own spread, far below what a wrong or
	// damaged model gives.
	Tolerance float64 `json:"tolerance,omitempty"`
}

// experimentsDir is the repository's experiments folder, from this
// package's directory.
var experimentsDir = filepath.Join("..", "..", "..", "experiments")

// modelDirs lists experiments/*/models/*.
func modelDirs(t *testing.T) []string {
	dirs, err := filepath.Glob(filepath.Join(experimentsDir, "*", "models", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func TestPretrainedModelsLoad(t *testing.T) {
	dirs := modelDirs(t)
	if len(dirs) == 0 {
		t.Fatal("no pretrained models under experiments/*/models")
	}
	total := int64(0)
	for _, dir := range dirs {
		t.Run(modelName(dir), func(t *testing.T) {
			ck, err := checkpoint.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !ck.ModelOnly {
				t.Errorf("%s holds trainer state: ship the model alone (boltzmann export)", dir)
			}
			if _, err := kinds.Load(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := readExpected(dir); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if info, err := e.Info(); err == nil {
					total += info.Size()
				}
			}
		})
	}
	if total > 20<<20 {
		t.Errorf("the pretrained models take %.1f MB: keep them under 20 MB", float64(total)/(1<<20))
	}
}

func readExpected(dir string) (*Expected, error) {
	p := filepath.Join(dir, "results.json")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var e Expected
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if e.Quick.Metric == "" || e.Full.Metric == "" || e.Quick.Tolerance <= 0 {
		return nil, fmt.Errorf("%s: want full and quick checks, each with a metric, and the quick one's tolerance", p)
	}
	return &e, nil
}

// TestPretrainedModelsReproduce runs each model's quick evaluation and
// holds it to the number recorded beside the model.
func TestPretrainedModelsReproduce(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every pretrained model on the MNIST test set")
	}
	for _, dir := range modelDirs(t) {
		t.Run(modelName(dir), func(t *testing.T) {
			e, err := readExpected(dir)
			if err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"-json", "-quiet", "-out", t.TempDir()}, e.Quick.Flags...), dir)
			var stdout, stderr bytes.Buffer
			if code := evalcmd.Main(context.Background(), args, &stdout, &stderr); code != 0 {
				t.Fatalf("eval %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
			}
			got, err := metric(stdout.Bytes(), e.Quick.Metric)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-e.Quick.Value) > e.Quick.Tolerance {
				t.Errorf("eval %s: %s = %.4f, recorded %.4f ± %g", strings.Join(e.Quick.Flags, " "), e.Quick.Metric, got, e.Quick.Value, e.Quick.Tolerance)
			}
			t.Logf("%s: %s = %.4f (recorded %.4f; full evaluation %.4f)", dir, e.Quick.Metric, got, e.Quick.Value, e.Full.Value)
		})
	}
}

// metric reads a dotted field of a JSON report.
func metric(report []byte, path string) (float64, error) {
	var v any
	if err := json.Unmarshal(report, &v); err != nil {
		return 0, fmt.Errorf("eval's report: %w", err)
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return 0, fmt.Errorf("eval's report has no %s", path)
			}
			v = x[i]
		default:
			return 0, fmt.Errorf("eval's report has no %s", path)
		}
	}
	x, ok := v.(float64)
	if !ok {
		return 0, fmt.Errorf("eval's report: %s is %v, not a number", path, v)
	}
	return x, nil
}

// modelName is a model's directory under experiments/, for test names.
func modelName(dir string) string {
	rel, err := filepath.Rel(experimentsDir, dir)
	if err != nil {
		return dir
	}
	return rel
}
