package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// toyRun trains a small RBM on a toy .npz into root/name for epochs
// epochs and returns its directory.
func toyRun(t testing.TB, root, name string, epochs int) string {
	t.Helper()
	data := filepath.Join(root, "toy.npz")
	if _, err := os.Stat(data); err != nil {
		px := make([]byte, 240*16)
		for i := range px {
			if (i*7919)%13 < 5 {
				px[i] = 255
			}
		}
		if err := npy.WriteArchive(data, map[string]*npy.Array{
			"x_train": {Shape: []int{200, 4, 4}, Bytes: px[:200*16]},
			"x_test":  {Shape: []int{40, 4, 4}, Bytes: px[200*16:]},
		}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := kinds.Defaults()
	cfg.Data, cfg.Validation = data, 0
	cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.Chains = 6, epochs, 20, 20
	split, err := cfg.LoadData("")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, name)
	if _, err := kinds.Train(context.Background(), cfg, split, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testListener is the address that request's requests come in on.
const testListener = "127.0.0.1:8080"

// request is a request to the server as http.Server hands it to the
// handler: for the server's own address, which it came in on.
func request(method, url string, body io.Reader) *http.Request {
	return requestFor(method, url, body, testListener, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
}

// requestFor is a request with the Host header host that came in on the
// local address local (none when nil).
func requestFor(method, url string, body io.Reader, host string, local net.Addr) *http.Request {
	r := httptest.NewRequest(method, url, body)
	r.Host = host
	if local != nil {
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, local))
	}
	return r
}

func get(t testing.TB, h http.Handler, url string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, request(http.MethodGet, url, nil))
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body.String())
	}
	return v
}

// TestListAndRunPages: a finished run and a sweep's trial are listed with
// their kind, shape, status, epochs, scores and eval report; a run's page
// has its config and stages; its metrics come whole or from an offset;
// pictures are PNGs; histograms cover every parameter.
func TestListAndRunPages(t *testing.T) {
	root := t.TempDir()
	toyRun(t, root, "plain", 2)
	toyRun(t, root, "sweep1/trials/t001", 1)
	if err := os.WriteFile(filepath.Join(root, "sweep1", "leaderboard.csv"), []byte("rank,index,id,status\n1,0,t001,done\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "plain", evaluate.ReportDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "plain", evaluate.ReportDir, evaluate.ReportFile), []byte(`{"test_ll": -7.5, "test_ll_lo": -7.9, "test_ll_hi": null}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	l := decode[Listing](t, get(t, h, "/api/runs"))
	if len(l.Runs) != 2 || len(l.Sweeps) != 1 || l.Sweeps[0].Path != "sweep1" || !l.Sweeps[0].Leaderboard {
		t.Fatalf("listing %+v", l)
	}
	plain, trial := l.Runs[0], l.Runs[1]
	if plain.Path != "plain" || plain.Kind != "rbm" || plain.Shape != "16×6" || plain.Status != StatusFinished || plain.Epoch != 2 || plain.Total != 2 ||
		plain.TestLL == nil || *plain.TestLL != -7.5 || plain.TestLLHi != nil || plain.Last["train_recon_error"] == nil {
		t.Errorf("plain run %+v", plain)
	}
	if trial.Path != "sweep1/trials/t001" || trial.Sweep != "sweep1" {
		t.Errorf("trial %+v", trial)
	}
	d := decode[RunDetail](t, get(t, h, "/api/run?path=plain"))
	if len(d.Config) == 0 || len(d.Checkpoints) == 0 || d.Version == "" || len(d.Report) == 0 {
		t.Errorf("run page %+v", d)
	}
	all := decode[MetricsChunk](t, get(t, h, "/api/metrics?path=plain"))
	if len(all.Records) != 2 || all.Line != 3 {
		t.Fatalf("metrics %+v", all)
	}
	more := decode[MetricsChunk](t, get(t, h, fmt.Sprintf("/api/metrics?path=plain&from=%d&line=%d", all.Next, all.Line)))
	if len(more.Records) != 0 || more.Next != all.Next {
		t.Errorf("metrics from the end: %+v", more)
	}
	for _, what := range []string{"filters", "samples"} {
		rec := get(t, h, "/api/picture?path=plain&what="+what)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %s", what, rec.Code, rec.Body.String())
		}
		img, err := png.Decode(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		// Tiles of 4×4 at zoom 2 with borders in a 10-column grid: the 6
		// filters in one row, the 100 samples in ten.
		rows := map[string]int{"filters": 1, "samples": 10}[what]
		if b := img.Bounds(); b.Dx() != 10*9+1 || b.Dy() != rows*9+1 {
			t.Errorf("%s.png is %d×%d, want %d×%d", what, b.Dx(), b.Dy(), 10*9+1, rows*9+1)
		}
	}
	hs := decode[[]Histogram](t, get(t, h, "/api/histograms?path=plain"))
	if len(hs) != 3 || hs[0].Name != "W" {
		t.Fatalf("histograms %+v", hs)
	}
	n := 0
	for _, c := range hs[0].Counts {
		n += c
	}
	if n != 16*6 {
		t.Errorf("W's histogram counts %d values, want 96", n)
	}
	sw := decode[SweepDetail](t, get(t, h, "/api/sweep?path=sweep1"))
	if len(sw.Rows) != 1 || sw.Rows[0][2] != "t001" || len(sw.Trials) != 1 || sw.Trials[0] != "sweep1/trials/t001" {
		t.Errorf("sweep %+v", sw)
	}
	page := get(t, h, "/")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "/static/app.js") {
		t.Errorf("index: %d %s", page.Code, page.Body.String())
	}
	if js := get(t, h, "/static/app.js"); js.Code != http.StatusOK || !strings.Contains(js.Body.String(), "EventSource") {
		t.Errorf("app.js: %d", js.Code)
	}
}

// TestStatusAndBadFiles: a run whose metrics end in a half-written line
// shows the last complete one; a malformed line is reported with its
// number, never a crash; a damaged checkpoint manifest is a problem of the
// run, not of the list; a diverged run says so; the run's lock makes it
// "training".
func TestStatusAndBadFiles(t *testing.T) {
	root := t.TempDir()
	dir := toyRun(t, root, "r", 2)
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	f, err := os.OpenFile(filepath.Join(dir, train.MetricsFile), os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("not json\n{\"epoch\": 3, \"train_recon")
	f.Close()
	l := decode[Listing](t, get(t, h, "/api/runs"))
	if len(l.Runs) != 1 || len(l.Runs[0].Problems) != 1 || !strings.Contains(l.Runs[0].Problems[0], "last line of metrics.jsonl is malformed") {
		t.Errorf("a malformed last line: %+v", l.Runs)
	}
	c := decode[MetricsChunk](t, get(t, h, "/api/metrics?path=r"))
	if len(c.Records) != 2 || len(c.Bad) != 1 || c.Bad[0].Line != 3 || c.Bad[0].Text != "not json" {
		t.Errorf("metrics with a bad line and a half-written one: %+v", c)
	}
	if err := os.WriteFile(filepath.Join(dir, train.DivergedFile), []byte("diverged\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	_ = os.Chtimes(filepath.Join(dir, train.DivergedFile), future, future)
	if l := decode[Listing](t, get(t, h, "/api/runs")); l.Runs[0].Status != StatusDiverged {
		t.Errorf("status %q, want diverged", l.Runs[0].Status)
	}
	_ = os.Remove(filepath.Join(dir, train.DivergedFile))
	// A run lock held by this process: the run is training.
	release, err := checkpoint.LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l := decode[Listing](t, get(t, h, "/api/runs")); l.Runs[0].Status != StatusTraining {
		t.Errorf("status %q while the lock is held, want training", l.Runs[0].Status)
	}
	release()
	ck, _ := os.ReadFile(filepath.Join(dir, "checkpoints", "latest"))
	if err := os.WriteFile(filepath.Join(dir, "checkpoints", strings.TrimSpace(string(ck)), "config.json"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	l = decode[Listing](t, get(t, h, "/api/runs"))
	if len(l.Runs[0].Problems) == 0 || !strings.Contains(strings.Join(l.Runs[0].Problems, " "), "config.json is malformed") {
		t.Errorf("a damaged manifest: %+v", l.Runs[0])
	}
	if rec := get(t, h, "/api/picture?path=r&what=filters"); rec.Code == http.StatusOK {
		t.Error("a picture from a damaged checkpoint")
	}
}

// TestReadOnlyAndConfined: only GET and HEAD; no path leaves DIR, by "..",
// an absolute path, or a symbolic link (a run directory or a file in it).
func TestReadOnlyAndConfined(t *testing.T) {
	outside := t.TempDir()
	secret := toyRun(t, outside, "secret", 1)
	root := t.TempDir()
	toyRun(t, root, "ok", 1)
	if err := os.Symlink(secret, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "sneaky"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(secret, train.MetricsFile), filepath.Join(root, "sneaky", train.MetricsFile)); err != nil {
		t.Fatal(err)
	}
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, url := range []string{
		"/api/run?path=../" + filepath.Base(outside) + "/secret",
		"/api/run?path=" + secret,
		"/api/metrics?path=ok/../../x",
		"/api/metrics?path=link",
		"/api/picture?path=link&what=filters",
		"/api/metrics?path=sneaky",
		"/api/histograms?path=%2Fetc",
	} {
		if rec := get(t, h, url); rec.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403: %s", url, rec.Code, rec.Body.String())
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, request(m, "/api/runs", strings.NewReader("{}")))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", m, rec.Code)
		}
	}
	l := decode[Listing](t, get(t, h, "/api/runs"))
	for _, r := range l.Runs {
		if r.Path == "link" {
			t.Error("the list follows a symbolic link out of DIR")
		}
	}
	if rec := get(t, h, "/api/run?path=nothing-here"); rec.Code != http.StatusNotFound {
		t.Errorf("a missing run: %d", rec.Code)
	}
}

// TestOnlyItsOwnHost: a page that rebinds its own domain to loopback
// (DNS rebinding) is refused, by its Host header; the server's own
// address, loopback at its port and the names allowed are answered.
func TestOnlyItsOwnHost(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	if s.AllowHosts, err = ParseAllowedHosts("runs.lab.example, pinned.example:9000,[fd00::7]"); err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 43210}
	lan := &net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 43210} // listening on all interfaces
	for _, c := range []struct {
		host  string
		local net.Addr
		ok    bool
	}{
		{"127.0.0.1:43210", loopback, true},
		{"localhost:43210", loopback, true},
		{"LocalHost.:43210", loopback, true},
		{"[::1]:43210", loopback, true},
		{"localhost:043210", loopback, true}, // the same port
		{"192.168.1.5:43210", lan, true},
		{"localhost:43210", lan, true},
		{"runs.lab.example:43210", loopback, true}, // allowed, any port
		{"runs.lab.example:1", loopback, true},
		{"runs.lab.example", loopback, true},
		{"pinned.example:9000", loopback, true}, // allowed at that port alone
		{"pinned.example:43210", loopback, false},
		{"[fd00::7]:43210", loopback, true},
		{"evil.example:43210", loopback, false}, // the rebinding page
		{"evil.example", loopback, false},
		{"runs.lab.example.evil.example:43210", loopback, false},
		{"", loopback, false},
		{"localhost:8080", loopback, false}, // another port
		{"127.0.0.1", loopback, false},      // port 80
		{"192.168.1.6:43210", lan, false},
		{"localhost:43210", nil, false}, // no address known: nothing but the names allowed
		{"runs.lab.example:43210", nil, true},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, requestFor(http.MethodGet, "/api/runs", nil, c.host, c.local))
		if c.ok != (rec.Code == http.StatusOK) {
			t.Errorf("Host %q on %v: status %d, want ok %v: %s", c.host, c.local, rec.Code, c.ok, rec.Body.String())
		}
		if !c.ok && (rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "-allow-host") || !strings.Contains(rec.Body.String(), c.host)) {
			t.Errorf("Host %q on %v refused with %d %q, want 403 naming the Host and -allow-host", c.host, c.local, rec.Code, rec.Body.String())
		}
	}

	// Through a real server, which records the address a request came in on.
	srv := httptest.NewServer(h)
	defer srv.Close()
	for host, want := range map[string]int{srv.Listener.Addr().String(): http.StatusOK, "evil.example:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:]: http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/runs", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q through the server: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}

// TestParseAllowedHosts: names, addresses and IPv6 in brackets, with or
// without a port; nothing else.
func TestParseAllowedHosts(t *testing.T) {
	got, err := ParseAllowedHosts("Runs.Lab.Example.,10.0.0.7:8080,[fd00::7],[fd00::8]:9000")
	want := []AllowedHost{{"runs.lab.example", ""}, {"10.0.0.7", "8080"}, {"fd00::7", ""}, {"fd00::8", "9000"}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", "a,,b", "host:port", "host:0", "host:70000", "user@host", "host/path", "[fd00::7", "a b"} {
		if _, err := ParseAllowedHosts(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestEventsStreamNewLines: the event stream sends the lines added since
// the last and a new summary when the run changes.
func TestEventsStreamNewLines(t *testing.T) {
	root := t.TempDir()
	dir := toyRun(t, root, "r", 1)
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	s.Poll = 20 * time.Millisecond
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	size, _ := os.Stat(filepath.Join(dir, train.MetricsFile))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/events?path=r&from=%d&line=2", srv.URL, size.Size()), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var event string
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				events <- event + " " + d
			}
		}
		close(events)
	}()
	if e := <-events; !strings.HasPrefix(e, "summary ") {
		t.Fatalf("first event %q, want the summary", e)
	}
	f, _ := os.OpenFile(filepath.Join(dir, train.MetricsFile), os.O_APPEND|os.O_WRONLY, 0o644)
	_, _ = f.WriteString(`{"epoch": 2, "train_recon_error": 1.5}` + "\n")
	f.Close()
	for e := range events {
		if strings.HasPrefix(e, "metrics ") {
			var c MetricsChunk
			if err := json.Unmarshal([]byte(strings.TrimPrefix(e, "metrics ")), &c); err != nil || len(c.Records) != 1 || c.Records[0]["epoch"] != 2.0 || c.Line != 3 {
				t.Fatalf("metrics event %s: %v", e, err)
			}
			return
		}
	}
	t.Fatal("no metrics event")
}

// TestListOfAThousandRuns: the list of 1,000 runs is right, and the second
// time it comes from the cache rather than from reading every run again:
// after the first listing every run's metrics and checkpoint manifest are
// overwritten with blanks of the same size and time, which a reader would
// not take for a finished run. (How fast the list answers is measured by
// BenchmarkListOfAThousandRuns, not timed here.)
func TestListOfAThousandRuns(t *testing.T) {
	root := t.TempDir()
	h := thousandRuns(t, root)
	if l := decode[Listing](t, get(t, h, "/api/runs")); len(l.Runs) != 1000 {
		t.Fatalf("%d runs listed, want 1000", len(l.Runs))
	}
	blanked := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (d.Name() != train.MetricsFile && d.Name() != "config.json") {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte(" "), int(st.Size())), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
		blanked++
		return nil
	})
	if blanked != 2000 {
		t.Fatalf("blanked %d files, want 2,000", blanked)
	}
	rec := get(t, h, "/api/runs")
	if n := strings.Count(rec.Body.String(), `"status":"finished"`); n != 1000 {
		t.Errorf("%d finished runs in the second listing, want 1000 (read again rather than from the cache?)", n)
	}
	_, _ = io.Copy(io.Discard, rec.Body)
}

// thousandRuns makes 1,000 finished runs under root (copies of one toy
// run, in ten groups) and returns the server's handler.
func thousandRuns(tb testing.TB, root string) http.Handler {
	tb.Helper()
	proto := toyRun(tb, root, "proto", 1)
	ck, _ := os.ReadFile(filepath.Join(proto, "checkpoints", "latest"))
	name := strings.TrimSpace(string(ck))
	manifest, _ := os.ReadFile(filepath.Join(proto, "checkpoints", name, "config.json"))
	metrics, _ := os.ReadFile(filepath.Join(proto, train.MetricsFile))
	for i := range 999 {
		d := filepath.Join(root, fmt.Sprintf("group%02d", i/100), fmt.Sprintf("run%03d", i))
		if err := os.MkdirAll(filepath.Join(d, "checkpoints", name), 0o755); err != nil {
			tb.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(d, "checkpoints", name, "config.json"), manifest, 0o644)
		_ = os.WriteFile(filepath.Join(d, "checkpoints", "latest"), ck, 0o644)
		_ = os.WriteFile(filepath.Join(d, train.MetricsFile), metrics, 0o644)
	}
	s, err := New(root)
	if err != nil {
		tb.Fatal(err)
	}
	return s.Handler()
}

// BenchmarkListOfAThousandRuns: one listing of 1,000 runs after the first
// (cached summaries; each run's files are still looked at).
func BenchmarkListOfAThousandRuns(b *testing.B) {
	h := thousandRuns(b, b.TempDir())
	get(b, h, "/api/runs")
	for b.Loop() {
		get(b, h, "/api/runs")
	}
}
