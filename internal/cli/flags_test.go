package cli

import (
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
)

func newSet() (*flag.FlagSet, *bool, *int) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "")
	hidden := fs.Int("hidden", 5, "")
	fs.Bool("pcd", true, "")
	fs.String("lr-final", "", "")
	return fs, quick, hidden
}

func TestParseFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{{"RUN", "-quick", "-hidden", "7"}, {"-quick", "RUN", "-hidden=7"}, {"-hidden", "7", "-quick", "RUN"}} {
		fs, quick, hidden := newSet()
		pos, err := Parse(fs, args, "eval")
		if err != nil || !slices.Equal(pos, []string{"RUN"}) || !*quick || *hidden != 7 {
			t.Errorf("%v: positional %v, quick %v, hidden %d, %v", args, pos, *quick, *hidden, err)
		}
	}
	fs, _, _ := newSet()
	if pos, err := Parse(fs, []string{"-quick", "--", "-x", "y"}, "eval"); err != nil || !slices.Equal(pos, []string{"-x", "y"}) {
		t.Errorf("after --: %v, %v", pos, err)
	}
}

func TestParseExplains(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-hiden", "3"}, "unknown flag -hiden: did you mean -hidden? (run 'train -h' for the flags)"},
		{[]string{"-lr-fnal", "3"}, "did you mean -lr-final?"},
		{[]string{"-zzzzzz"}, "unknown flag -zzzzzz (run 'train -h' for the flags)"},
		{[]string{"-pcd", "false"}, "-pcd takes no separate value: write -pcd=false"},
		{[]string{"-hidden", "many"}, `invalid value "many" for flag -hidden`},
	} {
		fs, _, _ := newSet()
		_, err := Parse(fs, tc.args, "train")
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
	fs, _, _ := newSet()
	if _, err := Parse(fs, []string{"-h"}, "train"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestMessageHasOnePrefix(t *testing.T) {
	if got := Message("train", errors.New("train: train: checkpoint x is bad")); got != "checkpoint x is bad" {
		t.Errorf("%q", got)
	}
}
