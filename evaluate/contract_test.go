package evaluate

import (
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
	"github.com/boltzmann-go/boltzmann/train"
)

var (
	_ Classifiable     = (*rbm.Trainer)(nil)
	_ Classifiable     = (*dbm.Trainer)(nil)
	_ train.Staged     = (*dbm.Trainer)(nil)
	_ Evaluable        = (*rbm.Trainer)(nil)
	_ ReverseEvaluable = (*rbm.Trainer)(nil)
	_ Evaluable        = (*grbm.Trainer)(nil)
	_ Evaluable        = (*dbm.Trainer)(nil)
)
