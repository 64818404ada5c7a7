package train

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/checkpoint"
)

// LockNewRun takes dir's run lock ([checkpoint.LockRun]) for a run about
// to start there, and fails when dir already holds a run
// ([checkpoint.HasRun]). The check is made under the lock, so that of two
// processes starting in one directory at once the second sees the first's
// run, or fails on its lock, instead of both starting.
func LockNewRun(dir string) (release func(), err error) {
	return lockRun(dir, true)
}

// lockRun takes dir's run lock and, when fresh is set, fails where dir
// already holds a run.
func lockRun(dir string, fresh bool) (release func(), err error) {
	release, err = checkpoint.LockRun(dir)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if fresh && checkpoint.HasRun(dir) {
		release()
		return nil, fmt.Errorf("train: %s already holds a run: pass -resume to continue it, or choose another -out", dir)
	}
	return release, nil
}

// CheckNewRunDir refuses a directory for a new run where something else
// stands: a file, a link to one, a checkpoint, an exported model, a sweep
// or other files. A missing or empty directory is free; a run directory
// is refused under the lock ([LockNewRun]), or resumed. The train command
// checks its -out so; a program that keeps files of its own in a run's
// directory (a sweep's trial) need not.
func CheckNewRunDir(dir string) error {
	s, err := checkpoint.InspectTarget(dir)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	switch s.What {
	case checkpoint.Missing, checkpoint.EmptyDir, checkpoint.RunDir:
		return nil
	case checkpoint.OtherDir:
		if s.Holds(MetricsFile) {
			return nil // a run's log without its lock: HasRun judges it
		}
		s.Detail += " and no run"
	}
	return fmt.Errorf("train: %s %s: choose another -out for a new run", dir, s.Detail)
}
