package evalcmd

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/data"
)

// classifierSplit is split with the last holdout training images moved to
// Validation, for the classifiers of a run that held out none; with
// holdout 0, split itself.
func classifierSplit(whole *data.Split, holdout int) (*data.Split, error) {
	if holdout == 0 {
		return whole, nil
	}
	if v := whole.Validation; v.Len() > 0 {
		return nil, fmt.Errorf("-classify-holdout %d: the run already holds out %d validation images, on which the classifiers report their error; -classify-holdout is for runs that held out none", holdout, v.Len())
	}
	n := whole.Train.Len()
	if holdout >= n {
		return nil, fmt.Errorf("-classify-holdout %d: the run has %d training images, and the classifiers need some", holdout, n)
	}
	split := *whole
	split.Train = data.Examples{X: data.RowRange(whole.Train.X, 0, n-holdout), Labels: whole.Train.Labels[:n-holdout]}
	split.Validation = data.Examples{X: data.RowRange(whole.Train.X, n-holdout, n), Labels: whole.Train.Labels[n-holdout:]}
	return &split, nil
}
