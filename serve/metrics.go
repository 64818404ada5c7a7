package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/boltzmann-go/boltzmann/train"
)

// lastRecord parses the last complete line of a metrics file of the given
// size, reading only its tail; a half-written last line is skipped.
func lastRecord(path string, size int64) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const tail = 64 << 10
	off := max(0, size-tail)
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	end := bytes.LastIndexByte(buf, '\n')
	if end < 0 {
		return nil, nil // no complete line yet
	}
	buf = buf[:end]
	line := buf[bytes.LastIndexByte(buf, '\n')+1:]
	var rec map[string]any
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, fmt.Errorf("the last line of %s is malformed: %.80q", train.MetricsFile, line)
	}
	return rec, nil
}

// MetricsChunk is the lines of a metrics file from a byte offset on.
type MetricsChunk struct {
	Records []map[string]any `json:"records"`
	Bad     []BadLine        `json:"bad"`
	Next    int64            `json:"next"`      // the offset to ask from next time
	Line    int              `json:"next_line"` // the number of the next line
	Reset   bool             `json:"reset"`     // the file shrank (a resume rewrote it): ask again from 0
}

// BadLine is a line of a metrics file that is not a JSON object.
type BadLine struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// readMetrics reads the complete lines of a metrics file from offset from
// (whose first line is number line); a half-written last line waits for
// the next call.
func readMetrics(path string, from int64, line int) (*MetricsChunk, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &MetricsChunk{Records: []map[string]any{}, Bad: []BadLine{}, Next: 0, Line: 1}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	out := &MetricsChunk{Records: []map[string]any{}, Bad: []BadLine{}, Next: from, Line: line}
	if st.Size() < from {
		out.Reset, out.Next, out.Line = true, 0, 1
		return out, nil
	}
	const maxChunk = 32 << 20
	n := min(st.Size()-from, maxChunk)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, from); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		text := bytes.TrimSpace(buf[:i])
		out.Next += int64(i + 1)
		if len(text) > 0 {
			var rec map[string]any
			if err := json.Unmarshal(text, &rec); err != nil {
				out.Bad = append(out.Bad, BadLine{Line: out.Line, Text: string(text[:min(len(text), 200)])})
			} else {
				out.Records = append(out.Records, rec)
			}
		}
		out.Line++
		buf = buf[i+1:]
	}
	return out, nil
}
