package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The files a run directory holds are read with care: a link is not
// followed by the list (Lstat), and no file is read whole whatever its size.

// isDir says whether p is a directory, not a link to one.
func isDir(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.IsDir()
}

// isFile says whether p is a regular file, not a link to one.
func isFile(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.Mode().IsRegular()
}

// readLimited reads a file of at most limit bytes, refusing a larger one
// rather than holding it in memory.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", filepath.Base(path), limit)
	}
	return b, nil
}
