// Command eval is `boltzmann eval` under its own name (see package
// cmd/internal/evalcmd and the README): it reports on a trained model. Installed
// with `go install`, a binary named eval is hidden by the shell's builtin
// of that name; install cmd/boltzmann instead.
package main

import (
	"os"

	"github.com/boltzmann-go/boltzmann/cmd/internal/evalcmd"
)

func main() { os.Exit(evalcmd.Main(os.Args[1:], os.Stdout, os.Stderr)) }
