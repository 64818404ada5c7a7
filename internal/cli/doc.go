// Package cli holds what the commands share: the context that a first
// SIGINT or SIGTERM cancels, the build's version, and whether a writer is
// a terminal.
package cli
