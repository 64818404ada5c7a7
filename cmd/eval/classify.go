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
// 10,000 test images.
type Classification struct {
	LinearEpochs    int      `json:"linear_epochs,omitempty"`
	LinearError     *float64 `json:"linear_test_error,omitempty"`
	LinearSeconds   float64  `json:"linear_seconds,omitempty"`
	FinetuneEpochs  int      `json:"finetune_epochs,omitempty"`
	FinetuneLR      float64  `json:"finetune_lr,omitempty"`
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
	if o.linearEpochs > 0 {
		start := time.Now()
		var trainX, testX *tensor.Dense
		features(func() { trainX, testX = m.Features(data.Train.Images), m.Features(data.Test.Images) })
		lin, err := classify.NewMLP([]int{trainX.Shape()[1], mnist.NumClasses}, rand.New(rand.NewPCG(o.seed, streamClassify)))
		if err != nil {
			return nil, err
		}
		bar := newBar(progress, o.linearEpochs, "linear classifier")
		err = classify.Train(lin, trainX, data.Train.Labels, classify.TrainConfig{Epochs: o.linearEpochs, Batch: 100, LR: 0.1, Momentum: 0.9, Seed: o.seed},
			func(int, float64) { _ = bar.Add(1) })
		_ = bar.Finish()
		if err != nil {
			return nil, fmt.Errorf("linear classifier: %w", err)
		}
		e, err := lin.ErrorRate(testX, data.Test.Labels)
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
		var trainX, testX *tensor.Dense
		features(func() { trainX, testX = inputs(data.Train.Images), inputs(data.Test.Images) })
		bar := newBar(progress, o.finetuneEpochs, "fine-tuning")
		err = classify.Train(net, trainX, data.Train.Labels, classify.TrainConfig{Epochs: o.finetuneEpochs, Batch: 100, LR: o.finetuneLR, Momentum: 0.9, Seed: o.seed + 1},
			func(int, float64) { _ = bar.Add(1) })
		_ = bar.Finish()
		if err != nil {
			return nil, fmt.Errorf("fine-tuning: %w", err)
		}
		e, err := net.ErrorRate(testX, data.Test.Labels)
		if err != nil {
			return nil, err
		}
		et, err := net.ErrorRate(trainX, data.Train.Labels)
		if err != nil {
			return nil, err
		}
		c.FinetuneEpochs, c.FinetuneLR, c.FinetuneError, c.FinetuneTrain = o.finetuneEpochs, o.finetuneLR, &e, &et
		c.FinetuneSeconds = time.Since(start).Seconds()
	}
	return c, nil
}
