package cli

import (
	"io"
	"os"
)

// IsTerminal says whether w is a terminal (a character device other than a
// dumb one): progress bars go there, and a log file gets lines instead.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}
