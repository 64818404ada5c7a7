package sweep

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/schollz/progressbar/v3"
)

// ANSI sequences the board draws with: every terminal emulator in use
// knows them.
const (
	ansiUp        = "\x1b[%dF" // cursor to the start of the line n lines up
	ansiClearDown = "\x1b[J"   // clear from the cursor to the end of the screen
	ansiClearLine = "\x1b[2K"  // clear the whole line
)

// board is a status board on a terminal: one line per worker slot (the
// trial it runs, how far, how fast, when it ends) and one for the shard,
// redrawn in place. Log lines print above it, so that they scroll while the
// board stays at the bottom. Every method takes mu, which the log writers
// share.
type board struct {
	mu    *sync.Mutex
	w     io.Writer
	title string
	slots []string
	total int // trials in this shard
	done  int // trials that ended (run, skipped, failed or left to another worker)
	fail  int
	start time.Time
	now   func() time.Time
	drawn int // lines on screen now
	width int // a line's longest length, in runes
}

func newBoard(w io.Writer, mu *sync.Mutex, title string, slots, total int, now func() time.Time) *board {
	b := &board{mu: mu, w: w, title: title, slots: make([]string, slots), total: total, start: now(), now: now, width: 79}
	b.mu.Lock()
	b.draw()
	b.mu.Unlock()
	return b
}

// set replaces slot i's line ("" for an idle slot) and redraws.
func (b *board) set(i int, line string) {
	b.mu.Lock()
	b.slots[i] = line
	b.draw()
	b.mu.Unlock()
}

// finished counts a trial that ended and clears its slot.
func (b *board) finished(i int, failed bool) {
	b.mu.Lock()
	b.slots[i] = ""
	b.done++
	if failed {
		b.fail++
	}
	b.draw()
	b.mu.Unlock()
}

// println prints a log line above the board; mu must be held.
func (b *board) println(line string) error {
	b.erase()
	_, err := fmt.Fprintf(b.w, "%s\n", line)
	b.draw()
	return err
}

// close leaves the board's last state on screen, below the log.
func (b *board) close() {
	b.mu.Lock()
	b.draw()
	b.drawn = 0
	b.mu.Unlock()
}

func (b *board) erase() {
	if b.drawn > 0 {
		fmt.Fprintf(b.w, ansiUp+ansiClearDown, b.drawn)
		b.drawn = 0
	}
}

func (b *board) draw() {
	b.erase()
	var s strings.Builder
	for i, line := range b.slots {
		if line == "" {
			line = "idle"
		}
		fmt.Fprintf(&s, "%s%s\n", ansiClearLine, b.clip(fmt.Sprintf("  %d: %s", i+1, line)))
	}
	elapsed := b.now().Sub(b.start).Round(time.Second)
	fmt.Fprintf(&s, "%s%s: %d/%d trials ended", ansiClearLine, b.title, b.done, b.total)
	if b.fail > 0 {
		fmt.Fprintf(&s, " (%d failed)", b.fail)
	}
	fmt.Fprintf(&s, ", %s elapsed\n", elapsed)
	_, _ = io.WriteString(b.w, s.String())
	b.drawn = len(b.slots) + 1
}

// clip cuts a line to the board's width so that it never wraps, which would
// break the count of lines to redraw.
func (b *board) clip(s string) string {
	r := []rune(s)
	if len(r) <= b.width {
		return s
	}
	return string(r[:b.width-1]) + "…"
}

// trialBar renders one trial's board line with a progress bar of its own
// that draws nowhere: the board takes its rendered text.
type trialBar struct {
	label      string // "[index id]"
	epochs, nb int    // epochs and batches per epoch
	bar        *progressbar.ProgressBar
	step0      int64 // the step the trial started from (resumed trials)
	last       string
}

// line returns the trial's line after step p, and whether it changed.
func (t *trialBar) line(p checkpoint.Progress) (string, bool) {
	total := int64(t.epochs) * int64(t.nb)
	if t.bar == nil {
		t.step0 = p.Step - 1
		t.bar = progressbar.NewOptions64(total-t.step0,
			progressbar.OptionSetWriter(io.Discard),
			progressbar.OptionSetWidth(12),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("step"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(250*time.Millisecond),
		)
	}
	t.bar.Describe(fmt.Sprintf("%s epoch %d/%d", t.label, min(p.Epoch+1, t.epochs), t.epochs))
	_ = t.bar.Set64(p.Step - t.step0)
	s := strings.TrimSpace(strings.TrimPrefix(t.bar.String(), "\r"))
	if s == t.last {
		return s, false
	}
	t.last = s
	return s, true
}
