package evalcmd

import (
	"fmt"
	"io"

	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/sweep"
)

// mergeSweep writes and prints a sweep's leaderboard; missing trials make
// the exit status 1.
func mergeSweep(dir, metric string, stdout, stderr io.Writer) int {
	switch metric {
	case "", sweep.MetricValidPLL, sweep.MetricValidRecon, sweep.MetricTestLL:
	default:
		fmt.Fprintf(stderr, "eval: -metric %q: want %s, %s or %s\n", metric, sweep.MetricValidPLL, sweep.MetricValidRecon, sweep.MetricTestLL)
		return 2
	}
	lb, err := sweep.Merge(dir, metric)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if err := lb.Write(); err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	stdout.Write(lb.Markdown())
	fmt.Fprintf(stdout, "\n%d ranked, %d failed, %d missing; leaderboard.csv, .md and .svg in %s\n", len(lb.Ranked), len(lb.Failed), len(lb.Missing), dir)
	if len(lb.Missing) > 0 {
		return 1
	}
	return 0
}
