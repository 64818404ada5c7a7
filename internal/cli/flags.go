package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// UsageError is a command line the command cannot take (exit status 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Parse parses args into fs with flags anywhere among the positional
// arguments (`eval RUN -quick` as `eval -quick RUN`), and returns the
// positional ones. It prints nothing: an unknown flag comes back as a
// UsageError with the nearest flag's name ("did you mean"), a bool flag
// given a separate value (`-pcd false`) with the form that works, and -h
// as flag.ErrHelp. help names the command for "run 'help' for the flags".
func Parse(fs *flag.FlagSet, args []string, help string) ([]string, error) {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		if err != nil {
			return nil, explain(fs, err, help)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil // everything after -- is positional
		}
		if consumed > 0 && (rest[0] == "true" || rest[0] == "false") {
			name := strings.TrimLeft(args[consumed-1], "-")
			if f := fs.Lookup(name); f != nil && isBool(f) {
				return nil, &UsageError{fmt.Sprintf("-%s takes no separate value: write -%s=%s", name, name, rest[0])}
			}
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// explain turns the flag package's error into one line with a way on.
func explain(fs *flag.FlagSet, err error, help string) error {
	msg := err.Error()
	hint := fmt.Sprintf(" (run '%s -h' for the flags)", help)
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if near := nearest(fs, name); near != "" {
			return &UsageError{fmt.Sprintf("unknown flag -%s: did you mean -%s?%s", name, near, hint)}
		}
		return &UsageError{fmt.Sprintf("unknown flag -%s%s", name, hint)}
	}
	return &UsageError{msg + hint}
}

// nearest is the defined flag closest to name, when close enough to be
// the one meant: within a third of its length in edits, or name a prefix.
func nearest(fs *flag.FlagSet, name string) string {
	best, bestD := "", 1<<30
	fs.VisitAll(func(f *flag.Flag) {
		d := distance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	if bestD <= max(1, len(name)/3) {
		return best
	}
	return ""
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Message is err's text without a leading "name: ", so that the command's
// own prefix appears once.
func Message(name string, err error) string {
	msg := err.Error()
	for {
		rest, ok := strings.CutPrefix(msg, name+": ")
		if !ok {
			return msg
		}
		msg = rest
	}
}

// Group is a titled set of flags in a usage message.
type Group struct {
	Title string
	Flags []string
}

// PrintGroups writes fs's flags under the groups' titles, in the groups'
// order, each as the flag package prints one (name, value name, usage,
// default); flags in no group come last, under "other".
func PrintGroups(w io.Writer, fs *flag.FlagSet, groups []Group) {
	seen := map[string]bool{}
	print := func(title string, names []string) {
		var b strings.Builder
		for _, name := range names {
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			seen[name] = true
			valueName, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "  -%s", f.Name)
			if valueName != "" {
				fmt.Fprintf(&b, " %s", valueName)
			}
			fmt.Fprintf(&b, "\n    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
			if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
				fmt.Fprintf(&b, " (default %s)", def)
			}
			b.WriteByte('\n')
		}
		if b.Len() > 0 {
			fmt.Fprintf(w, "\n%s:\n%s", title, b.String())
		}
	}
	for _, g := range groups {
		print(g.Title, g.Flags)
	}
	var rest []string
	fs.VisitAll(func(f *flag.Flag) {
		if !seen[f.Name] {
			rest = append(rest, f.Name)
		}
	})
	print("other", rest)
}
