package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Standing says what stands at a path a command is about to write: the
// commands refuse to write over what is not theirs (see [Inspect]).
type Standing struct {
	// What is one of the Standing constants.
	What StandingKind
	// Names are a directory's entries (What Run, Export, Other).
	Names []string
	// Detail says it for a message ("is a file (120 bytes)").
	Detail string
}

// StandingKind is what stands at a path.
type StandingKind int

// What can stand at a path.
const (
	Missing       StandingKind = iota // nothing: the path is free
	EmptyDir                          // an empty directory
	RegularFile                       // a file, or anything that is not a directory or a link
	SymbolicLink                      // a symbolic link, to anything
	RunDir                            // a run directory (checkpoints/, or the run lock)
	CheckpointDir                     // one checkpoint with its trainer state
	ExportDir                         // a model-only checkpoint (an export), perhaps with other files beside it
	OtherDir                          // a directory of other things
)

// Holds reports whether a directory's entries include name.
func (s Standing) Holds(name string) bool { return slices.Contains(s.Names, name) }

// Inspect says what stands at path, without following a symbolic link.
func Inspect(path string) (Standing, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Standing{What: Missing, Detail: "does not exist"}, nil
	}
	if err != nil {
		return Standing{}, err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return Standing{What: SymbolicLink, Detail: "is a symbolic link (to " + target + ")"}, nil
	case !st.IsDir():
		return Standing{What: RegularFile, Detail: fmt.Sprintf("is a file (%d bytes)", st.Size())}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return Standing{}, err
	}
	s := Standing{}
	for _, e := range entries {
		s.Names = append(s.Names, e.Name())
	}
	switch {
	case len(s.Names) == 0:
		s.What, s.Detail = EmptyDir, "is an empty directory"
	case s.Holds(Dir) || s.Holds(RunLockFile):
		s.What, s.Detail = RunDir, "is a run directory (it holds "+Dir+"/)"
	case s.Holds(TrainerFile):
		s.What, s.Detail = CheckpointDir, "is a checkpoint with its trainer state ("+TrainerFile+")"
	case s.Holds(ConfigFile) && isExportManifest(filepath.Join(path, ConfigFile)):
		s.What, s.Detail = ExportDir, "holds an exported model"
	default:
		s.What, s.Detail = OtherDir, "holds "+listNames(s.Names)
	}
	return s, nil
}

// isExportManifest reports whether the file is a checkpoint manifest that
// names no trainer state.
func isExportManifest(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.FormatVersion == 0 {
		return false
	}
	_, trainer := m.Files[TrainerFile]
	return !trainer
}

// checkExportDestination refuses a destination of Export that is neither
// missing, empty nor an earlier export, naming the path and what stands
// there. The files beside an earlier export's model (an eval report,
// results.json) are returned, to be kept.
func checkExportDestination(dst string) (keep []string, err error) {
	s, err := Inspect(dst)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: export: %w", err)
	}
	switch s.What {
	case Missing, EmptyDir:
		return nil, nil
	case ExportDir:
		for _, n := range s.Names {
			if n != ConfigFile && n != ModelFile {
				keep = append(keep, n)
			}
		}
		return keep, nil
	case OtherDir:
		s.Detail += " and no exported model"
	}
	return nil, fmt.Errorf("checkpoint: export: %s %s: choose a new directory (or an earlier export, which is replaced)", dst, s.Detail)
}

// listNames is a short list of a directory's entries for a message.
func listNames(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// InspectTarget is Inspect that follows a symbolic link to a directory (a
// run directory kept on another disk, say): what stands is the target's.
// A link to anything else stands as a SymbolicLink.
func InspectTarget(path string) (Standing, error) {
	s, err := Inspect(path)
	if err != nil || s.What != SymbolicLink {
		return s, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return Standing{}, err
		}
		return Inspect(target)
	}
	s.Detail += ", not a directory"
	return s, nil
}
