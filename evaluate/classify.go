package evaluate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/progress"
	"gorgonia.org/tensor"
)

// Classification is the part of the report about labels: a linear softmax
// classifier on the model's features (no fine-tuning), and the network the
// model initialises fine-tuned by backpropagation. Error rates are on the
// test examples (in eval: grey, or as the model saw them: Input), and on
// the validation examples where there are some (ValidImages: in eval, the
// run's own, or the last training images that -classify-holdout keeps from
// the classifiers), on which to choose a recipe.
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

// ClassifierOptions set up the classifiers: each runs when its epochs are
// positive. Both train by SGD with momentum 0.9 on minibatches of 100,
// the linear one at lr 0.1, fine-tuning at LR.
type ClassifierOptions struct {
	LinearEpochs   int
	FinetuneEpochs int
	FinetuneLR     float64
	// InputDropout and HiddenDropout are fine-tuning's dropout rates.
	InputDropout, HiddenDropout float64
	Seed                        uint64
	// Context, when set, stops training between minibatches once it is
	// done (classify.TrainContext); Classify returns its error.
	Context context.Context
}

// Classify trains the classifiers that o asks for on the labelled
// training examples, a linear softmax on the model's features and the
// network the model initialises, and reports their error rates on the test
// examples and, where valid has examples, on those. Progress bars go to
// bars.
func Classify(m Classifiable, train, valid, test data.Examples, classes int, o ClassifierOptions, bars io.Writer) (*Classification, error) {
	if train.Labels == nil || test.Labels == nil {
		return nil, errors.New("evaluate: the classifiers need labels of the training and test examples")
	}
	c := &Classification{}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// The features come from the model's own code, which splits its work
	// over the cores itself, so the BLAS gets one thread for them; the
	// classifiers are Gorgonia graphs, whose products leave the parallelism
	// to the BLAS, so it gets GOMAXPROCS for them. The caller's setting,
	// whatever it was, is back on return.
	if n, ok := fastblas.CurrentThreads(); ok {
		defer fastblas.Threads(n)
	}
	features := func(f func()) {
		fastblas.SingleThreaded()
		f()
		fastblas.Threads(runtime.GOMAXPROCS(0))
	}
	// fit trains net on the inputs that prepare makes of the images and
	// returns its test, training and validation error rates (nil without
	// validation images).
	hasValid := valid.Len() > 0 && valid.Labels != nil
	if hasValid {
		c.ValidImages = valid.Len()
	}
	fit := func(name string, net *classify.MLP, prepare func(*tensor.Dense) *tensor.Dense, cfg classify.TrainConfig) (testErr, trainErr float64, validErr *float64, err error) {
		var trainX, testX, validX *tensor.Dense
		features(func() {
			trainX, testX = prepare(train.X), prepare(test.X)
			if hasValid {
				validX = prepare(valid.X)
			}
		})
		bar := progress.Bar(bars, cfg.Epochs, name)
		err = classify.TrainContext(ctx, net, trainX, train.Labels, cfg, func(int, float64) { _ = bar.Add(1) })
		progress.End(bar, err)
		if err != nil {
			return 0, 0, nil, fmt.Errorf("%s: %w", name, err)
		}
		if testErr, err = net.ErrorRate(testX, test.Labels); err != nil {
			return 0, 0, nil, err
		}
		if trainErr, err = net.ErrorRate(trainX, train.Labels); err != nil {
			return 0, 0, nil, err
		}
		if hasValid {
			v, err := net.ErrorRate(validX, valid.Labels)
			if err != nil {
				return 0, 0, nil, err
			}
			validErr = &v
		}
		return testErr, trainErr, validErr, nil
	}
	if o.LinearEpochs > 0 {
		start := time.Now()
		width := m.Features(data.RowRange(test.X, 0, 1)).Shape()[1]
		lin, err := classify.NewMLP([]int{width, classes}, rand.New(rand.NewPCG(o.Seed, streamClassify)))
		if err != nil {
			return nil, err
		}
		e, _, ev, err := fit("linear classifier", lin, m.Features, classify.TrainConfig{Epochs: o.LinearEpochs, Batch: 100, LR: 0.1, Momentum: 0.9, Seed: o.Seed})
		if err != nil {
			return nil, err
		}
		c.LinearEpochs, c.LinearError, c.LinearValid, c.LinearSeconds = o.LinearEpochs, &e, ev, time.Since(start).Seconds()
	}
	if o.FinetuneEpochs > 0 {
		start := time.Now()
		net, inputs, err := m.Classifier(classes, rand.New(rand.NewPCG(o.Seed, streamClassify+1)))
		if err != nil {
			return nil, err
		}
		e, et, ev, err := fit("fine-tuning", net, inputs, classify.TrainConfig{Epochs: o.FinetuneEpochs, Batch: 100, LR: o.FinetuneLR, Momentum: 0.9, Seed: o.Seed + 1,
			InputDropout: o.InputDropout, HiddenDropout: o.HiddenDropout})
		if err != nil {
			return nil, err
		}
		c.FinetuneEpochs, c.FinetuneLR, c.FinetuneError, c.FinetuneTrain, c.FinetuneValid = o.FinetuneEpochs, o.FinetuneLR, &e, &et, ev
		c.FinetuneDropIn, c.FinetuneDrop = o.InputDropout, o.HiddenDropout
		c.FinetuneSeconds = time.Since(start).Seconds()
	}
	return c, nil
}
