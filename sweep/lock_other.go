//go:build !unix

package sweep

import (
	"errors"
	"fmt"
	"os"
)

// lock creates path exclusively; ok is false when it exists. Without
// flock a worker that dies leaves the file behind: delete it by hand.
func lock(path string) (unlock func(), ok bool, err error) {
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
