// Package evalcmd is the eval command (`boltzmann eval`, and the eval
// binary): it reports on a trained model: scores on the test set, pictures
// of its filters and of samples from it, and its training curves.
//
//	boltzmann eval runs/rbm                          # the run's latest checkpoint
//	boltzmann eval -json runs/rbm/checkpoints/epoch-000010
//	boltzmann eval -sweep runs/sweep                 # a sweep's leaderboard
//
// Pictures go to -out (default: the run directory's eval/ folder):
// filters.png, samples.png and curves.svg.
package evalcmd

import (
	"fmt"
	"io"

	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
)

// Main runs the eval command with its arguments (without the command's
// name) and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int { return runEval(args, stdout, stderr) }

// runEval is eval's flow: the command line (options.go), a sweep's
// leaderboard (sweep.go) or the checkpoint and its data (load.go), the
// report (report.go, or hopfield.go for a Hopfield memory), saved and
// printed (save.go, print.go).
func runEval(args []string, stdout, stderr io.Writer) int {
	o, code, done := parseArgs(args, stdout, stderr)
	if done {
		return code
	}
	if o.sweepDir != "" {
		return mergeSweep(o.sweepDir, o.metric, stdout, stderr)
	}
	blasDesc, err := fastblas.Use(o.blas)
	if err != nil {
		fmt.Fprintln(stderr, "eval: -blas:", err)
		return 2
	}
	if !o.quiet && !o.jsonOut {
		fmt.Fprintln(stderr, "BLAS:", blasDesc)
	}
	loaded, data, err := prepare(&o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if loaded.Config.OwnParallelism() {
		fastblas.SingleThreaded()
	}
	if code, ok := hopfieldEval(loaded, data, o, blasDesc, stdout, stderr); ok {
		return code
	}
	rep, err := report(loaded, data, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	rep.BLAS = blasDesc
	return finish(o, rep, func() { printReport(stdout, rep, o.out) }, stdout, stderr)
}
