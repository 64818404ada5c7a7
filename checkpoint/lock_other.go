//go:build !unix

package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// TryLock creates path exclusively; ok is false when it exists. Without
// flock a process that dies leaves the file behind: delete it by hand.
func TryLock(path string) (unlock func(), ok bool, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("locking %s: %w", path, err)
	}
	f.Close()
	return func() { os.Remove(path) }, true, nil
}

// Held says whether runDir's lock file exists (a run is training there).
func Held(runDir string) bool {
	_, err := os.Stat(filepath.Join(runDir, RunLockFile))
	return err == nil
}
