package mnist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/boltzmann-go/boltzmann/data"
	"gorgonia.org/tensor"
)

// Options controls [Load]: where the files are and how they are prepared
// (see [data.PrepareOptions]).
type Options struct {
	// Dir is the directory of the IDX files, or an EMNIST prefix
	// (DIR/emnist-letters); see [ReadDir].
	Dir        string
	Binarize   data.Binarization
	Seed       uint64
	Dtype      tensor.Dtype
	Validation int
	TrainLimit int
}

// Load reads an MNIST-like dataset from opts.Dir ([ReadDir]) and prepares
// it ([data.Prepare]). Every error names the file and the fault.
func Load(opts Options) (*data.Split, error) {
	raw, err := ReadDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	return data.Prepare(raw, data.PrepareOptions{Binarize: opts.Binarize, Seed: opts.Seed, Dtype: opts.Dtype,
		Validation: opts.Validation, TrainLimit: opts.TrainLimit, Name: "mnist: " + opts.Dir})
}

// The layouts of an IDX dataset directory.
const (
	mnistTrain = "train"
	mnistTest  = "t10k"
	emnistGlob = "emnist-*-train-images-idx3-ubyte*"
)

// ReadDir reads the four IDX files of a dataset, each optionally gzipped:
//
//   - MNIST's names (MNIST, Fashion-MNIST, KMNIST): DIR/train-images-idx3-ubyte,
//     train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte;
//   - EMNIST's names: DIR/emnist-SPLIT-{train,test}-{images-idx3,labels-idx1}-ubyte.
//     path is DIR when it holds one EMNIST split, or DIR/emnist-SPLIT to
//     choose one. EMNIST stores each image transposed; ReadDir turns it
//     upright.
func ReadDir(path string) (*data.Raw, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if _, err := findFile(path, mnistTrain+"-images-idx3-ubyte"); err == nil {
			return readLayout(path, filepath.Join(path, mnistTrain), filepath.Join(path, mnistTest), false)
		}
		found, _ := filepath.Glob(filepath.Join(path, emnistGlob))
		var splits []string
		for _, f := range found {
			name := filepath.Base(f)
			name = name[:strings.Index(name, "-train-images")]
			if !slices.Contains(splits, name) {
				splits = append(splits, name)
			}
		}
		switch len(splits) {
		case 0:
			return nil, fmt.Errorf("mnist: %s: no IDX dataset: want MNIST's train-images-idx3-ubyte[.gz] and its three companions, or EMNIST's emnist-SPLIT-train-images-idx3-ubyte[.gz] and its three", path)
		case 1:
			return readEMNIST(filepath.Join(path, splits[0]))
		}
		return nil, fmt.Errorf("mnist: %s holds %d EMNIST splits (%s): name one, as -data %s", path, len(splits),
			strings.Join(splits, ", "), filepath.Join(path, splits[0]))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if strings.HasPrefix(filepath.Base(path), "emnist-") {
		return readEMNIST(path)
	}
	return nil, fmt.Errorf("mnist: %s: no such directory", path)
}

func readEMNIST(prefix string) (*data.Raw, error) {
	return readLayout(prefix, prefix+"-train", prefix+"-test", true)
}

// readLayout reads the images and labels of the training and the test part,
// whose file names start with trainPrefix and testPrefix.
func readLayout(name, trainPrefix, testPrefix string, transposed bool) (*data.Raw, error) {
	raw := &data.Raw{}
	var rows, cols [2]int
	var files [2][]data.File
	var errs [2]error
	// The two parts are read (and decompressed) at once.
	var wg sync.WaitGroup
	for i, p := range []struct {
		prefix string
		part   *data.RawPart
	}{{trainPrefix, &raw.Train}, {testPrefix, &raw.Test}} {
		wg.Go(func() { rows[i], cols[i], errs[i] = readPair(p.prefix, p.part, &files[i], transposed) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	raw.Files = append(files[0], files[1]...)
	if rows[0] != rows[1] || cols[0] != cols[1] {
		return nil, fmt.Errorf("mnist: %s: test images are %d×%d but training images are %d×%d", name, rows[1], cols[1], rows[0], cols[0])
	}
	raw.Rows, raw.Cols, raw.D = rows[0], cols[0], rows[0]*cols[0]
	if err := raw.Check("mnist: " + name); err != nil {
		return nil, err
	}
	return raw, nil
}

// readPair reads the images and labels of one part and checks that they
// belong together.
func readPair(prefix string, part *data.RawPart, files *[]data.File, transposed bool) (rows, cols int, err error) {
	dir, base := filepath.Split(prefix)
	imgPath, err := findFile(dir, base+"-images-idx3-ubyte")
	if err != nil {
		return 0, 0, err
	}
	labPath, err := findFile(dir, base+"-labels-idx1-ubyte")
	if err != nil {
		return 0, 0, err
	}
	img, imgFile, err := readIDXFile(imgPath)
	if err != nil {
		return 0, 0, err
	}
	if len(img.Dims) != 3 {
		return 0, 0, fmt.Errorf("mnist: %s: images need 3 dimensions (count, rows, columns), file has %d", imgPath, len(img.Dims))
	}
	lab, labFile, err := readIDXFile(labPath)
	if err != nil {
		return 0, 0, err
	}
	if len(lab.Dims) != 1 {
		return 0, 0, fmt.Errorf("mnist: %s: labels need 1 dimension, file has %d", labPath, len(lab.Dims))
	}
	if img.Dims[0] != lab.Dims[0] {
		return 0, 0, fmt.Errorf("mnist: %s has %d images but %s has %d labels", imgPath, img.Dims[0], labPath, lab.Dims[0])
	}
	n, rows, cols := img.Dims[0], img.Dims[1], img.Dims[2]
	if transposed {
		transpose(img.Data, n, rows, cols)
		rows, cols = cols, rows
	}
	part.N = n
	part.X = data.Values{Bytes: img.Data, Scale: 255}
	part.Labels = make([]int, len(lab.Data))
	for i, l := range lab.Data {
		part.Labels[i] = int(l)
	}
	*files = append(*files, imgFile, labFile)
	return rows, cols, nil
}

// transpose turns each of the n images of pix, stored column by column
// (rows × cols as stored), row by row.
func transpose(pix []byte, n, rows, cols int) {
	tmp := make([]byte, rows*cols)
	for k := range n {
		img := pix[k*rows*cols : (k+1)*rows*cols]
		copy(tmp, img)
		for r := range rows {
			for c := range cols {
				img[c*rows+r] = tmp[r*cols+c]
			}
		}
	}
}

// findFile returns dir/name.gz or dir/name, whichever exists.
func findFile(dir, name string) (string, error) {
	if dir == "" {
		dir = "."
	}
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("mnist: %w", err)
		}
	}
	return "", fmt.Errorf("mnist: %s: neither %s.gz nor %s found", dir, name, name)
}
