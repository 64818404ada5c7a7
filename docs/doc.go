// Package docs holds the project's documentation pages (the Markdown files
// beside this one, linked from the README) and the test that keeps them
// true: every Go snippet in README.md and docs/*.md compiles against the
// current API, every relative link resolves, and the README fits a screen
// (at most 200 lines).
//
// A ```go block is either a whole file (it starts with a package clause)
// or a fragment: the body of func main in package main, whose imports the
// test adds from the names it uses (the module's public packages, a few of
// the standard library's, gorgonia.org/tensor and gorgonia.org/gorgonia).
// A fragment must declare what it uses, and use what it declares, as any
// Go function must.
package docs
