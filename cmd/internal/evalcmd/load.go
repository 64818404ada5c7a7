package evalcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// prepare loads the checkpoint and the data it was trained on, and
// creates the output directory.
func prepare(o *options, stderr io.Writer) (*kinds.Loaded, *data.Split, error) {
	loaded, err := o.table.Load(o.path)
	if err != nil {
		return nil, nil, err
	}
	if o.out == "" {
		o.out = filepath.Join(runDirOf(loaded), "eval")
	}
	o.made = firstMissing(o.out)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, nil, err
	}
	if o.testData != "" {
		loaded.Config.TestData = o.testData
	}
	split, err := loaded.Config.LoadData(o.data)
	if err != nil {
		return nil, nil, err
	}
	if o.data == "" && o.testData == "" {
		if err := data.SameFiles(loaded.Config.DataFiles, split.Files); err != nil {
			fmt.Fprintf(stderr, "eval: warning: the run's data files have changed since it trained (config.json records their SHA-256): %v\n", err)
		}
	}
	return loaded, split, nil
}

// firstMissing is the topmost directory on path that does not exist (path
// itself, or one above it), which os.MkdirAll(path) creates; "" when path
// exists, or cannot be told not to.
func firstMissing(path string) string {
	top := ""
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return top
		}
		top = p
		if filepath.Dir(p) == p {
			return top
		}
	}
}

// removeMade removes the directories that prepare created for o.out, if
// they are still empty, leaving -out as it was before eval.
func removeMade(o options) {
	if o.made == "" {
		return
	}
	for p := filepath.Clean(o.out); os.Remove(p) == nil && p != o.made; p = filepath.Dir(p) {
	}
}

// runDirOf is the run directory of a loaded checkpoint (RUN/checkpoints/
// NAME), or the directory of an exported model, which stands alone.
func runDirOf(loaded *kinds.Loaded) string {
	if loaded.ModelOnly {
		return loaded.Dir
	}
	return filepath.Dir(filepath.Dir(loaded.Dir))
}

func dataName(path string) string {
	if path == "" {
		return "MNIST"
	}
	return path
}

// testSetName names the file the test set came from.
func testSetName(cfg kinds.Config, o options) string {
	switch {
	case o.testData != "":
		return o.testData
	case o.data != "":
		return o.data
	case cfg.TestData != "":
		return cfg.TestData
	}
	return dataName(cfg.Data)
}
