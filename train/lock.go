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
