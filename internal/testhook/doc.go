// Package testhook holds the hooks through which a test of one package
// reaches inside another, at instants that no API should expose: the crash
// test of the train command pauses inside every checkpoint write, which
// package checkpoint makes three packages below it.
//
// A hook within one package is an unexported variable of that package, as
// net/http's testHookServerServe is; only a hook that crosses packages is
// here. Every hook is nil outside tests, and a test sets it before anything
// that reads it runs, so that no read races with the write.
package testhook
