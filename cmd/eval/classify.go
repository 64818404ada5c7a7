package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/schollz/progressbar/v3"
	"gorgonia.org/tensor"
)

// Classification is the part of the report about labels: a linear softmax
// classifier on the model's features (no fine-tuning), and the network the
// model initialises fine-tuned by backpropagation. Error rates are on the
// 10,000 test images, grey or as the model saw them (Input), and on the
// validation images where there are some (ValidImages: the run's own, or
// the last training images that -classify-holdout keeps from the
// classifiers), on which to choose a recipe.
type Classification struct {
	Input           string   `json:"classify_input,omitempty"`
	ValidImages     int      `json:"classify_validation_images,omitempty"`
	LinearEpochs    int      `json:"linear_epochs,omitempty"`
	LinearError     *float64 `json:"linear_test_error,omitempty"`
	LinearValid     *float64 `json:"linear_validation_error,omitempty"`
	LinearSeconds   float64  `json:"linear_seconds,omitempty"`
	FinetuneEpochs  int      `json:"finetune_epochs,omitempty"`
	FinetuneLR      float64  `json:"finetune_lr,omitempty"`
	FinetuneDropIn  float64  `json:"finetune_input_dropout,omitempty"`
	FinetuneDrop    float64  `json:"finetune_dropout,omitempty"`
	FinetuneError   *float64 `json:"finetune_test_error,omitempty"`
	FinetuneTrain   *float64 `json:"finetune_train_error,omitempty"`
	FinetuneValid   *float64 `json:"finetune_validation_error,omitempty"`
	FinetuneSeconds float64  `json:"finetune_seconds,omitempty"`
}

// streamClassify separates the classifiers' generators from the others.
const streamClassify = 0x636c617373696679 // "classify"

func classification(m evaluate.Classifiable, split *mnist.Split, o options, progress io.Writer) (*Classification, error) {
	c := &Classification{}
	// The features come from the model's own code; the classifiers are
	// Gorgonia graphs, whose products leave the parallelism to the BLAS.
	features := func(f func()) {
		fastblas.SingleThreaded()
		f()
		fastblas.Threads(runtime.GOMAXPROCS(0))
	}
	// fit trains net on the inputs that prepare makes of the images and
	// returns its test, training and validation error rates (nil without
	// validation images).
	hasValid := split.Validation != nil && split.Validation.Len() > 0
	if hasValid {
		c.ValidImages = split.Validation.Len()
	}
	fit := func(name string, net *classify.MLP, prepare func(*tensor.Dense) *tensor.Dense, cfg classify.TrainConfig) (test, train float64, valid *float64, err error) {
		var trainX, testX, validX *tensor.Dense
		features(func() {
			trainX, testX = prepare(split.Train.Images), prepare(split.Test.Images)
			if hasValid {
				validX = prepare(split.Validation.Images)
			}
		})
		bar := newBar(progress, cfg.Epochs, name)
		err = classify.Train(net, trainX, split.Train.Labels, cfg, func(int, float64) { _ = bar.Add(1) })
		_ = bar.Finish()
		if err != nil {
			return 0, 0, nil, fmt.Errorf("%s: %w", name, err)
		}
		if test, err = net.ErrorRate(testX, split.Test.Labels); err != nil {
			return 0, 0, nil, err
		}
		if train, err = net.ErrorRate(trainX, split.Train.Labels); err != nil {
			return 0, 0, nil, err
		}
		if hasValid {
			v, err := net.ErrorRate(validX, split.Validation.Labels)
			if err != nil {
				return 0, 0, nil, err
			}
			valid = &v
		}
		return test, train, valid, nil
	}
	if o.linearEpochs > 0 {
		start := time.Now()
		width := m.Features(data.RowRange(split.Test.Images, 0, 1)).Shape()[1]
		lin, err := classify.NewMLP([]int{width, mnist.NumClasses}, rand.New(rand.NewPCG(o.seed, streamClassify)))
		if err != nil {
			return nil, err
		}
		e, _, ev, err := fit("linear classifier", lin, m.Features, classify.TrainConfig{Epochs: o.linearEpochs, Batch: 100, LR: 0.1, Momentum: 0.9, Seed: o.seed})
		if err != nil {
			return nil, err
		}
		c.LinearEpochs, c.LinearError, c.LinearValid, c.LinearSeconds = o.linearEpochs, &e, ev, time.Since(start).Seconds()
	}
	if o.finetuneEpochs > 0 {
		start := time.Now()
		net, inputs, err := m.Classifier(mnist.NumClasses, rand.New(rand.NewPCG(o.seed, streamClassify+1)))
		if err != nil {
			return nil, err
		}
		e, et, ev, err := fit("fine-tuning", net, inputs, classify.TrainConfig{Epochs: o.finetuneEpochs, Batch: 100, LR: o.finetuneLR, Momentum: 0.9, Seed: o.seed + 1,
			InputDropout: o.dropIn, HiddenDropout: o.dropH})
		if err != nil {
			return nil, err
		}
		c.FinetuneEpochs, c.FinetuneLR, c.FinetuneError, c.FinetuneTrain, c.FinetuneValid = o.finetuneEpochs, o.finetuneLR, &e, &et, ev
		c.FinetuneDropIn, c.FinetuneDrop = o.dropIn, o.dropH
		c.FinetuneSeconds = time.Since(start).Seconds()
	}
	return c, nil
}

// classifierSplit is split with the last holdout training images moved to
// Validation, for the classifiers of a run that held out none; with
// holdout 0, split itself.
func classifierSplit(whole *mnist.Split, holdout int) (*mnist.Split, error) {
	if holdout == 0 {
		return whole, nil
	}
	if v := whole.Validation; v != nil && v.Len() > 0 {
		return nil, fmt.Errorf("-classify-holdout %d: the run already holds out %d validation images, on which the classifiers report their error; -classify-holdout is for runs that held out none", holdout, v.Len())
	}
	n := whole.Train.Len()
	if holdout >= n {
		return nil, fmt.Errorf("-classify-holdout %d: the run has %d training images, and the classifiers need some", holdout, n)
	}
	split := *whole
	split.Train = &mnist.Set{Name: "train", Images: data.RowRange(whole.Train.Images, 0, n-holdout), Labels: whole.Train.Labels[:n-holdout]}
	split.Validation = &mnist.Set{Name: "validation", Images: data.RowRange(whole.Train.Images, n-holdout, n), Labels: whole.Train.Labels[n-holdout:]}
	return &split, nil
}

func newBar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
}
