package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// Classification is the part of the report about labels: a linear softmax
// classifier on the model's features (no fine-tuning), and the network the
// model initialises fine-tuned by backpropagation. Error rates are on the
// 10,000 test images, grey or as the model saw them (Input).
type Classification struct {
	Input           string   `json:"classify_input,omitempty"`
	LinearEpochs    int      `json:"linear_epochs,omitempty"`
	LinearError     *float64 `json:"linear_test_error,omitempty"`
	LinearSeconds   float64  `json:"linear_seconds,omitempty"`
	FinetuneEpochs  int      `json:"finetune_epochs,omitempty"`
	FinetuneLR      float64  `json:"finetune_lr,omitempty"`
	FinetuneDropIn  float64  `json:"finetune_input_dropout,omitempty"`
	FinetuneDrop    float64  `json:"finetune_dropout,omitempty"`
	FinetuneError   *float64 `json:"finetune_test_error,omitempty"`
	FinetuneTrain   *float64 `json:"finetune_train_error,omitempty"`
	FinetuneSeconds float64  `json:"finetune_seconds,omitempty"`
}

// streamClassify separates the classifiers' generators from the others.
const streamClassify = 0x636c617373696679 // "classify"

func classification(m train.Classifiable, data *mnist.Split, o options, progress io.Writer) (*Classification, error) {
	c := &Classification{}
	// The features come from the model's own code; the classifiers are
	// Gorgonia graphs, whose products leave the parallelism to the BLAS.
	features := func(f func()) {
		fastblas.SingleThreaded()
		f()
		fastblas.Threads(runtime.GOMAXPROCS(0))
	}
	// fit trains net on the inputs that prepare makes of the images and
	// returns its test and training error rates.
	fit := func(name string, net *classify.MLP, prepare func(*tensor.Dense) *tensor.Dense, cfg classify.TrainConfig) (test, train float64, err error) {
		var trainX, testX *tensor.Dense
		features(func() { trainX, testX = prepare(data.Train.Images), prepare(data.Test.Images) })
		bar := newBar(progress, cfg.Epochs, name)
		err = classify.Train(net, trainX, data.Train.Labels, cfg, func(int, float64) { _ = bar.Add(1) })
		_ = bar.Finish()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if test, err = net.ErrorRate(testX, data.Test.Labels); err != nil {
			return 0, 0, err
		}
		train, err = net.ErrorRate(trainX, data.Train.Labels)
		return test, train, err
	}
	if o.linearEpochs > 0 {
		start := time.Now()
		width := m.Features(mnist.RowRange(data.Test.Images, 0, 1)).Shape()[1]
		lin, err := classify.NewMLP([]int{width, mnist.NumClasses}, rand.New(rand.NewPCG(o.seed, streamClassify)))
		if err != nil {
			return nil, err
		}
		e, _, err := fit("linear classifier", lin, m.Features, classify.TrainConfig{Epochs: o.linearEpochs, Batch: 100, LR: 0.1, Momentum: 0.9, Seed: o.seed})
		if err != nil {
			return nil, err
		}
		c.LinearEpochs, c.LinearError, c.LinearSeconds = o.linearEpochs, &e, time.Since(start).Seconds()
	}
	if o.finetuneEpochs > 0 {
		start := time.Now()
		net, inputs, err := m.Classifier(mnist.NumClasses, rand.New(rand.NewPCG(o.seed, streamClassify+1)))
		if err != nil {
			return nil, err
		}
		e, et, err := fit("fine-tuning", net, inputs, classify.TrainConfig{Epochs: o.finetuneEpochs, Batch: 100, LR: o.finetuneLR, Momentum: 0.9, Seed: o.seed + 1,
			InputDropout: o.dropIn, HiddenDropout: o.dropH})
		if err != nil {
			return nil, err
		}
		c.FinetuneEpochs, c.FinetuneLR, c.FinetuneError, c.FinetuneTrain = o.finetuneEpochs, o.finetuneLR, &e, &et
		c.FinetuneDropIn, c.FinetuneDrop = o.dropIn, o.dropH
		c.FinetuneSeconds = time.Since(start).Seconds()
	}
	return c, nil
}
