package pool

import "syscall"

// osYield gives the thread's core to another runnable thread of the
// machine, if there is one (sched_yield), and returns at once otherwise.
func osYield() { syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
