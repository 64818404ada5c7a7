// Package data is what the training loop and the evaluation read: a
// dataset ([Set]) of training, validation and test examples as rows of
// *tensor.Dense matrices, with labels where the set has them and the shape
// of an image for pictures, and the minibatches cut from it ([Batches]),
// shuffled afresh each epoch from the seed and the epoch number alone.
//
// A set whose training examples are drawn afresh every epoch (MNIST's
// dynamic binarisation: each pixel on with probability equal to its
// intensity, as Salakhutdinov's reference code does) also implements
// [Redrawn]; [DynamicBatch] makes those draws from counter-based streams,
// so that a resumed run sees the images the uninterrupted one saw.
//
// A reader returns a [Raw] dataset (values as stored, a scale, optional
// labels, the files read and their SHA-256); [Prepare] scales it to [0, 1],
// binarises it ([Binarization]) and splits off the validation part into a
// [Split], the Set the commands train on. [Matrices] holds a set in memory:
// [FromRows] builds one from plain [][]float32 rows. Package data/files
// reads what -data names (IDX directories, .npz, .npy, .csv) through
// data/mnist, data/npy and data/csvfile.
package data
