// Package exportcmd is `boltzmann export RUN DIR`: a run's trained model
// written as a model-only checkpoint (package checkpoint's Export), the
// form in which the repository ships its pretrained models.
package exportcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/internal/cli"
)

const usage = `usage: boltzmann export RUN DIR

Writes the model of RUN (a run directory: its latest checkpoint; or one
checkpoint directory) to DIR as model.safetensors and config.json, without
the trainer's state (momentum, persistent chains, random source). DIR is
what 'boltzmann eval DIR' reports on and what kinds.Load and package
pretrained open; it cannot be resumed. A model already in DIR is replaced.

examples:
  boltzmann export runs/rbm models/rbm
  boltzmann export runs/rbm/checkpoints/epoch-000050 models/rbm-epoch50
`

// Main runs the command and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fmt.Fprint(stderr, "\nexit status: 0 written, 1 failed, 2 bad command line.\n")
	}
	positional, err := cli.Parse(fs, args, "export")
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 2
	}
	if len(positional) != 2 {
		fmt.Fprintf(stderr, "export: want a run (or checkpoint) and a directory to write, got %d arguments (run 'export -h')\n", len(positional))
		return 2
	}
	from, err := checkpoint.Resolve(positional[0])
	if err != nil {
		fmt.Fprintln(stderr, "export:", cli.Message("export", err))
		return 1
	}
	if err := checkpoint.Export(from, positional[1]); err != nil {
		fmt.Fprintln(stderr, "export:", cli.Message("export", err))
		return 1
	}
	size := int64(0)
	for _, f := range []string{checkpoint.ModelFile, checkpoint.ConfigFile} {
		if st, err := os.Stat(filepath.Join(positional[1], f)); err == nil {
			size += st.Size()
		}
	}
	fmt.Fprintf(stdout, "exported %s to %s (%.1f MB)\n", from, positional[1], float64(size)/1e6)
	return 0
}
