package sweep

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/data/mnist"
)

// screen is a terminal emulator for the few sequences the board uses: it
// replays what was written and keeps the lines on screen (an endless
// scroll-back, so nothing scrolls off).
type screen struct {
	lines    [][]rune
	row, col int
}

func (s *screen) replay(t *testing.T, out string) {
	t.Helper()
	s.lines, s.row, s.col = [][]rune{nil}, 0, 0
	r := []rune(out)
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '\n':
			s.row++
			s.col = 0
			if s.row == len(s.lines) {
				s.lines = append(s.lines, nil)
			}
		case '\r':
			s.col = 0
		case '\x1b':
			j := i + 2 // after "\x1b["
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			if i+1 >= len(r) || r[i+1] != '[' || j >= len(r) {
				t.Fatalf("unterminated escape sequence at %d: %q", i, string(r[i:min(i+8, len(r))]))
			}
			n := 1
			if j > i+2 {
				n, _ = strconv.Atoi(string(r[i+2 : j]))
			}
			switch r[j] {
			case 'F':
				s.row, s.col = max(s.row-n, 0), 0
			case 'J':
				s.lines[s.row] = s.lines[s.row][:min(s.col, len(s.lines[s.row]))]
				s.lines = s.lines[:s.row+1]
			case 'K':
				s.lines[s.row] = nil
			default:
				t.Fatalf("unexpected escape sequence %q", string(r[i:j+1]))
			}
			i = j
		default:
			line := s.lines[s.row]
			for len(line) <= s.col {
				line = append(line, ' ')
			}
			line[s.col] = c
			s.lines[s.row] = line
			s.col++
		}
	}
}

// text is the screen's lines, trailing blanks and the empty line under the
// cursor dropped.
func (s *screen) text() []string {
	var out []string
	for _, l := range s.lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func TestBoardKeepsTrialLinesUnderTheLog(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBoard(&out, &mu, "sweep shard 0/1", 2, 3, func() time.Time { return clock })
	b.set(0, "trial A epoch 1/4")
	mu.Lock()
	_ = b.println("log 1")
	mu.Unlock()
	b.set(1, "trial B epoch 1/4")
	b.set(0, "trial A epoch 2/4")
	mu.Lock()
	_ = b.println("log 2")
	mu.Unlock()
	b.finished(0, false)
	b.set(0, "trial C "+strings.Repeat("x", 200))
	clock = clock.Add(90 * time.Second)
	b.finished(1, true)
	b.close()

	var s screen
	s.replay(t, out.String())
	got := s.text()
	want := []string{
		"log 1",
		"log 2",
		"  1: trial C " + strings.Repeat("x", 79-len("  1: trial C ")-1) + "…",
		"  2: idle",
		"sweep shard 0/1: 2/3 trials ended (1 failed), 1m30s elapsed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, l := range got {
		if n := len([]rune(l)); n > 79 {
			t.Errorf("line %d has %d characters: it would wrap on an 80-column terminal", i, n)
		}
	}
}

// TestSweepBoardShowsEachRunningTrial runs a small sweep two trials at a
// time on a board and replays what it drew: while it ran, both slots showed
// a different trial at once and the lines showed progress; at the end the
// log of every trial sits above a board that counts them all.
func TestSweepBoardShowsEachRunningTrial(t *testing.T) {
	if _, err := mnist.DefaultDir(); err != nil {
		t.Skip(err)
	}
	spec, err := ParseSpec([]byte(strings.Replace(specYAML, "epochs: 40", "epochs: 15", 1)))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	plan.Trials = plan.Trials[:4]
	var out syncBuffer
	sum, err := Run(context.Background(), plan, Options{Dir: filepath.Join(t.TempDir(), "s"), Shards: 1, Parallel: 2, Log: &out, Board: true, LoadData: loadData})
	if err != nil || sum.Ran != 4 {
		t.Fatalf("ran %d of 4 trials: %v", sum.Ran, err)
	}
	raw := out.String()
	both, moved := false, false
	var s screen
	// Replay after every redraw of the shard line and look at the board.
	for i := 0; i < len(raw); {
		j := strings.Index(raw[i:], "trials ended")
		if j < 0 {
			break
		}
		i += j + 1
		s.replay(t, raw[:i])
		lines := s.text()
		if len(lines) >= 3 {
			a, b := lines[len(lines)-3], lines[len(lines)-2]
			for _, l := range []string{a, b} {
				if m := percent.FindStringSubmatch(l); m != nil && m[1] != "0" {
					moved = true
				}
			}
			if strings.HasPrefix(a, "  1: [") && strings.HasPrefix(b, "  2: [") && label(a) != label(b) {
				if !both && os.Getenv("BOARD_SHOW") != "" {
					t.Logf("board while two trials ran:\n%s\n%s\n%s", a, b, lines[len(lines)-1])
				}
				both = true
			}
		}
	}
	if !both {
		t.Error("the board never showed two trials at once, a line each")
	}
	if !moved {
		t.Error("no trial's line ever showed progress above 0%")
	}
	s.replay(t, raw)
	lines := s.text()
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "sweep shard 0/1: 4/4 trials ended,") {
		t.Errorf("last line %q, want the shard's count of 4 ended trials", last)
	}
	for _, tr := range plan.Trials {
		prefix := fmt.Sprintf("[%d %s] ", tr.Index, tr.ID)
		var done bool
		for _, l := range lines[:len(lines)-3] {
			if strings.HasPrefix(l, prefix) && strings.Contains(l, "done: valid_pll") {
				done = true
			}
		}
		if !done {
			t.Errorf("no log line %q…done above the board:\n%s", prefix, strings.Join(lines, "\n"))
		}
	}
	if os.Getenv("BOARD_SHOW") != "" {
		t.Logf("final screen:\n%s", strings.Join(lines, "\n"))
	}
}

// label is a board line's "[index id]".
func label(line string) string {
	if i, j := strings.Index(line, "["), strings.Index(line, "]"); i >= 0 && j > i {
		return line[i : j+1]
	}
	return line
}

var percent = regexp.MustCompile(`epoch \d+/\d+ +(\d+)%`)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
