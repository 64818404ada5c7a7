// Package progress makes the progress bars of the loops a person waits for
// outside the training loop (AIS, RAISE, the classifiers, sampling): a
// count, the time left, redrawn at most five times a second, cleared when
// done. On a writer that is not a terminal (a log file) a bar draws
// nothing and writes one line when its loop is done.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/schollz/progressbar/v3"
)

// Bar is a bar of n steps on w, described by desc.
func Bar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	if w != io.Discard && !cli.IsTerminal(w) {
		start := time.Now()
		return progressbar.NewOptions(n, progressbar.OptionSetWriter(io.Discard),
			progressbar.OptionOnCompletion(func() {
				fmt.Fprintf(w, "%s: done in %.1f s\n", desc, time.Since(start).Seconds())
			}))
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
}

// End ends bar after its loop returned err: done when err is nil (a
// terminal's bar cleared, a log's line written); cleared, with no line
// that says done, when the loop failed or was stopped.
func End(bar *progressbar.ProgressBar, err error) {
	if err != nil {
		_ = bar.Clear()
		return
	}
	_ = bar.Finish()
}
