// Package evaluate owns the report on a trained model, for every kind that
// supplies its interfaces: scores on the test set, log Z by annealed
// importance sampling with its interval, the test and training
// log-likelihoods and their interval's ends, reverse AIS (RAISE) for the
// conservative side, exact log Z where the model is small enough to
// enumerate, and the classifiers. cmd/eval, the sweep's test_ll metric and
// the experiments all call it, so that every number is computed one way.
package evaluate
