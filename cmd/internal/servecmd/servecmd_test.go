package servecmd

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/train"
)

// lockedBuffer is a bytes.Buffer that the command writes while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// tree lists every file under root with its size, mode and time: what a
// command that writes nothing leaves as it was.
func tree(t *testing.T, root string) string {
	t.Helper()
	var out strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&out, "%s %d %v %v\n", p, st.Size(), st.Mode(), st.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestInterrupted: a cancelled context (what SIGINT and SIGTERM do) stops
// the command with exit status 130, an open event stream ends cleanly
// rather than holding the shutdown up, the server no longer answers, and
// nothing under DIR was written. Before that, the host that -allow-host
// names is answered and a rebinding host is not.
func TestInterrupted(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "r")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, train.MetricsFile), []byte(`{"epoch": 1, "train_recon_error": 2.5}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := tree(t, root)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, []string{"-addr", "127.0.0.1:0", "-allow-host", "runs.lab.example", root}, &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if _, rest, ok := strings.Cut(stdout.String(), " on http://"); ok {
			base = "http://" + strings.Fields(rest)[0]
		} else if time.Now().After(deadline) {
			t.Fatalf("the server did not say where it listens: %q %q", stdout.String(), stderr.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	port := base[strings.LastIndex(base, ":")+1:]

	for host, want := range map[string]int{"": http.StatusOK, "runs.lab.example:" + port: http.StatusOK, "evil.example:" + port: http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/runs", nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: status %d, want %d", host, resp.StatusCode, want)
		}
	}

	resp, err := http.Get(base + "/api/events?path=r")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if line, err := events.ReadString('\n'); err != nil || !strings.HasPrefix(line, "event: ") {
		t.Fatalf("event stream: %q, %v", line, err)
	}

	cancel()
	select {
	case c := <-code:
		if c != 130 {
			t.Errorf("exit status %d after the context was cancelled, want 130: %s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the command did not stop after its context was cancelled")
	}
	// The stream's handler returned (a chunked body's clean end), rather
	// than its connection being dropped when the shutdown timed out.
	if _, err := io.Copy(io.Discard, events); err != nil {
		t.Errorf("the event stream ended with %v, want a clean end", err)
	}
	if resp, err := http.Get(base + "/api/runs"); err == nil {
		resp.Body.Close()
		t.Errorf("the stopped server still answers: %s", resp.Status)
	}
	if after := tree(t, root); after != before {
		t.Errorf("the server wrote under DIR:\nbefore\n%s\nafter\n%s", before, after)
	}
}

// TestCommandLine: -h documents -allow-host and exit status 130 on the
// writer it was given; a bad
// -allow-host is a bad command line.
func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-allow-host names") || !strings.Contains(stderr.String(), "130") {
		t.Errorf("-h: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := Main(context.Background(), []string{"-allow-host", "evil/path", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "evil/path") {
		t.Errorf("a bad -allow-host: exit %d: %s", code, stderr.String())
	}
}
