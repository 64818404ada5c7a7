package traincmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/kinds"
	"gopkg.in/yaml.v3"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseArgs(t *testing.T) {
	yamlFile := writeFile(t, "run.yaml", "hidden: 64\nlr: 0.2\npcd: false\nweight_decay: 0.001\n")
	jsonFile := writeFile(t, "run.json", `{"hidden": 80, "epochs": 7, "binarize": "threshold"}`)
	for _, tc := range []struct {
		name  string
		args  []string
		check func(c kinds.Config) bool
	}{
		{"defaults", nil, func(c kinds.Config) bool { return reflect.DeepEqual(c, kinds.Defaults()) }},
		{"flags", []string{"-hidden", "50", "-pcd=false", "-k", "3"}, func(c kinds.Config) bool {
			return c.Hidden == 50 && !c.PCD && c.K == 3 && c.Epochs == kinds.Defaults().Epochs
		}},
		{"yaml file", []string{"-config", yamlFile}, func(c kinds.Config) bool {
			return c.Hidden == 64 && c.LR == 0.2 && !c.PCD && c.WeightDecay == 0.001
		}},
		{"flag overrides file", []string{"-lr", "0.03", "-config", yamlFile}, func(c kinds.Config) bool {
			return c.Hidden == 64 && c.LR == 0.03
		}},
		{"json file", []string{"-config", jsonFile, "-epochs", "2"}, func(c kinds.Config) bool {
			return c.Hidden == 80 && c.Epochs == 2 && c.Binarize == "threshold"
		}},
		{"dbm", []string{"-model", "dbm", "-layers", "500,1000", "-pretrain-epochs", "3", "-epochs", "4"}, func(c kinds.Config) bool {
			return slices.Equal(kinds.Own[kinds.DBMOptions](c).Layers, []int{500, 1000}) && c.TotalEpochs() == 10
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _, err := parseArgs(kinds.Builtin(), tc.args, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	unknown := writeFile(t, "bad.yaml", "hidden: 10\nlearning_rate: 0.1\n")
	badType := writeFile(t, "type.json", `{"hidden": "many"}`)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown field", []string{"-config", unknown}, "bad.yaml: yaml: unmarshal errors:\n  line 2: field learning_rate not found"},
		{"wrong type", []string{"-config", badType}, "type.json"},
		{"missing file", []string{"-config", "/nonexistent/x.yaml"}, "/nonexistent/x.yaml"},
		{"bad value", []string{"-lr", "-1"}, "-lr: -1: want a positive learning rate"},
		{"bad value in a file", []string{"-config", writeFile(t, "neg.yaml", "lr_final: -2\n")}, "lr_final (in "},
		{"bad dtype", []string{"-dtype", "float16"}, `dtype: "float16"`},
		{"two errors", []string{"-hidden", "0", "-batch", "0"}, "-hidden: 0 hidden units: want at least 1\n  -batch: 0"},
		{"unknown flag", []string{"-colour", "red"}, "unknown flag -colour (run 'train -h' for the flags)"},
		{"misspelt flag", []string{"-hiden", "5"}, "unknown flag -hiden: did you mean -hidden?"},
		{"bool with a value", []string{"-pcd", "false"}, "-pcd takes no separate value: write -pcd=false"},
		{"bad layers", []string{"-model", "dbm", "-layers", "500,x"}, `"500,x": want comma-separated positive integers`},
		{"one layer", []string{"-model", "dbm", "-layers", "500"}, "layers: [500]: a DBM needs at least two hidden layers"},
		{"dbm on grey levels", []string{"-model", "dbm", "-layers", "5,5", "-binarize", "none"}, "dbm models binary data in float32"},
		{"argument", []string{"extra"}, `unexpected argument "extra"`},
		{"sweep with hyperparameter", []string{"-sweep", "s.yaml", "-lr", "0.1"}, "[-lr] with -sweep"},
		{"sweep flag without sweep", []string{"-parallel", "2"}, "belong to -sweep"},
		{"unknown sampler", []string{"-sampler", "gibbs"}, `sampler: unknown sampler "gibbs"`},
		{"tempering on grey data", []string{"-sampler", "pt", "-binarize", "none"}, "sampler: pt runs on binary float32 data"},
		{"tempering without pcd", []string{"-sampler", "pt", "-pcd=false"}, "sampler: sampler pt needs persistent chains"},
		{"one temperature", []string{"-sampler", "pt", "-temperatures", "1"}, "with 1 temperatures: want at least 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := parseArgs(kinds.Builtin(), tc.args, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	args := []string{"-epochs", "1", "-train-limit", "2000", "-hidden", "50", "-out", out, "-quiet"}
	if code := run(context.Background(), kinds.Builtin(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "epoch-000001") {
		t.Errorf("stdout %q does not name the checkpoint", stdout.String())
	}
	// Running it again into the same directory must not overwrite it.
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "already holds a run") {
		t.Errorf("second run: exit %d, %s", code, stderr.String())
	}
	// Resuming a finished run does nothing and succeeds.
	if code := run(context.Background(), kinds.Builtin(), []string{"-resume", "-out", out, "-quiet"}, &stdout, &stderr); code != 0 {
		t.Errorf("resume of a finished run: exit %d, %s", code, stderr.String())
	}
	// A cancelled context (what SIGINT does) writes a checkpoint and exits 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out2 := filepath.Join(t.TempDir(), "run")
	stderr.Reset()
	code := run(ctx, kinds.Builtin(), []string{"-epochs", "2", "-train-limit", "500", "-hidden", "10", "-out", out2, "-quiet"}, &stdout, &stderr)
	if code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("interrupted run: exit %d, %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out2, "checkpoints", "epoch-000000-batch-000001")); err != nil {
		t.Errorf("interrupted run left no checkpoint: %v", err)
	}
}

// TestSweepEndToEnd runs a four-trial sweep through the command with two
// trials at a time, merges it with eval's code path through sweep.Merge,
// and checks the dry run's listing of shards.
func TestSweepEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	spec := writeFile(t, "spec.yaml", "base: {hidden: 8, epochs: 2, train_limit: 200, validation: 100, batch: 50}\ngrid: {lr: [0.01, 0.05], k: [1, 2]}\n")
	out := filepath.Join(t.TempDir(), "sweep")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), kinds.Builtin(), []string{"-sweep", spec, "-out", out, "-dry-run", "-shard", "1", "-num-shards", "3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr.String())
	}
	if got := strings.Count(stdout.String(), "\n* "); got != 1 || !strings.Contains(stdout.String(), "4 trials") {
		t.Errorf("dry run, shard 1 of 3, marks %d trials (want 1, index 1):\n%s", got, stdout.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the dry run wrote the sweep directory")
	}
	stdout.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-sweep", spec, "-out", out, "-parallel", "2", "-quiet"}, &stdout, &stderr); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "4 trained") {
		t.Errorf("sweep summary: %q", stdout.String())
	}
	stdout.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-sweep", spec, "-out", out, "-quiet"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "0 trained, 4 already done") {
		t.Errorf("second sweep: exit %d, %q", code, stdout.String())
	}
	// A different spec into the same directory is refused.
	other := writeFile(t, "other.yaml", "base: {hidden: 9, epochs: 1, train_limit: 200, validation: 100, batch: 50}\n")
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-sweep", other, "-out", out, "-quiet"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "another sweep") {
		t.Errorf("other spec into the same directory: exit %d, %s", code, stderr.String())
	}
	for _, tr := range []string{"plan.json"} {
		if _, err := os.Stat(filepath.Join(out, tr)); err != nil {
			t.Error(err)
		}
	}
}

// TestClusterExamplesParse checks that the train command lines in the
// Kubernetes and Slurm examples of experiments/sweeps are ones train
// accepts, and that the Job's completions match its -num-shards.
func TestClusterExamplesParse(t *testing.T) {
	root := filepath.Join("..", "..", "..", "experiments", "sweeps")
	var job struct {
		Spec struct {
			Completions int `yaml:"completions"`
			Template    struct {
				Spec struct {
					Containers []struct {
						Command []string `yaml:"command"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	b, err := os.ReadFile(filepath.Join(root, "k8s-indexed-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	cmd := job.Spec.Template.Spec.Containers[0].Command
	_, inv, _, err := parseArgs(kinds.Builtin(), cmd[1:], &bytes.Buffer{})
	if err != nil {
		t.Errorf("k8s command %v: %v", cmd, err)
	}
	if inv.numShards != job.Spec.Completions {
		t.Errorf("k8s: -num-shards %d but completions %d", inv.numShards, job.Spec.Completions)
	}
	b, err = os.ReadFile(filepath.Join(root, "slurm-array.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "srun" && f[1] == "bin/train" {
			found = true
			if _, _, _, err := parseArgs(kinds.Builtin(), f[2:], &bytes.Buffer{}); err != nil {
				t.Errorf("slurm command %v: %v", f, err)
			}
			spec := f[slices.Index(f, "-sweep")+1]
			if _, err := os.Stat(filepath.Join("..", "..", "..", spec)); err != nil {
				t.Errorf("slurm script's spec: %v", err)
			}
		}
	}
	if !found {
		t.Error("no srun bin/train line in slurm-array.sbatch")
	}
}

// TestRecoverFromADamagedCheckpoint: with the newest checkpoint damaged,
// -resume names the newest good one and the flag that continues from it;
// -resume-from that one reaches the damaged checkpoint's weights again,
// byte for byte; nothing was deleted on the way.
func TestRecoverFromADamagedCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"-epochs", "3", "-train-limit", "500", "-validation", "100", "-hidden", "10", "-batch", "50", "-keep", "0", "-out", out, "-quiet", "-blas", "gonum"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), kinds.Builtin(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	model := filepath.Join(out, "checkpoints", "epoch-000003", "model.safetensors")
	good, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 0xff
	if err := os.WriteFile(model, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	code := run(context.Background(), kinds.Builtin(), []string{"-resume", "-out", out, "-quiet"}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "-resume-from epoch-000002") {
		t.Fatalf("resume from a damaged latest: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-resume-from", "nonesuch", "-out", out, "-quiet"}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "epoch-000002") {
		t.Errorf("-resume-from an unknown name: exit %d, %s (want the kept checkpoints listed)", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), []string{"-resume-from", "epoch-000002", "-out", out, "-quiet", "-blas", "gonum"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-resume-from epoch-000002: exit %d, %s", code, stderr.String())
	}
	again, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, good) {
		t.Error("the run resumed from epoch 2 did not reach the undamaged epoch-3 weights")
	}
	for _, name := range []string{"epoch-000001", "epoch-000002"} {
		if _, err := os.Stat(filepath.Join(out, "checkpoints", name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
}

// TestTrainOnOwnFiles: the data flags reach the run: a .npy with
// -test-data and -image-shape trains, and config.json records the flags
// and the files' SHA-256; a .npy without -test-data is refused naming the
// flag, and a bad -image-shape names the field.
func TestTrainOnOwnFiles(t *testing.T) {
	dir := t.TempDir()
	rows := make([][]byte, 2)
	for k := range rows {
		rows[k] = make([]byte, 60*16)
		for i := range rows[k] {
			rows[k][i] = byte((i*7 + k) % 2 * 255)
		}
	}
	write := func(name string, n int, px []byte) string {
		var b bytes.Buffer
		if err := npy.Encode(&b, &npy.Array{Shape: []int{n, 16}, Bytes: px[:n*16]}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	train, test := write("train.npy", 60, rows[0]), write("test.npy", 20, rows[1])
	out := filepath.Join(dir, "run")
	base := []string{"-quiet", "-data", train, "-epochs", "1", "-hidden", "4", "-batch", "10", "-chains", "10", "-validation", "0"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), kinds.Builtin(), append(base, "-out", out), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "holds no test set: name one with -test-data") {
		t.Errorf("a .npy without -test-data: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), append(base, "-test-data", test, "-image-shape", "4by4", "-out", out), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `-image-shape: image shape "4by4"`) {
		t.Errorf("-image-shape 4by4: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), kinds.Builtin(), append(base, "-test-data", test, "-image-shape", "2x8", "-out", out), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	cfg, err := kinds.ResumeConfig(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != train || cfg.TestData != test || cfg.ImageShape != "2x8" || len(cfg.DataFiles) != 2 || cfg.DataFiles[1].Path != test {
		t.Errorf("config.json: data %q, test_data %q, image_shape %q, files %v", cfg.Data, cfg.TestData, cfg.ImageShape, cfg.DataFiles)
	}
}

// TestKindDefaultsAndIgnoredFlags: -model grbm alone brings binarize none
// and dtype float64; an explicit conflicting flag gets the kind's error; a
// flag the kind does not read gets a warning that names it.
func TestKindDefaultsAndIgnoredFlags(t *testing.T) {
	c, _, warnings, err := parseArgs(kinds.Builtin(), []string{"-model", "grbm"}, &bytes.Buffer{})
	if err != nil || c.Binarize != "none" || c.DType != "float64" || len(warnings) != 0 {
		t.Errorf("-model grbm: binarize %q, dtype %q, warnings %v, %v", c.Binarize, c.DType, warnings, err)
	}
	file := writeFile(t, "g.yaml", "model: grbm\nbinarize: stochastic\n")
	if _, _, _, err := parseArgs(kinds.Builtin(), []string{"-config", file}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "want binarize none") {
		t.Errorf("grbm with binarize stochastic from a file: %v", err)
	}
	if c, _, _, err := parseArgs(kinds.Builtin(), []string{"-model", "grbm", "-dtype", "float32"}, &bytes.Buffer{}); err != nil || c.DType != "float32" {
		t.Errorf("grbm with -dtype float32 (trained in float32): dtype %q, %v", c.DType, err)
	}
	_, _, warnings, err = parseArgs(kinds.Builtin(), []string{"-model", "hopfield", "-hidden", "30", "-lr", "0.5", "-prototypes", "3"}, &bytes.Buffer{})
	if err != nil || len(warnings) != 1 || warnings[0] != "-model hopfield does not read -hidden, -lr: ignored" {
		t.Errorf("hopfield with -hidden and -lr: warnings %q, %v", warnings, err)
	}
	_, _, warnings, _ = parseArgs(kinds.Builtin(), []string{"-model", "dbm", "-layers", "5,5", "-fast-lr", "0.1", "-hidden", "7"}, &bytes.Buffer{})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "-fast-lr, -hidden") {
		t.Errorf("dbm with -hidden and -sampler: warnings %q", warnings)
	}
}

// TestLogWithoutATerminal: written to a file (here a buffer), train's log
// has no carriage returns (no progress bars), one line an epoch.
func TestLogWithoutATerminal(t *testing.T) {
	data := toyData(t)
	var stdout, stderr bytes.Buffer
	args := slices.DeleteFunc(toyArgs(data, filepath.Join(t.TempDir(), "run"), "3"), func(a string) bool { return a == "-quiet" })
	if code := run(context.Background(), kinds.Builtin(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if strings.ContainsRune(stderr.String(), '\r') {
		t.Errorf("the log has carriage returns:\n%q", stderr.String())
	}
	if n := strings.Count(stderr.String(), "epoch "); n < 3 {
		t.Errorf("%d lines name an epoch, want one for each of 3:\n%s", n, stderr.String())
	}
}
