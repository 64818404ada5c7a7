package evalcmd

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// bars returns n h×w images of random horizontal or vertical bars (0 or
// 255), a toy set with structure for an RBM to learn.
func bars(rng *rand.Rand, n, h, w int) []byte {
	px := make([]byte, n*h*w)
	for k := range n {
		img := px[k*h*w : (k+1)*h*w]
		vertical := rng.IntN(2) == 0
		for i := range max(h, w) {
			if rng.IntN(3) != 0 {
				continue
			}
			for j := range max(h, w) {
				r, c := i, j
				if vertical {
					r, c = j, i
				}
				if r < h && c < w {
					img[r*w+c] = 255
				}
			}
		}
	}
	return px
}

// barsNPZ writes dir/toy.npz of ntrain and ntest unlabelled h×w bars images
// drawn from a stream keyed by seed, and returns its path.
func barsNPZ(t *testing.T, dir string, seed uint64, ntrain, ntest, h, w int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	path := filepath.Join(dir, "toy.npz")
	if err := npy.WriteArchive(path, map[string]*npy.Array{
		"x_train": {Shape: []int{ntrain, h, w}, Bytes: bars(rng, ntrain, h, w)},
		"x_test":  {Shape: []int{ntest, h, w}, Bytes: bars(rng, ntest, h, w)},
	}); err != nil {
		t.Fatal(err)
	}
	return path
}

// trainOwn trains cfg on the data its fields name into a fresh run
// directory, as `train` does.
func trainOwn(t *testing.T, cfg kinds.Config) string {
	t.Helper()
	split, err := cfg.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	if _, err := kinds.Train(context.Background(), cfg, split, train.Options{Dir: run}); err != nil {
		t.Fatal(err)
	}
	return run
}

func smallOwnConfig(path string) kinds.Config {
	cfg := kinds.Defaults()
	cfg.Data, cfg.Validation = path, 0
	cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.Chains = 16, 3, 20, 20
	return cfg
}

// TestOwnNPZWithoutLabels: a .npz of 20×20 images without labels trains,
// records its data, and evaluates (a finite AIS test log-likelihood,
// filters tiled at 20×20); the classifiers refuse it clearly, and a test
// set of another width is refused naming its file.
func TestOwnNPZWithoutLabels(t *testing.T) {
	dir := t.TempDir()
	path := barsNPZ(t, dir, 1, 400, 100, 20, 20)
	run := trainOwn(t, smallOwnConfig(path))
	cfg, err := kinds.ResumeConfig(run, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != path || len(cfg.DataFiles) != 1 || cfg.DataFiles[0].Path != path || len(cfg.DataFiles[0].SHA256) != 64 {
		t.Errorf("config.json records data %q, files %v; want %s and its SHA-256", cfg.Data, cfg.DataFiles, path)
	}
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-quiet", "-gibbs-steps", "10", "-ais-steps", "300", "-ais-runs", "20", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if ll, ok := rep["test_ll"].(float64); !ok || math.IsNaN(ll) || ll >= 0 || ll < -400*math.Ln2 {
		t.Errorf("test_ll %v: want a finite log-likelihood in (-400 ln 2, 0)", rep["test_ll"])
	}
	if n := rep["test_images"].(float64); n != 100 {
		t.Errorf("scored %g test images, want 100", n)
	}
	f, err := os.Open(rep["filters_png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// 16 filters, 10 a row, each 20×20 pixels at zoom 2 with a border.
	if b := img.Bounds(); b.Dx() != 10*41+1 || b.Dy() != 2*41+1 {
		t.Errorf("filters.png is %d×%d, want %d×%d (16 tiles of 20×20)", b.Dx(), b.Dy(), 10*41+1, 2*41+1)
	}
	stderr.Reset()
	if code := runEval(context.Background(), []string{"-quick", "-linear-epochs", "1", run}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "the classifiers need labels, and "+path+" has none") {
		t.Errorf("classifier without labels: exit %d, %s", code, stderr.String())
	}
	narrow := filepath.Join(dir, "narrow.npy")
	var b bytes.Buffer
	_ = npy.Encode(&b, &npy.Array{Shape: []int{3, 10}, Bytes: make([]byte, 30)})
	if err := os.WriteFile(narrow, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := runEval(context.Background(), []string{"-quick", "-test-data", narrow, run}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "narrow.npy: test rows have 10 values but training rows have 400") {
		t.Errorf("-test-data of another width: exit %d, %s", code, stderr.String())
	}
}

// TestOwnCSVWithLabels: a Kaggle-style CSV (a header, the label first)
// trains, and the linear classifier runs on its labels.
func TestOwnCSVWithLabels(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	write := func(name string, n int) string {
		var b bytes.Buffer
		b.WriteString("label")
		for j := range 36 {
			fmt.Fprintf(&b, ",pixel%d", j)
		}
		b.WriteByte('\n')
		px := bars(rng, n, 6, 6)
		for k := range n {
			fmt.Fprintf(&b, "%d", k%3)
			for _, p := range px[k*36 : (k+1)*36] {
				fmt.Fprintf(&b, ",%d", p)
			}
			b.WriteByte('\n')
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cfg := smallOwnConfig(write("train.csv", 300))
	cfg.TestData = write("test.csv", 60)
	run := trainOwn(t, cfg)
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-quick", "-linear-epochs", "1", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if e, ok := rep["linear_test_error"].(float64); !ok || e < 0 || e > 1 {
		t.Errorf("linear_test_error %v", rep["linear_test_error"])
	}
}

// TestOwnEMNISTLetters: a directory of EMNIST-letters files (labels 1–26)
// trains, and eval's linear classifier runs on it.
func TestOwnEMNISTLetters(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	idx := func(name string, dims []int, data []byte) {
		var b bytes.Buffer
		b.Write([]byte{0, 0, 8, byte(len(dims))})
		for _, d := range dims {
			_ = binary.Write(&b, binary.BigEndian, uint32(d))
		}
		b.Write(data)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(b.Bytes())
		_ = zw.Close()
		if err := os.WriteFile(filepath.Join(dir, name+".gz"), z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for part, n := range map[string]int{"train": 260, "test": 52} {
		labels := make([]byte, n)
		for i := range labels {
			labels[i] = byte(1 + i%26)
		}
		idx("emnist-letters-"+part+"-images-idx3-ubyte", []int{n, 8, 8}, bars(rng, n, 8, 8))
		idx("emnist-letters-"+part+"-labels-idx1-ubyte", []int{n}, labels)
	}
	run := trainOwn(t, smallOwnConfig(dir))
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-quick", "-linear-epochs", "1", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if _, ok := rep["linear_test_error"].(float64); !ok {
		t.Errorf("no linear_test_error in %v", rep)
	}
}

// TestResumeRefusesOtherData: a run resumed on files of other content is
// refused, naming the file; the same content at another path resumes.
func TestResumeRefusesOtherData(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	a := &npy.Array{Shape: []int{100, 4, 4}, Bytes: bars(rng, 100, 4, 4)}
	pathA, pathB, moved := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz"), filepath.Join(dir, "moved.npz")
	for _, p := range []string{pathA, moved} {
		if err := npy.WriteArchive(p, map[string]*npy.Array{"x_train": a, "x_test": a}); err != nil {
			t.Fatal(err)
		}
	}
	b := &npy.Array{Shape: []int{100, 4, 4}, Bytes: bars(rng, 100, 4, 4)}
	if err := npy.WriteArchive(pathB, map[string]*npy.Array{"x_train": b, "x_test": b}); err != nil {
		t.Fatal(err)
	}
	cfg := smallOwnConfig(pathA)
	cfg.Epochs = 2
	run := t.TempDir()
	split, err := cfg.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kinds.Train(context.Background(), cfg, split, train.Options{Dir: run}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(run, "checkpoints", "latest")); err != nil {
		t.Fatal(err)
	}
	ckpts, _ := filepath.Glob(filepath.Join(run, "checkpoints", "epoch-*"))
	if len(ckpts) < 2 {
		t.Fatalf("checkpoints %v", ckpts)
	}
	if err := os.RemoveAll(ckpts[len(ckpts)-1]); err != nil { // back to epoch 1: a resume has work to do
		t.Fatal(err)
	}
	other, err := cfg.LoadData(pathB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kinds.Train(context.Background(), cfg, other, train.Options{Dir: run, Resume: true}); err == nil ||
		!strings.Contains(err.Error(), "a.npz") || !strings.Contains(err.Error(), "b.npz") || !strings.Contains(err.Error(), "must read the data it started on") {
		t.Fatalf("resume on other data: %v", err)
	}
	same, err := cfg.LoadData(moved)
	if err != nil {
		t.Fatal(err)
	}
	moveCfg := cfg
	moveCfg.Data = moved
	res, err := kinds.Train(context.Background(), moveCfg, same, train.Options{Dir: run, Resume: true})
	if err != nil {
		t.Fatalf("resume on the same content at another path: %v", err)
	}
	if res.Progress.Epoch != 2 {
		t.Errorf("resumed to epoch %d, want 2", res.Progress.Epoch)
	}
}

// TestEvalFlagsAfterPathReportAndModes: `eval RUN -quick -json` is `eval
// -quick -json RUN`; the report is saved as report.json (the object -json
// prints, with the build's version); a log that is not a terminal gets
// lines, no carriage returns; every file of the run and of its report is
// readable by others (0644 less the umask), every directory 0755.
func TestEvalFlagsAfterPathReportAndModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := barsNPZ(t, t.TempDir(), 9, 200, 40, 4, 4)
	run := trainOwn(t, smallOwnConfig(path))
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{run, "-quick", "-json", "-raise", "10"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	saved, err := os.ReadFile(filepath.Join(run, "eval", ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	var printed, file map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &printed); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(saved, &file); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(printed) != fmt.Sprint(file) || !strings.HasPrefix(fmt.Sprint(file["version"]), "(devel)") {
		t.Errorf("report.json differs from -json's report, or has no version:\n%v\n%v", file, printed)
	}
	if strings.ContainsRune(stderr.String(), '\r') || !strings.Contains(stderr.String(), "AIS") {
		t.Errorf("eval's log on a non-terminal: %q", stderr.String())
	}
	err = filepath.WalkDir(run, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
