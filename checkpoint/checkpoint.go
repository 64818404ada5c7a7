package checkpoint

import (
	"encoding/json"
	"fmt"
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
