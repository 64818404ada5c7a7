// Package serve is the web page of `boltzmann serve DIR`: every run under
// DIR (plain runs, sweep trials, nested folders, found afresh on each
// request), its curves, the latest checkpoint's filters, samples and weight
// histograms, its configuration and eval report, live while it trains; runs
// overlaid for comparison; a sweep's leaderboard.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary (no CDN,
// no build step). The server is read-only: it answers GET and HEAD only,
// writes nothing (the pictures it renders are kept in memory, the most
// recently used), runs nothing, and reads only files under DIR (a path with
// "..", an absolute path, or a symbolic link that leads out of DIR is
// refused). It answers only requests whose Host header names it (the
// address a request came in on, localhost at its port, or a name in
// Server.AllowHosts), so that a web page that rebinds its own domain to
// 127.0.0.1 cannot read the runs. A run's list entry reads the tail of its
// metrics file (train.MetricsFile), and a run page's event stream
// (server-sent events) sends only the lines added since the last; a
// malformed or half-written line is shown as such.
//
// Whether a run is training comes from its run lock (checkpoint.Held),
// diverged from the diverged.txt the training loop leaves, finished from its
// latest checkpoint's progress against the configuration's epochs;
// otherwise it was interrupted.
package serve
