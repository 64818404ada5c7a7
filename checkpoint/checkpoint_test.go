package checkpoint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/version"
	"gorgonia.org/tensor"
)

func sample() *Checkpoint {
	w := make([]float32, 12)
	for i := range w {
		w[i] = float32(i)*0.37 - 1.5
	}
	return &Checkpoint{
		Kind:     "rbm",
		Config:   json.RawMessage(`{"hidden":4}`),
		Progress: Progress{Epoch: 3, Step: 300},
		Model: []Tensor{
			{"W", tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(w))},
			{"b", tensor.New(tensor.WithShape(3), tensor.WithBacking([]float32{1e-30, -0, 3.4e38}))},
		},
		State: []Tensor{
			{"velocity", tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1.0 / 3, -2e-300}))},
			{"rng.pcg", tensor.New(tensor.WithShape(3), tensor.WithBacking([]uint8{1, 2, 255}))},
			{"count", tensor.New(tensor.WithShape(1), tensor.WithBacking([]int64{-7}))},
		},
	}
}

func TestSafetensorsRoundTripBitForBit(t *testing.T) {
	c := sample()
	var first bytes.Buffer
	if err := EncodeSafetensors(&first, c.State, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := DecodeSafetensors(first.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if meta["k"] != "v" || len(ts) != 3 {
		t.Fatalf("decoded %d tensors, metadata %v", len(ts), meta)
	}
	// Decoding sorts by name; re-encode in the original order and compare.
	byName := map[string]Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}
	var again []Tensor
	for _, x := range c.State {
		again = append(again, byName[x.Name])
	}
	var second bytes.Buffer
	if err := EncodeSafetensors(&second, again, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("re-encoding the decoded tensors changed the bytes")
	}
	if hl := first.Bytes()[0]; hl%8 != 0 {
		t.Errorf("header of %d bytes is not padded to a multiple of 8", hl)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	run := t.TempDir()
	c := sample()
	dir, err := Save(run, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "epoch-000003" {
		t.Errorf("checkpoint directory %s", dir)
	}
	got, err := Load(run)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, got.Config)
	if got.Kind != "rbm" || got.Progress != c.Progress || compact.String() != `{"hidden":4}` {
		t.Errorf("loaded kind %q progress %+v config %s", got.Kind, got.Progress, got.Config)
	}
	// Copy into fresh tensors of the right shapes and compare bits.
	dst := []Tensor{
		{"W", tensor.New(tensor.WithShape(3, 4), tensor.Of(tensor.Float32))},
		{"b", tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))},
	}
	if err := Assign(dst, got.Model, "model"); err != nil {
		t.Fatal(err)
	}
	for i, want := range c.Model {
		var a, b bytes.Buffer
		_ = writeData(&a, want.T)
		_ = writeData(&b, dst[i].T)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("tensor %s changed in the round trip", want.Name)
		}
	}
	// A second save of the same file content is byte-identical.
	run2 := t.TempDir()
	dir2, err := Save(run2, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ModelFile, TrainerFile, ConfigFile} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(dir2, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two saves of one checkpoint", f)
		}
	}
}

func TestAssignChecksShapes(t *testing.T) {
	c := sample()
	for _, tc := range []struct {
		name string
		dst  []Tensor
		want string
	}{
		{"wrong shape", []Tensor{{"W", tensor.New(tensor.WithShape(4, 3), tensor.Of(tensor.Float32))}, {"b", tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))}}, `"W" is float32 (3, 4)`},
		{"wrong dtype", []Tensor{{"W", tensor.New(tensor.WithShape(3, 4), tensor.Of(tensor.Float64))}, {"b", tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))}}, "float64"},
		{"missing", []Tensor{{"W", c.Model[0].T}, {"b", c.Model[1].T}, {"c", c.Model[1].T}}, `"c" missing`},
		{"unexpected", []Tensor{{"W", c.Model[0].T}}, "unexpected tensors [b]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Assign(tc.dst, c.Model, "model")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadRefusesCorruption(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
		spoil            func([]byte) []byte
	}{
		{"truncated weights", ModelFile, "truncated or altered", func(b []byte) []byte { return b[:len(b)-4] }},
		{"flipped bit", ModelFile, "SHA-256", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"altered state", TrainerFile, "SHA-256", func(b []byte) []byte { b[20] ^= 0x40; return b }},
		{"future version", ConfigFile, "format_version 2", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"format_version": 1`), []byte(`"format_version": 2`), 1)
		}},
		{"older version", ConfigFile, "format_version 0 (written by boltzmann v0.1.0) not supported: this build reads version 1, and 0 is an older layout", func(b []byte) []byte {
			b = bytes.Replace(b, []byte(`"format_version": 1`), []byte(`"format_version": 0`), 1)
			return regexp.MustCompile(`"version": "[^"]*"`).ReplaceAll(b, []byte(`"version": "v0.1.0"`))
		}},
		{"unknown field", ConfigFile, "unknown field", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"kind"`), []byte(`"colour": 1, "kind"`), 1)
		}},
		{"shape disagrees", ConfigFile, "config.json records F32 [4 3]", func(b []byte) []byte {
			return bytes.Replace(b, []byte("3,\n        4"), []byte("4,\n        3"), 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := t.TempDir()
			dir, err := Save(run, sample(), 0)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, tc.file)
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(p, tc.spoil(b), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Load(run)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestSaveKeepsNewestAndPointsLatest(t *testing.T) {
	run := t.TempDir()
	c := sample()
	for _, p := range []Progress{{Epoch: 1, Step: 10}, {Epoch: 1, Batch: 3, Step: 13}, {Epoch: 2, Step: 20}, {Epoch: 3, Step: 30}} {
		c.Progress = p
		if _, err := Save(run, c, 2); err != nil {
			t.Fatal(err)
		}
	}
	names, err := List(run)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "epoch-000002,epoch-000003" {
		t.Errorf("kept %v, want the newest two", names)
	}
	latest, err := Latest(run)
	if err != nil || filepath.Base(latest) != "epoch-000003" {
		t.Errorf("latest %s, %v", latest, err)
	}
	entries, _ := os.ReadDir(filepath.Join(run, Dir))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
	// Saving the same progress again replaces the checkpoint.
	c.Progress = Progress{Epoch: 3, Step: 30}
	if _, err := Save(run, c, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(run); err != nil {
		t.Fatal(err)
	}
}

func TestResolveErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("missing path accepted")
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "neither a checkpoint") {
		t.Errorf("empty directory: %v", err)
	}
	run := t.TempDir()
	_ = os.MkdirAll(filepath.Join(run, Dir), 0o755)
	_ = os.WriteFile(filepath.Join(run, Dir, LatestFile), []byte("../../etc\n"), 0o644)
	if _, err := Load(run); err == nil || !strings.Contains(err.Error(), "invalid checkpoint name") {
		t.Errorf("latest pointing outside: %v", err)
	}
}

func FuzzDecodeSafetensors(f *testing.F) {
	var b bytes.Buffer
	_ = EncodeSafetensors(&b, sample().State, map[string]string{"a": "b"})
	f.Add(b.Bytes())
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	f.Add([]byte(`xxxxxxxx{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, _, err := DecodeSafetensors(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := EncodeSafetensors(&out, ts, nil); err != nil {
			t.Fatalf("decoded tensors do not re-encode: %v", err)
		}
		if _, _, err := DecodeSafetensors(out.Bytes()); err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
	})
}

func FuzzLoadManifest(f *testing.F) {
	run := f.TempDir()
	dir, err := Save(run, sample(), 0)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(dir, ConfigFile))
	f.Add(good)
	f.Add([]byte(`{"format_version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = parseManifest(b)
	})
}

func TestPinSurvivesPruning(t *testing.T) {
	dir := t.TempDir()
	save := func(epoch int) string {
		t.Helper()
		w := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{float32(epoch), 1}))
		name, err := Save(dir, &Checkpoint{Kind: "test", Config: []byte("{}"), Progress: Progress{Epoch: epoch, Step: int64(epoch)},
			Model: []Tensor{{Name: "W", T: w}}}, 1)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.Base(name)
	}
	first := save(1)
	if err := Pin(dir, first, "end-of-stage-1"); err != nil {
		t.Fatal(err)
	}
	save(2)
	save(3)
	if names, _ := List(dir); len(names) != 1 {
		t.Fatalf("keep 1 left %v", names)
	}
	ck, err := Load(filepath.Join(dir, Dir, "end-of-stage-1"))
	if err != nil {
		t.Fatal(err)
	}
	if ck.Progress.Epoch != 1 || ck.Model[0].T.Float32s()[0] != 1 {
		t.Errorf("pinned checkpoint holds %+v", ck.Progress)
	}
	for _, bad := range []string{"", "epoch-000009", ".hidden", "a/b", LatestFile} {
		if err := Pin(dir, first, bad); err == nil {
			t.Errorf("Pin as %q was accepted", bad)
		}
	}
}

// TestConfigRecordsTheVersion: config.json names the build that wrote it,
// and its files have the usual modes.
func TestConfigRecordsTheVersion(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir, err := Save(t.TempDir(), sample(), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &man); err != nil || man.Version != version.String() || man.Version == "" {
		t.Errorf("config.json version %q, want %q (%v)", man.Version, version.String(), err)
	}
	for _, name := range []string{"config.json", ModelFile, TrainerFile, "."} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o644)
		if st.IsDir() {
			want = 0o755
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), want)
		}
	}
	latest, err := os.Stat(filepath.Join(filepath.Dir(dir), "latest"))
	if err != nil || latest.Mode().Perm() != 0o644 {
		t.Errorf("checkpoints/latest: %v, %v; want mode 0644", latest.Mode(), err)
	}
}
