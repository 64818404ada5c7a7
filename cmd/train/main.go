// Command train is `boltzmann train` under its own name (see package
// cmd/internal/traincmd and the README): it trains an energy-based model and
// writes metrics, checkpoints and a final model to a run directory.
//
// SIGINT or SIGTERM finishes the current batch, writes a checkpoint and
// exits with status 130; a second signal stops at once.
package main

import (
	"os"

	"github.com/boltzmann-go/boltzmann/cmd/internal/traincmd"
	"github.com/boltzmann-go/boltzmann/internal/cli"
)

func main() {
	ctx, stop := cli.SignalContext()
	code := traincmd.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
