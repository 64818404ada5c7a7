package traincmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/cmd/internal/evalcmd"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// cdOptions are the extra kind's own options: one field, with its flag,
// help and group declared where it is.
type cdOptions struct {
	CDSteps int `json:"cd_steps" yaml:"cd_steps" help:"Gibbs steps of plain contrastive divergence" group:"cd"`
}

// cdKind is a kind that no file of the module declares: a binary RBM
// trained by plain CD-n, n its own option. It reads the loop's fields and
// -hidden, nothing else of the shared ones.
func cdKind() kinds.Kind {
	return kinds.Kind{
		Name:    "cd",
		Summary: "binary RBM trained by plain CD-n (-cd-steps n): a kind of the test's own",
		Group:   "cd (plain contrastive divergence)",
		Options: []any{cdOptions{CDSteps: 2}},
		Reads:   append(kinds.Fields(train.Config{}), "hidden"),
		Validate: func(c kinds.Config, bad func(field, format string, args ...any)) {
			if n := kinds.Own[cdOptions](c).CDSteps; n < 1 {
				bad("cd_steps", "%d Gibbs steps: want at least 1", n)
			}
		},
		Build: func(c kinds.Config) train.Builder {
			tc := energy.TrainConfig{K: kinds.Own[cdOptions](c).CDSteps}
			return rbm.Builder(c.Hidden, c.Dtype(), tc, c.Batch)
		},
		InputWeight: rbm.NameW,
		Describe: func(c kinds.Config) string {
			return fmt.Sprintf("an RBM of %d hidden units by CD-%d", c.Hidden, kinds.Own[cdOptions](c).CDSteps)
		},
	}
}

// TestAnExtraKindGoesThroughTheSeams: a kind defined in this file alone,
// added to a table of one's own, is trained by the train command (its
// flag, its help, its validation, the warning for a flag it does not
// read, its checkpoint) and reported on by eval, with no other file of
// the module naming it.
func TestAnExtraKindGoesThroughTheSeams(t *testing.T) {
	table, err := kinds.NewTable(append(kinds.Builtin().Kinds(), cdKind())...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stdout, stderr bytes.Buffer

	// Help: its flag, in its group; -model lists it.
	if code := Run(ctx, table, []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	help := stderr.String()
	if !strings.Contains(help, "cd (plain contrastive divergence):\n  -cd-steps int\n    \tGibbs steps of plain contrastive divergence (default 2)") {
		t.Errorf("help lacks the kind's group and flag:\n%s", help)
	}
	if !strings.Contains(help, "hopfield, bm or cd") {
		t.Errorf("-model's help does not list the kind:\n%s", help)
	}
	// The built-in table knows nothing of it.
	stderr.Reset()
	if code := Main(ctx, []string{"-model", "cd"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown model "cd"`) {
		t.Errorf("the built-in table took -model cd: exit %d, %s", code, stderr.String())
	}

	// Validation names its flag.
	data := toyData(t)
	stderr.Reset()
	if code := Run(ctx, table, toyArgs(data, filepath.Join(t.TempDir(), "bad"), "1", "-model", "cd", "-cd-steps", "0"), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-cd-steps: 0 Gibbs steps: want at least 1") {
		t.Errorf("-cd-steps 0: exit %d, %s", code, stderr.String())
	}

	// A run: the warning names the flags it does not read; the checkpoint
	// is the kind's and holds its option.
	out := filepath.Join(t.TempDir(), "run")
	stderr.Reset()
	args := toyArgs(data, out, "2", "-model", "cd", "-cd-steps", "3", "-sampler", "pt")
	if code := Run(ctx, table, args, &stdout, &stderr); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr.String())
	}
	// toyArgs gives -chains, which the kind does not read either.
	if !strings.Contains(stderr.String(), "warning: -model cd does not read -chains, -sampler: ignored") {
		t.Errorf("no warning for the flags the kind ignores:\n%s", stderr.String())
	}
	dir, err := checkpoint.Resolve(out)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var saved map[string]any
	if err := json.Unmarshal(ck.Config, &saved); err != nil {
		t.Fatal(err)
	}
	if ck.Kind != "cd" || saved["cd_steps"] != 3.0 || saved["model"] != "cd" {
		t.Errorf("checkpoint kind %q, config %s", ck.Kind, ck.Config)
	}
	loaded, err := table.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds.Own[cdOptions](loaded.Config).CDSteps; got != 3 {
		t.Errorf("loaded cd_steps %d, want 3", got)
	}
	if _, err := kinds.Load(out); err == nil || !strings.Contains(err.Error(), `unknown model "cd"`) {
		t.Errorf("the built-in table loaded a cd checkpoint: %v", err)
	}

	// Resume keeps the saved option: a flag that changes it is refused.
	stderr.Reset()
	if code := Run(ctx, table, toyArgs(data, out, "3", "-resume", "-model", "cd", "-cd-steps", "4"), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-cd-steps: the run was saved with 3, given 4") {
		t.Errorf("resume with another -cd-steps: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := Run(ctx, table, []string{"-quiet", "-resume", "-out", out, "-epochs", "3", "-data", data}, &stdout, &stderr); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr.String())
	}

	evalExtraKind(t, table, out)
	if entries, _ := os.ReadDir(out); !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == "checkpoints" }) {
		t.Errorf("run directory %s lacks checkpoints/", out)
	}
}

// evalExtraKind reports on the run by eval with the table: the kind's
// learner is an RBM's, so the report has its log-likelihood by AIS.
func evalExtraKind(t *testing.T, table *kinds.Table, run string) {
	var stdout, stderr bytes.Buffer
	if code := evalcmd.Run(context.Background(), table, []string{"-json", "-ais-steps", "200", "-ais-runs", "10", "-raise", "0", "-gibbs-steps", "2", "-linear-epochs", "0", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("eval's report: %v\n%s", err, stdout.String())
	}
	if ll, ok := rep["test_ll"].(float64); !ok || !(ll < 0) {
		t.Errorf("eval's test_ll %v, want a negative number", rep["test_ll"])
	}
	if _, err := os.Stat(filepath.Join(run, "eval", evalcmd.ReportFile)); err != nil {
		t.Errorf("eval wrote no report: %v", err)
	}
}
