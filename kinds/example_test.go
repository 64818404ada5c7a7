package kinds_test

import (
	"fmt"
	"log"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// A pretrained model from code: the RBM of experiments/rbm-mnist (PCD-5,
// −85.71 nats on the MNIST test set), loaded from its directory, then its
// features, free energies and samples of plain rows.
func ExampleLoad() {
	model, err := kinds.Load("../experiments/rbm-mnist/models/pcd5-dyn100")
	if err != nil {
		log.Fatal(err)
	}
	// The first MNIST test image, grey levels scaled to [0, 1].
	dir, err := mnist.DefaultDir()
	if err != nil {
		log.Fatal(err)
	}
	images, err := mnist.ReadIDX(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		log.Fatal(err)
	}
	digit := make([]float32, 784)
	for i, b := range images.Data[:784] {
		digit[i] = float32(b) / 255
	}
	stripes := make([]float32, 784) // every other row on: no digit
	for i := range stripes {
		if i/28%2 == 0 {
			stripes[i] = 1
		}
	}

	features, err := model.Features([][]float32{digit})
	if err != nil {
		log.Fatal(err)
	}
	f, err := model.FreeEnergy([][]float32{digit, stripes})
	if err != nil {
		log.Fatal(err)
	}
	samples, err := model.Samples(4, 200, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a %s model with %d visible units, trained %d epochs\n", model.Config.Model, model.Visible(), model.Progress.Epoch)
	fmt.Printf("p(h|v) of the first test digit: %d features\n", len(features[0]))
	// log p(v) = −F(v) − log Z, with log Z = 449.85 from eval's AIS: the
	// digit −76 nats, the stripes −1,832.
	fmt.Printf("free energy F(v): the digit %.0f, stripes %.0f\n", f[0], f[1])
	fmt.Printf("%d samples of %d pixels\n", len(samples), len(samples[0]))
	// Output:
	// a rbm model with 784 visible units, trained 100 epochs
	// p(h|v) of the first test digit: 500 features
	// free energy F(v): the digit -374, stripes 1382
	// 4 samples of 784 pixels
}
