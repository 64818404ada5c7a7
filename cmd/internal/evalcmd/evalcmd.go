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
//
// SIGINT or SIGTERM stops it (AIS, RAISE and the classifiers between
// steps) with exit status 130 and -out as it was: the pictures and
// report.json are written together once the report is complete.
package evalcmd

import (
	"context"
	"fmt"
	"io"

	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// Main runs the eval command with its arguments (without the command's
// name) until it finishes or ctx is cancelled, and returns its exit
// status: 130 once ctx is cancelled (what SIGINT and SIGTERM do).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runEval(ctx, args, stdout, stderr)
}

// Run is Main for the kinds of a table of one's own (kinds.NewTable).
func Run(ctx context.Context, table *kinds.Table, args []string, stdout, stderr io.Writer) int {
	return runEvalWith(ctx, table, args, stdout, stderr)
}

// runEval is eval's flow: the command line (options.go), a sweep's
// leaderboard (sweep.go) or the checkpoint and its data (load.go), the
// report (report.go, or hopfield.go for a Hopfield memory), saved and
// printed (save.go, print.go).
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runEvalWith(ctx, kinds.Builtin(), args, stdout, stderr)
}

func runEvalWith(ctx context.Context, table *kinds.Table, args []string, stdout, stderr io.Writer) int {
	o, code, done := parseArgs(args, stdout, stderr)
	if done {
		return code
	}
	o.table = table
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
		return fail(ctx, o, err, stderr)
	}
	if loaded.Config.OwnParallelism() {
		fastblas.SingleThreaded()
	}
	if code, ok := hopfieldEval(ctx, loaded, data, o, blasDesc, stdout, stderr); ok {
		return code
	}
	var out pending
	rep, err := report(ctx, loaded, data, o, &out, stderr)
	if err != nil {
		return fail(ctx, o, err, stderr)
	}
	rep.BLAS = blasDesc
	return finish(ctx, o, rep, &out, func() { printReport(stdout, rep, o.out) }, stdout, stderr)
}

// fail reports err and returns eval's exit status for it: 130 once ctx
// is done (interrupted), 1 otherwise.
func fail(ctx context.Context, o options, err error, stderr io.Writer) int {
	if ctx.Err() != nil {
		return interrupted(o, stderr)
	}
	return failed(err, stderr)
}

// failed prints err and returns exit status 1.
func failed(err error, stderr io.Writer) int {
	fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
	return 1
}

// interrupted leaves -out as it was before eval, says so and returns exit
// status 130.
func interrupted(o options, stderr io.Writer) int {
	removeMade(o)
	if o.out == "" {
		fmt.Fprintln(stderr, "eval: interrupted; nothing written")
	} else {
		fmt.Fprintf(stderr, "eval: interrupted; nothing written to %s\n", o.out)
	}
	return 130
}
