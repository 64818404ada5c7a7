package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/boltzmann-go/boltzmann/train"
)

// handleEvents streams a run's news as server-sent events: "metrics" with
// the lines added since the last (only those are read), and "summary"
// whenever the run's summary changes (a new checkpoint, a new status).
// It runs until the request's context ends: the client leaves, or the
// server shuts down (the command cancels the connections' base context,
// since Shutdown alone waits for streams that never end).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	dir, rel, ok := s.runDir(w, r)
	if !ok {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	from, line := metricsOffset(r)
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		flusher.Flush()
	}
	var last []byte
	tick := time.NewTicker(s.Poll)
	defer tick.Stop()
	for {
		if p, err := s.file(dir, train.MetricsFile); err == nil {
			if c, err := readMetrics(p, from, line); err == nil && (len(c.Records) > 0 || len(c.Bad) > 0 || c.Reset) {
				send("metrics", c)
				from, line = c.Next, c.Line
			}
		}
		sum := s.summary(dir, rel)
		if b, _ := json.Marshal(sum); string(b) != string(last) {
			send("summary", sum)
			last = b
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}
