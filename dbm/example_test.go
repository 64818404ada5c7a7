package dbm_test

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dbm"
)

// A DBM with 3 visible units and hidden layers of 2 and 2: its partition
// function by enumeration, and the mean-field posterior of one image.
func Example() {
	d, err := dbm.New([]int{3, 2, 2})
	if err != nil {
		panic(err)
	}
	copy(d.W[0].Float32s(), []float32{1, -1, 0.5, 0.5, -1, 1})
	copy(d.W[1].Float32s(), []float32{2, 0.5, 0, -2})
	logZ, err := d.ExactLogZ(10)
	if err != nil {
		panic(err)
	}
	fmt.Printf("log Z = %.4f\n", logZ)

	v := []float32{1, 0, 1}
	mu := [][]float32{nil, make([]float32, 2), make([]float32, 2)}
	rounds := d.MeanField(v, 1, mu, dbm.MeanFieldConfig{Iters: 50, Tol: 1e-6})
	fmt.Printf("q(h1) = %.3f, q(h2) = %.3f after %d rounds\n", mu[1], mu[2], rounds)
	// Output:
	// log Z = 6.2433
	// q(h1) = [0.874 0.281], q(h2) = [0.852 0.469] after 10 rounds
}
