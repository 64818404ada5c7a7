// Package checkpoint saves and loads training checkpoints so that a run
// survives a crash and resumes exactly.
//
// A checkpoint is one directory under the run's checkpoints/ folder, named
// after the progress it records (epoch-000012, or epoch-000012-batch-000250
// when written in the middle of an epoch):
//
//	model.safetensors    the model's parameters
//	trainer.safetensors  what a resume needs besides: momentum buffers,
//	                     persistent chains, the random source's state
//	config.json          format version, model kind, tensor shapes, progress,
//	                     the run's whole configuration, SHA-256 of both files
//
// Tensors are stored in the safetensors format (a little-endian u64 header
// length, a JSON header, then raw little-endian data), which Python's
// safetensors package and PyTorch read. The writer and reader are our own, a
// few dozen lines, so that the reader can be fuzzed and refuses every
// malformed header with an error instead of a panic.
//
// A checkpoint is written to a temporary directory, each file fsynced, then
// renamed into place, and the checkpoints/latest pointer is replaced the same
// way, so a crash at any moment leaves the last good checkpoint intact.
// Loading checks the version, the checksums, and (with [Assign]) every
// tensor's name, dtype and shape.
//
// Saving prunes all but the newest few checkpoints; [Pin] keeps one out of
// pruning's reach under a name of its own (end-of-pretraining-layer-1-of-2).
// One process at a time trains into a run directory: [LockRun] takes its
// lock (on Unix an flock, which the kernel drops however its holder ends).
package checkpoint
