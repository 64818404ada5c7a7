// Package fssnap records what stands at a path, every byte of it, so that
// a test can assert that a refused write changed nothing: the files'
// contents and modes, the links' targets, the directories' entries.
package fssnap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Snapshot maps each path under the root (the root itself as ".") to a
// description of what stands there: "missing", "dir 0755", "file 0644
// <contents>", "link -> target". A link is not followed.
type Snapshot map[string]string

// Take records what stands at root.
func Take(root string) (Snapshot, error) {
	s := Snapshot{}
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		s["."] = "missing"
		return s, nil
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			s[rel] = "link -> " + target
		case info.IsDir():
			s[rel] = fmt.Sprintf("dir %v", info.Mode().Perm())
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			s[rel] = fmt.Sprintf("file %v %q", info.Mode().Perm(), b)
		}
		return nil
	})
	return s, err
}

// Diff says how b differs from a, one line a path ("" when they are the
// same).
func Diff(a, b Snapshot) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s: %.80s → %.80s", k, orNone(a[k]), orNone(b[k])))
		}
	}
	return strings.Join(out, "\n")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
