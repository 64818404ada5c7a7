package checkpoint

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPythonReadsSafetensors reads a checkpoint with an independent reader
// written in Python by the format's rules (experiments/python), and compares
// shapes and sums. It needs only python3's standard library; it is skipped
// where no python3 is installed.
func TestPythonReadsSafetensors(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	var buf bytes.Buffer
	c := sample()
	if err := EncodeSafetensors(&buf, append(c.Model, c.State...), map[string]string{"kind": "rbm"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "../experiments/python/read_safetensors.py", path).Output()
	if err != nil {
		t.Fatalf("python reader failed: %v", err)
	}
	var got struct {
		Metadata map[string]string
		Tensors  map[string]struct {
			Dtype string
			Shape []int
			Sum   float64
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	if got.Metadata["kind"] != "rbm" || len(got.Tensors) != 5 {
		t.Fatalf("python saw metadata %v and %d tensors", got.Metadata, len(got.Tensors))
	}
	for _, x := range append(c.Model, c.State...) {
		p, ok := got.Tensors[x.Name]
		if !ok {
			t.Errorf("python did not see %s", x.Name)
			continue
		}
		want := 0.0
		switch d := x.T.Data().(type) {
		case []float32:
			for _, v := range d {
				want += float64(v)
			}
		case []float64:
			for _, v := range d {
				want += v
			}
		case []uint8:
			for _, v := range d {
				want += float64(v)
			}
		case []int64:
			for _, v := range d {
				want += float64(v)
			}
		}
		if !equalInts(p.Shape, shapeOf(x.T)) || math.Abs(p.Sum-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: python read shape %v sum %g, Go wrote %v sum %g", x.Name, p.Shape, p.Sum, x.T.Shape(), want)
		}
	}
}
