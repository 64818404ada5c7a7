package serve

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// Server serves the page for the runs under one directory.
type Server struct {
	root string // absolute, symbolic links resolved

	// Poll is how often an event stream looks for new lines and
	// checkpoints (one second by default).
	Poll time.Duration

	// AllowHosts is the names that a request's Host header may give
	// besides the address the request came in on and loopback at its port
	// (see Handler): a defence against DNS rebinding.
	AllowHosts []AllowedHost

	mu        sync.Mutex
	summaries map[string]cachedSummary

	pictures *lru[[]byte] // by checkpoint directory and picture
	render   sync.Mutex   // one picture rendered at a time
}

// maxPictures bounds the rendered pictures kept.
const maxPictures = 64

// New serves the runs under dir.
func New(dir string) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if !isDir(root) {
		return nil, fmt.Errorf("serve: %s is not a directory", dir)
	}
	return &Server{root: root, Poll: time.Second, summaries: map[string]cachedSummary{}, pictures: newLRU[[]byte](maxPictures)}, nil
}
