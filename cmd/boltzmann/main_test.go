package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"version"}, 0, "boltzmann (devel)", ""},
		{[]string{"train", "-version"}, 0, "boltzmann (devel)", ""},
		{[]string{"eval", "-version"}, 0, "boltzmann (devel)", ""},
		{[]string{"help"}, 0, "commands:", ""},
		{[]string{"help", "train"}, 0, "negative phase:", ""},
		{[]string{"help", "eval"}, 0, "classifiers:", ""},
		{[]string{"help", "serve"}, 0, "boltzmann serve [-addr HOST:PORT] DIR", ""},
		{[]string{"help", "kinds"}, 0, "  dbm ", ""},
		{[]string{"help", "plot"}, 2, "", `no command "plot"`},
		{[]string{"serve"}, 2, "", "serve: want one directory of runs"},
		{[]string{"serve", "/nonexistent/runs"}, 1, "", "serve: "},
		{[]string{"trian"}, 2, "", `unknown command "trian"`},
		{nil, 2, "", "usage: boltzmann COMMAND"},
		{[]string{"train", "-hiden", "5"}, 2, "", "train: unknown flag -hiden: did you mean -hidden?"},
		{[]string{"eval", "/nonexistent/run", "-quick"}, 1, "", "eval: "},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.errOut) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, stdout.String(), stderr.String(), tc.code, tc.out, tc.errOut)
		}
	}
}
