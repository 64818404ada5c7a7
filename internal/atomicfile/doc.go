// Package atomicfile writes files so that a crash or a concurrent reader
// never sees a half-written one: a new file is written beside its
// destination, fsynced, renamed over it, and the directory fsynced. Every
// file the module saves goes through it (checkpoints, metrics, reports,
// plans, pictures).
package atomicfile
