package checkpoint

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/testhook"
)

// TestSaveCallsWriteHookInsideTheWrite checks the crash test's hook: Save
// calls it five times, after each of the three files and each rename, so
// that a kill during a call lands inside the write.
func TestSaveCallsWriteHookInsideTheWrite(t *testing.T) {
	run := t.TempDir()
	c := sample()
	final := filepath.Join(run, Dir, c.Progress.Name())
	var seen []string
	testhook.CheckpointWrite = func() {
		state := "tmp"
		if _, err := os.Stat(final); err == nil {
			state = "final"
		}
		if _, err := os.Stat(filepath.Join(run, Dir, LatestFile)); err == nil {
			state += "+latest"
		}
		seen = append(seen, state)
	}
	t.Cleanup(func() { testhook.CheckpointWrite = nil })
	if _, err := Save(run, c, 0); err != nil {
		t.Fatal(err)
	}
	want := []string{"tmp", "tmp", "tmp", "final", "final+latest"}
	if !slices.Equal(seen, want) {
		t.Errorf("the hook saw %v, want %v", seen, want)
	}
}
