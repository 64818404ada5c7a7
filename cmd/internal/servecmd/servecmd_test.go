package servecmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCommandLine: -h documents -allow-host on the writer it was given; a
// bad -allow-host is a bad command line.
func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-allow-host names") {
		t.Errorf("-h: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := Main(context.Background(), []string{"-allow-host", "evil/path", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "evil/path") {
		t.Errorf("a bad -allow-host: exit %d: %s", code, stderr.String())
	}
}
