package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Find returns the checkpoint directory that from names for the run in
// runDir: a checkpoint's name under runDir/checkpoints (epoch-000012, or a
// pin such as end-of-pretraining-layer-1-of-2), or a path to one; with
// from empty, the latest.
func Find(runDir, from string) (string, error) {
	if from == "" {
		return Latest(runDir)
	}
	if !strings.ContainsAny(from, `/\`) {
		dir := filepath.Join(runDir, Dir, from)
		if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
			return dir, nil
		}
		return "", fmt.Errorf("checkpoint: %s holds no checkpoint %q (the kept ones: %s)", filepath.Join(runDir, Dir), from, strings.Join(kept(runDir), ", "))
	}
	if _, err := os.Stat(filepath.Join(from, ConfigFile)); err != nil {
		return "", fmt.Errorf("checkpoint: %s is not a checkpoint directory (no %s)", from, ConfigFile)
	}
	return from, nil
}

// LoadFrom loads the checkpoint that from names for the run in runDir (see
// [Find]). When from is empty and the latest checkpoint fails its checks,
// the error names the newest kept checkpoint that passes them and how to
// continue from it; nothing is deleted.
func LoadFrom(runDir, from string) (*Checkpoint, string, error) {
	dir, err := Find(runDir, from)
	if err != nil {
		return nil, "", err
	}
	c, err := Load(dir)
	if err == nil {
		return c, dir, nil
	}
	if from != "" {
		return nil, "", err
	}
	names, _ := List(runDir)
	for i := len(names) - 1; i >= 0; i-- {
		if names[i] == filepath.Base(dir) {
			continue
		}
		if _, lerr := Load(filepath.Join(runDir, Dir, names[i])); lerr == nil {
			return nil, "", fmt.Errorf("%w\nthe newest checkpoint that passes its checks is %s: continue from it with -resume-from %s (nothing was deleted)", err, names[i], names[i])
		}
	}
	return nil, "", fmt.Errorf("%w\nno kept checkpoint of %s passes its checks", err, runDir)
}

// kept lists the checkpoints under runDir/checkpoints, pins included.
func kept(runDir string) []string {
	entries, err := os.ReadDir(filepath.Join(runDir, Dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// HasRun says whether runDir holds a run: at least one checkpoint. A
// directory whose first checkpoint was never completed (a process killed
// while writing it) holds none, and a fresh run may start there.
func HasRun(runDir string) bool {
	names, err := List(runDir)
	return err == nil && len(names) > 0
}
