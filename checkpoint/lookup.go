package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// List returns the names of the checkpoints under runDir, oldest first.
// Names sort in the order of the progress they record.
func List(runDir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(runDir, Dir))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "epoch-") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Latest returns the directory of the checkpoint that runDir's
// checkpoints/latest names. Without that file (a process killed between
// renaming a checkpoint into place and pointing latest at it), the newest
// checkpoint there is the latest.
func Latest(runDir string) (string, error) {
	p := filepath.Join(runDir, Dir, LatestFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		if names, lerr := List(runDir); lerr == nil && len(names) > 0 {
			return filepath.Join(runDir, Dir, names[len(names)-1]), nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("checkpoint: no checkpoint in %s: %w", runDir, err)
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("checkpoint: %s: invalid checkpoint name %q", p, name)
	}
	return filepath.Join(runDir, Dir, name), nil
}

// Resolve turns a path into a checkpoint directory: a checkpoint directory
// itself, or a run directory, whose latest checkpoint it returns.
func Resolve(path string) (string, error) {
	if _, err := os.Stat(filepath.Join(path, ConfigFile)); err == nil {
		return path, nil
	}
	if _, err := os.Stat(filepath.Join(path, Dir)); err == nil {
		return Latest(path)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	return "", fmt.Errorf("checkpoint: %s is neither a checkpoint (no %s) nor a run directory (no %s/)", path, ConfigFile, Dir)
}
