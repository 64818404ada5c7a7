package serve

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Handler is the page and its API. It answers only requests whose Host
// header names the address the request came in on, localhost, 127.0.0.1
// or [::1] at that address's port, or one of AllowHosts (see allowHost),
// and only GET and HEAD.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	sub, _ := fs.Sub(static, "static")
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFileFS(w, r, sub, "index.html")
	})
	mux.HandleFunc("/api/runs", s.handleRuns)
	mux.HandleFunc("/api/run", s.handleRun)
	mux.HandleFunc("/api/metrics", s.handleMetrics)
	mux.HandleFunc("/api/events", s.handleEvents)
	mux.HandleFunc("/api/picture", s.handlePicture)
	mux.HandleFunc("/api/histograms", s.handleHistograms)
	mux.HandleFunc("/api/sweep", s.handleSweep)
	return s.knownHosts(readOnly(mux))
}

// readOnly refuses every method but GET and HEAD, and sets headers that
// keep the page to itself.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: GET and HEAD only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'")
		h.ServeHTTP(w, r)
	})
}
