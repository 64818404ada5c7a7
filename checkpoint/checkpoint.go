package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/version"
)

// FormatVersion is the version of the checkpoint layout written here.
// Loading refuses any other.
const FormatVersion = 1

// File names inside a checkpoint directory and a run directory.
const (
	ModelFile   = "model.safetensors"
	TrainerFile = "trainer.safetensors"
	ConfigFile  = "config.json"
	Dir         = "checkpoints"
	LatestFile  = "latest"
)

// Progress says how far training had gone when a checkpoint was written:
// Epoch epochs complete, then Batch batches of the next; Step updates in all.
type Progress struct {
	Epoch int   `json:"epoch"`
	Batch int   `json:"batch"`
	Step  int64 `json:"step"`
}

// Name is the directory name of a checkpoint at p.
func (p Progress) Name() string {
	if p.Batch == 0 {
		return fmt.Sprintf("epoch-%06d", p.Epoch)
	}
	return fmt.Sprintf("epoch-%06d-batch-%06d", p.Epoch, p.Batch)
}

// Checkpoint is everything a checkpoint holds.
type Checkpoint struct {
	Kind     string          // model kind, such as "rbm"
	Config   json.RawMessage // the run's whole configuration
	Progress Progress
	Model    []Tensor // parameters, to model.safetensors
	State    []Tensor // optimiser and sampler state, to trainer.safetensors
	// ModelOnly is set by [Load] on a model-only checkpoint ([Export]):
	// it has no trainer.safetensors, and State is empty.
	ModelOnly bool
}

type fileInfo struct {
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

type tensorInfo struct {
	Dtype string `json:"dtype"`
	Shape []int  `json:"shape"`
}

// manifest is the content of config.json.
type manifest struct {
	FormatVersion int                   `json:"format_version"`
	Version       string                `json:"version,omitempty"` // the build that wrote it (internal/version)
	Kind          string                `json:"kind"`
	Progress      Progress              `json:"progress"`
	Tensors       map[string]tensorInfo `json:"tensors"`
	Files         map[string]fileInfo   `json:"files"`
	Config        json.RawMessage       `json:"config"`
}

// Save writes c as a new checkpoint under runDir/checkpoints, points
// checkpoints/latest at it, and then removes all but the newest keep
// checkpoints (keep ≤ 0 keeps all). It returns the checkpoint's directory.
func Save(runDir string, c *Checkpoint, keep int) (string, error) {
	return SaveOptions{Keep: keep}.Save(runDir, c)
}

// SaveOptions set up [SaveOptions.Save].
type SaveOptions struct {
	// Keep is how many of the newest checkpoints are kept (≤ 0: all).
	Keep int
	// Pause, when set, is called after each file is written and before
	// each rename: a test-only hook that widens the instants at which a
	// crash test's kill lands inside a checkpoint's write.
	Pause func()
}

// Save is [Save] with the options o.
func (o SaveOptions) Save(runDir string, c *Checkpoint) (string, error) {
	keep := o.Keep
	pause := o.Pause
	if pause == nil {
		pause = func() {}
	}
	root := filepath.Join(runDir, Dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	files := map[string][]Tensor{ModelFile: c.Model, TrainerFile: c.State}
	man := manifest{
		FormatVersion: FormatVersion,
		Version:       version.String(),
		Kind:          c.Kind,
		Progress:      c.Progress,
		Tensors:       map[string]tensorInfo{},
		Files:         map[string]fileInfo{},
		Config:        c.Config,
	}
	contents := map[string][]byte{}
	for _, name := range []string{ModelFile, TrainerFile} {
		var buf bytes.Buffer
		meta := map[string]string{"format_version": fmt.Sprint(FormatVersion), "kind": c.Kind}
		if err := EncodeSafetensors(&buf, files[name], meta); err != nil {
			return "", fmt.Errorf("checkpoint: %s: %w", name, err)
		}
		sum := sha256.Sum256(buf.Bytes())
		man.Files[name] = fileInfo{SHA256: hex.EncodeToString(sum[:]), Bytes: int64(buf.Len())}
		contents[name] = buf.Bytes()
	}
	for _, t := range c.Model {
		info, _ := infoOf(t.T.Dtype())
		man.Tensors[t.Name] = tensorInfo{Dtype: info.name, Shape: shapeOf(t.T)}
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return "", fmt.Errorf("checkpoint: encoding %s: %w", ConfigFile, err)
	}
	contents[ConfigFile] = append(mj, '\n')

	name := c.Progress.Name()
	tmp := filepath.Join(root, ".tmp-"+name)
	if err := os.RemoveAll(tmp); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := writeFiles(tmp, contents, func(path string, data []byte) error {
		err := writeSynced(path, data)
		pause()
		return err
	}); err != nil {
		return "", err
	}
	// A checkpoint of the same progress may exist (a resumed run reached
	// the same point again).
	final := filepath.Join(root, name)
	if err := replaceDir(tmp, final); err != nil {
		return "", err
	}
	pause()
	if err := writeFileAtomic(filepath.Join(root, LatestFile), []byte(name+"\n")); err != nil {
		return "", err
	}
	pause()
	if keep > 0 {
		if err := prune(root, keep, name); err != nil {
			return "", err
		}
	}
	return final, nil
}

// replaceDir renames the directory tmp to final. A directory already at
// final is moved aside first, since rename cannot replace a directory that
// is not empty, and removed once tmp is in its place.
func replaceDir(tmp, final string) error {
	if _, err := os.Stat(final); err == nil {
		old := filepath.Join(filepath.Dir(final), ".old-"+filepath.Base(final))
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if err := os.Rename(final, old); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// writeFiles writes a checkpoint's files into the temporary directory tmp
// with write and syncs it. When a write fails (a full disk, say) it
// removes tmp, so that the space it took is free again, and the error says
// how much space the checkpoint needs.
func writeFiles(tmp string, contents map[string][]byte, write func(path string, data []byte) error) error {
	err := func() error {
		for _, f := range []string{ModelFile, TrainerFile, ConfigFile} {
			b, ok := contents[f]
			if !ok {
				continue // a model-only checkpoint has no trainer file
			}
			if err := write(filepath.Join(tmp, f), b); err != nil {
				return err
			}
		}
		return syncDir(tmp)
	}()
	if err == nil {
		return nil
	}
	total := 0
	for _, b := range contents {
		total += len(b)
	}
	if rerr := os.RemoveAll(tmp); rerr != nil {
		return fmt.Errorf("%w (the checkpoint needs %d bytes; removing %s also failed: %v)", err, total, tmp, rerr)
	}
	return fmt.Errorf("%w (the checkpoint needs %d bytes; its partial files were removed)", err, total)
}

// Pin keeps the checkpoint named name under runDir as checkpoints/as too,
// by hard links (copies where links fail), out of reach of pruning; an
// older pin of that name is replaced.
func Pin(runDir, name, as string) error {
	root := filepath.Join(runDir, Dir)
	if as == "" || strings.HasPrefix(as, "epoch-") || strings.HasPrefix(as, ".") || strings.ContainsAny(as, `/\`) || as == LatestFile {
		return fmt.Errorf("checkpoint: cannot pin as %q", as)
	}
	tmp := filepath.Join(root, ".pin-"+as)
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	for _, f := range []string{ModelFile, TrainerFile, ConfigFile} {
		src, dst := filepath.Join(root, name, f), filepath.Join(tmp, f)
		if err := os.Link(src, dst); err != nil {
			b, err := os.ReadFile(src)
			if err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
			if err := writeSynced(dst, b); err != nil {
				return err
			}
		}
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	final := filepath.Join(root, as)
	if err := os.RemoveAll(final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return syncDir(root)
}

// List returns the names of the checkpoints under runDir, oldest first.
// Names sort in the order of the progress they record.
func List(runDir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(runDir, Dir))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "epoch-") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func prune(root string, keep int, latest string) error {
	names, err := List(filepath.Dir(root))
	if err != nil {
		return err
	}
	for i := 0; i < len(names)-keep; i++ {
		if names[i] == latest {
			continue
		}
		if err := os.RemoveAll(filepath.Join(root, names[i])); err != nil {
			return fmt.Errorf("checkpoint: removing old checkpoint: %w", err)
		}
	}
	return nil
}

// Latest returns the directory of the checkpoint that runDir's
// checkpoints/latest names. Without that file (a process killed between
// renaming a checkpoint into place and pointing latest at it), the newest
// checkpoint there is the latest.
func Latest(runDir string) (string, error) {
	p := filepath.Join(runDir, Dir, LatestFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		if names, lerr := List(runDir); lerr == nil && len(names) > 0 {
			return filepath.Join(runDir, Dir, names[len(names)-1]), nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("checkpoint: no checkpoint in %s: %w", runDir, err)
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("checkpoint: %s: invalid checkpoint name %q", p, name)
	}
	return filepath.Join(runDir, Dir, name), nil
}

// Resolve turns a path into a checkpoint directory: a checkpoint directory
// itself, or a run directory, whose latest checkpoint it returns.
func Resolve(path string) (string, error) {
	if _, err := os.Stat(filepath.Join(path, ConfigFile)); err == nil {
		return path, nil
	}
	if _, err := os.Stat(filepath.Join(path, Dir)); err == nil {
		return Latest(path)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	return "", fmt.Errorf("checkpoint: %s is neither a checkpoint (no %s) nor a run directory (no %s/)", path, ConfigFile, Dir)
}

// Load reads the checkpoint at path (see [Resolve]), checking its format
// version, file sizes and checksums, and that the tensors match the shapes
// its config.json records.
func Load(path string) (*Checkpoint, error) {
	c, _, _, err := load(path)
	return c, err
}

// load is [Load], also returning the manifest and the model file's bytes
// as read and verified, for [Export] to write without reading again.
func load(path string) (*Checkpoint, *manifest, []byte, error) {
	dir, err := Resolve(path)
	if err != nil {
		return nil, nil, nil, err
	}
	mb, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	c, man, err := parseManifest(mb)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", filepath.Join(dir, ConfigFile), err)
	}
	var model []byte
	for _, name := range []string{ModelFile, TrainerFile} {
		if name == TrainerFile && c.ModelOnly {
			continue
		}
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
		}
		ts, err := verifyAndDecode(b, man.Files[name])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", p, err)
		}
		if name == ModelFile {
			c.Model, model = ts, b
		} else {
			c.State = ts
		}
	}
	if err := checkRecorded(c.Model, man.Tensors); err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", filepath.Join(dir, ModelFile), err)
	}
	return c, man, model, nil
}

func parseManifest(b []byte) (*Checkpoint, *manifest, error) {
	var man manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&man); err != nil {
		return nil, nil, fmt.Errorf("not a valid checkpoint manifest: %w", err)
	}
	if man.FormatVersion != FormatVersion {
		age := "a newer"
		if man.FormatVersion < FormatVersion {
			age = "an older"
		}
		by := ""
		if man.Version != "" {
			by = " (written by boltzmann " + man.Version + ")"
		}
		return nil, nil, fmt.Errorf("format_version %d%s not supported: this build reads version %d, and %d is %s layout; load it with a build of that version",
			man.FormatVersion, by, FormatVersion, man.FormatVersion, age)
	}
	if man.Kind == "" {
		return nil, nil, errors.New("kind is missing")
	}
	if _, ok := man.Files[ModelFile]; !ok {
		return nil, nil, fmt.Errorf("files: no checksum recorded for %s", ModelFile)
	}
	for f := range man.Files {
		if f != ModelFile && f != TrainerFile {
			return nil, nil, fmt.Errorf("files: unknown file %q", f)
		}
	}
	if man.Progress.Epoch < 0 || man.Progress.Batch < 0 || man.Progress.Step < 0 {
		return nil, nil, fmt.Errorf("progress %+v is negative", man.Progress)
	}
	_, hasTrainer := man.Files[TrainerFile]
	return &Checkpoint{Kind: man.Kind, Config: man.Config, Progress: man.Progress, ModelOnly: !hasTrainer}, &man, nil
}

func verifyAndDecode(b []byte, want fileInfo) ([]Tensor, error) {
	if int64(len(b)) != want.Bytes {
		return nil, fmt.Errorf("file has %d bytes, config.json records %d: truncated or altered", len(b), want.Bytes)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want.SHA256 {
		return nil, fmt.Errorf("SHA-256 %s does not match %s recorded in config.json: the file is corrupt or altered", got, want.SHA256)
	}
	ts, _, err := DecodeSafetensors(b)
	return ts, err
}

func checkRecorded(ts []Tensor, rec map[string]tensorInfo) error {
	if len(ts) != len(rec) {
		return fmt.Errorf("holds %d tensors, config.json records %d", len(ts), len(rec))
	}
	for _, t := range ts {
		info, ok := rec[t.Name]
		if !ok {
			return fmt.Errorf("tensor %q is not recorded in config.json", t.Name)
		}
		d, _ := infoOf(t.T.Dtype())
		if d.name != info.Dtype || !equalInts(shapeOf(t.T), info.Shape) {
			return fmt.Errorf("tensor %q is %s %v, config.json records %s %v", t.Name, d.name, shapeOf(t.T), info.Dtype, info.Shape)
		}
	}
	return nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Assign copies loaded tensors into dst, tensor by tensor, after checking
// that the names, dtypes and shapes agree exactly. what names the set in
// errors ("model", "trainer state").
func Assign(dst, src []Tensor, what string) error {
	byName := make(map[string]*Tensor, len(src))
	for i := range src {
		byName[src[i].Name] = &src[i]
	}
	for _, d := range dst {
		s, ok := byName[d.Name]
		if !ok {
			return fmt.Errorf("checkpoint: %s: tensor %q missing", what, d.Name)
		}
		if s.T.Dtype() != d.T.Dtype() || !equalInts(shapeOf(s.T), shapeOf(d.T)) {
			return fmt.Errorf("checkpoint: %s: tensor %q is %v %v, the model needs %v %v",
				what, d.Name, s.T.Dtype(), s.T.Shape(), d.T.Dtype(), d.T.Shape())
		}
		delete(byName, d.Name)
	}
	if len(byName) > 0 {
		var extra []string
		for n := range byName {
			extra = append(extra, n)
		}
		sort.Strings(extra)
		return fmt.Errorf("checkpoint: %s: unexpected tensors %v", what, extra)
	}
	for _, d := range dst {
		s := src[indexOf(src, d.Name)]
		if err := copyData(d.T, s.T); err != nil {
			return fmt.Errorf("checkpoint: %s: tensor %q: %w", what, d.Name, err)
		}
	}
	return nil
}

func indexOf(ts []Tensor, name string) int {
	for i, t := range ts {
		if t.Name == name {
			return i
		}
	}
	return -1
}

func copyData(dst, src interface{ Data() any }) error {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	case []uint8:
		copy(d, src.Data().([]uint8))
	case []int64:
		copy(d, src.Data().([]int64))
	default:
		return fmt.Errorf("unsupported data %T", d)
	}
	return nil
}
