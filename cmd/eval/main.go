// Command eval is `boltzmann eval` under its own name (see package
// cmd/internal/evalcmd and the README): it reports on a trained model. Installed
// with `go install`, a binary named eval is hidden by the shell's builtin
// of that name; install cmd/boltzmann instead.
//
// SIGINT or SIGTERM stops it with exit status 130, nothing written; a
// second signal stops at once.
package main

import (
	"os"

	"github.com/boltzmann-go/boltzmann/cmd/internal/evalcmd"
	"github.com/boltzmann-go/boltzmann/internal/cli"
)

func main() {
	ctx, stop := cli.SignalContext()
	code := evalcmd.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
