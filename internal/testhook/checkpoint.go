package testhook

// CheckpointWrite, when set, is called by checkpoint.Save after each file
// of a checkpoint is written and after each rename (five times a
// checkpoint): the crash test's child sleeps there, to widen the instants
// at which its kill lands inside a write.
var CheckpointWrite func()
