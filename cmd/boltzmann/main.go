// Command boltzmann trains and evaluates energy-based models: restricted
// and deep Boltzmann machines, Gaussian RBMs and Hopfield networks.
//
//	boltzmann train [flags]          train a model (boltzmann help train)
//	boltzmann eval [flags] PATH      report on a trained model (boltzmann help eval)
//	boltzmann serve [-addr A] DIR    a live web page of the runs under DIR
//	boltzmann export RUN DIR         the trained model alone, as shipped
//	boltzmann version                the build's version and VCS revision
//	boltzmann help [command|kinds]   this text, a command's flags, or the model kinds
//
// Install with `go install github.com/boltzmann-go/boltzmann/cmd/boltzmann@latest`
// (or `go install ./cmd/boltzmann` from a clone). The commands cmd/train and
// cmd/eval are the same code under their own names; installed, eval would be
// hidden by the shell's builtin of that name.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/boltzmann-go/boltzmann/cmd/internal/evalcmd"
	"github.com/boltzmann-go/boltzmann/cmd/internal/exportcmd"
	"github.com/boltzmann-go/boltzmann/cmd/internal/servecmd"
	"github.com/boltzmann-go/boltzmann/cmd/internal/traincmd"
	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
)

func main() {
	ctx, stop := cli.SignalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: boltzmann COMMAND [flags]

commands:
  train     train a model: an RBM, a Gaussian RBM, a DBM, a Boltzmann machine or a Hopfield memory
  eval      report on a trained model: AIS log-likelihood, RAISE, classifiers, pictures
  serve     a web page of the runs under a directory: curves (live), filters, samples, comparisons
  export    write a run's model alone (no trainer state) to a directory, as the pretrained models are shipped
  version   print the version and VCS revision of this build
  help      this text; 'boltzmann help train' lists train's flags, 'boltzmann help kinds' the model kinds

examples:
  boltzmann train -out runs/rbm            # a 500-unit RBM on MNIST (ten minutes on two cores)
  boltzmann eval runs/rbm -quick           # its log-likelihood, filters and samples
  boltzmann train -resume -out runs/rbm    # go on after Ctrl-C
  boltzmann serve runs                     # watch them at http://127.0.0.1:8080

exit status: 0 done, 1 failed while running, 2 bad command line, 130 interrupted.
The README: https://github.com/boltzmann-go/boltzmann#readme
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "train":
		return traincmd.Main(ctx, rest, stdout, stderr)
	case "eval":
		return evalcmd.Main(ctx, rest, stdout, stderr)
	case "serve":
		return servecmd.Main(ctx, rest, stdout, stderr)
	case "export":
		return exportcmd.Main(rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "boltzmann", version.String())
		return 0
	case "help", "-h", "-help", "--help":
		switch {
		case len(rest) == 0:
			fmt.Fprint(stdout, usage)
			return 0
		case rest[0] == "kinds":
			traincmd.PrintKinds(stdout, kinds.Builtin())
			return 0
		case rest[0] == "train":
			return traincmd.Main(ctx, []string{"-h"}, stdout, stdout)
		case rest[0] == "eval":
			return evalcmd.Main(ctx, []string{"-h"}, stdout, stdout)
		case rest[0] == "serve":
			return servecmd.Main(ctx, []string{"-h"}, stdout, stdout)
		case rest[0] == "export":
			return exportcmd.Main([]string{"-h"}, stdout, stdout)
		}
		fmt.Fprintf(stderr, "boltzmann help: no command %q: want train, eval, serve, export or kinds\n", rest[0])
		return 2
	default:
		fmt.Fprintf(stderr, "boltzmann: unknown command %q: want train, eval, serve, export, version or help\n\n%s", cmd, usage)
		return 2
	}
}
