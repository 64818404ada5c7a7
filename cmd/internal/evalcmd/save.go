package evalcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/cli"
)

// ReportFile is the report eval saves beside its pictures: the object that
// -json prints.
const ReportFile = "report.json"

// saveReport writes the report as JSON into dir, atomically.
func saveReport(dir string, rep any) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, ReportFile), append(b, '\n'))
}

// finish saves rep into o.out and prints it, as JSON with -json and
// otherwise by print, and returns eval's exit status.
func finish(o options, rep any, print func(), stdout, stderr io.Writer) int {
	if err := saveReport(o.out, rep); err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if o.jsonOut {
		if err := json.NewEncoder(stdout).Encode(rep); err != nil {
			fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
			return 1
		}
		return 0
	}
	print()
	return 0
}
