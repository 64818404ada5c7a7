// Package version says which build of boltzmann is running, from the
// build information the go command embeds: the module's version (a tag
// when installed as module@version, "(devel)" when built from a clone),
// the VCS revision and whether the tree had uncommitted changes.
package version

import (
	"fmt"
	"runtime/debug"
)

// Module is the module path of boltzmann.
const Module = "github.com/boltzmann-go/boltzmann"

// Info is what the build information says of this build.
type Info struct {
	Version  string // module version, or "(devel)"
	Revision string // VCS revision, "" when unknown
	Modified bool   // the tree had uncommitted changes
	Time     string // commit time, RFC 3339, "" when unknown
	Go       string // the Go toolchain
}

// Read returns the build's information; outside a module build (a test
// binary) the version is "(devel)" and the revision unknown.
func Read() Info {
	info := Info{Version: "(devel)"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	info.Go = bi.GoVersion
	if bi.Main.Path == Module && bi.Main.Version != "" {
		info.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		case "vcs.time":
			info.Time = s.Value
		}
	}
	return info
}

// String is one line: "v1.2.3", or "(devel) rev 0123abcd4567 (modified)",
// and the Go version.
func (i Info) String() string {
	s := i.Version
	if i.Revision != "" {
		rev := i.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " rev " + rev
		if i.Modified {
			s += " (modified)"
		}
	}
	if i.Go != "" {
		s += fmt.Sprintf(", %s", i.Go)
	}
	return s
}

// String is Read().String().
func String() string { return Read().String() }
