package evalcmd

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
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

// pending holds the files that eval writes into -out beside report.json
// until the report is complete, so that an eval stopped before then
// writes nothing.
type pending struct {
	paths []string
	data  [][]byte
}

// add holds b for path.
func (out *pending) add(path string, b []byte) {
	out.paths = append(out.paths, path)
	out.data = append(out.data, b)
}

// write writes each file, atomically, in the order they were added.
func (out *pending) write() error {
	for i, path := range out.paths {
		if err := atomicfile.WriteFile(path, out.data[i]); err != nil {
			return err
		}
	}
	return nil
}

// finish writes rep's pictures (out) and rep into o.out, unless ctx is
// done, and prints rep, as JSON with -json and otherwise by print. It
// returns eval's exit status. Once it has begun to write it finishes,
// whatever ctx says, so that -out holds one report or the one before.
func finish(ctx context.Context, o options, rep any, out *pending, print func(), stdout, stderr io.Writer) int {
	if ctx.Err() != nil {
		return interrupted(o, stderr)
	}
	if err := out.write(); err != nil {
		return failed(err, stderr)
	}
	if err := saveReport(o.out, rep); err != nil {
		return failed(err, stderr)
	}
	if o.jsonOut {
		if err := json.NewEncoder(stdout).Encode(rep); err != nil {
			return failed(err, stderr)
		}
		return 0
	}
	print()
	return 0
}
