// Package classify turns what a Boltzmann machine learned into a
// classifier and measures it: a linear (softmax) classifier on the
// features of an RBM or a DBM, the baseline without fine-tuning, and a
// feed-forward network initialised from the model and fine-tuned by
// backpropagation on the labels (Salakhutdinov & Hinton 2009, §4: the
// DBM's couplings, with the mean-field posterior of the top layer as an
// extra input). The loss is the softmax cross-entropy and its gradient
// comes from Gorgonia's automatic differentiation; the update is plain
// momentum, seeded and repeatable.
package classify
