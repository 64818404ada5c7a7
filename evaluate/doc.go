// Package evaluate owns the report on a trained model, for every kind that
// supplies its interfaces: scores on the test set, log Z by annealed
// importance sampling with its interval, the test and training
// log-likelihoods and their interval's ends, reverse AIS (RAISE) for the
// conservative side, exact log Z where the model is small enough to
// enumerate ([LogLikelihood]), the classifiers ([Classify]: a linear
// softmax on the model's features, and the network it initialises
// fine-tuned), and the [Report] that gathers them. cmd/eval, the sweep's
// test_ll metric and the experiments all call it, so that every number is
// computed one way.
package evaluate
