package serve

import (
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
)

// errOutside refuses a path that leaves the root.
var errOutside = errors.New("path outside the served directory")

// resolve turns a path relative to the root (slashes) into an absolute
// path inside it, refusing absolute paths, "..", and symbolic links that
// lead out.
func (s *Server) resolve(rel string) (string, error) {
	if rel == "" || rel == "." {
		return s.root, nil
	}
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || filepath.IsAbs(rel) || strings.Contains(rel, "\x00") {
		return "", errOutside
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".." {
			return "", errOutside
		}
	}
	return s.inside(filepath.Join(s.root, filepath.FromSlash(rel)))
}

// inside resolves p's symbolic links and checks that it lies under the
// root.
func (s *Server) inside(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if real != s.root && !strings.HasPrefix(real, s.root+string(filepath.Separator)) {
		return "", errOutside
	}
	return real, nil
}

// runDir resolves the request's path parameter to a run directory.
func (s *Server) runDir(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	rel := r.URL.Query().Get("path")
	dir, err := s.resolve(rel)
	switch {
	case errors.Is(err, errOutside):
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return "", "", false
	case err != nil || !isDir(dir):
		http.Error(w, "no run at "+strconv.Quote(rel), http.StatusNotFound)
		return "", "", false
	}
	return dir, s.rel(dir), true
}

// file resolves a file inside a run directory, refusing one that is a
// link out of the root.
func (s *Server) file(dir, name string) (string, error) {
	return s.inside(filepath.Join(dir, name))
}
