//go:build !linux

package pool

import "runtime"

// osYield gives way to other goroutines (the OS's threads are not asked to
// run where sched_yield is not at hand).
func osYield() { runtime.Gosched() }
