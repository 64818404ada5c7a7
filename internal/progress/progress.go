// Package progress makes the progress bars of the loops a person waits for
// outside the training loop (AIS, RAISE, the classifiers, sampling): a
// count, the time left, redrawn at most five times a second, cleared when
// done.
package progress

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Bar is a bar of n steps on w, described by desc.
func Bar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
}
