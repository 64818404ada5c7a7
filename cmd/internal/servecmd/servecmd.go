// Package servecmd is `boltzmann serve [-addr HOST:PORT] DIR`: the web page
// of package serve for the runs under DIR, on loopback by default, until
// SIGINT or SIGTERM.
package servecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/serve"
)

const usage = `usage: boltzmann serve [-addr HOST:PORT] DIR

Serves a web page for every run under DIR (plain runs, sweep trials, nested
folders): its curves, live while it trains, the latest checkpoint's filters,
samples and weight histograms, its configuration and eval report; runs
overlaid for comparison; a sweep's leaderboard. Read-only; it listens on
loopback unless -addr says otherwise. Ctrl-C (SIGINT or SIGTERM) stops it.

It answers only requests for its own address, or for localhost, 127.0.0.1
or [::1] at its port: a web page that points its own domain at this machine
(DNS rebinding) is refused. A name or address it is reached by otherwise
(the machine's name with -addr 0.0.0.0:PORT, or a tunnel's local port) is
allowed with -allow-host NAME (any port of it) or NAME:PORT.

examples:
  boltzmann serve runs                       # then open http://127.0.0.1:8080
  boltzmann serve -addr 127.0.0.1:9000 /shared/sweeps
  boltzmann serve -addr 0.0.0.0:8080 -allow-host gpu3.lab.example runs

flags:
`

// shutdownTimeout is how long a stopping server waits for the requests in
// flight (a picture being rendered) before it drops them.
const shutdownTimeout = 2 * time.Second

// Main runs the command until ctx is cancelled and returns its exit
// status: 130 once ctx is cancelled (what SIGINT and SIGTERM do).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on (loopback by default: anyone who can reach it sees the runs)")
	var allow []serve.AllowedHost
	fs.Func("allow-host", "comma-separated `names` that requests may be for besides the listening address and localhost: name for any port of it, name:port for that port alone; repeatable", func(v string) error {
		hs, err := serve.ParseAllowedHosts(v)
		allow = append(allow, hs...)
		return err
	})
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nexit status: 0 help, 1 failed, 2 bad command line, 130 stopped by Ctrl-C (SIGINT or SIGTERM).\n")
	}
	positional, err := cli.Parse(fs, args, "serve")
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return 2
	}
	if len(positional) != 1 {
		fmt.Fprintf(stderr, "serve: want one directory of runs, got %d arguments (run 'serve -h')\n", len(positional))
		return 2
	}
	s, err := serve.New(positional[0])
	if err != nil {
		fmt.Fprintln(stderr, "serve:", cli.Message("serve", err))
		return 1
	}
	s.AllowHosts = allow
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return 1
	}
	fmt.Fprintf(stdout, "serving %s on http://%s (Ctrl-C stops)\n", positional[0], ln.Addr())
	if err := serveUntil(ctx, ln, s.Handler()); err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return 1
	}
	fmt.Fprintln(stderr, "serve: interrupted; stopped")
	return 130
}

// serveUntil serves h on ln until ctx is cancelled, then shuts the server
// down: it stops listening, ends the event streams (their requests'
// contexts derive from ctx; Shutdown alone would wait for them, since they
// never end by themselves) and waits up to shutdownTimeout for the other
// requests in flight before it drops them. It returns once nothing is
// served any more; nil when ctx ended it.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		_ = srv.Close()
	}
	<-served // http.ErrServerClosed, now that Shutdown has begun
	return nil
}
