package checkpoint_test

import (
	"bytes"
	"fmt"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"gorgonia.org/tensor"
)

func ExampleEncodeSafetensors() {
	w := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	var buf bytes.Buffer
	if err := checkpoint.EncodeSafetensors(&buf, []checkpoint.Tensor{{Name: "W", T: w}}, map[string]string{"kind": "rbm"}); err != nil {
		panic(err)
	}
	ts, meta, err := checkpoint.DecodeSafetensors(buf.Bytes())
	if err != nil {
		panic(err)
	}
	fmt.Println(meta["kind"], ts[0].Name, ts[0].T.Shape(), ts[0].T.Data())
	// Output: rbm W (2, 3) [1 2 3 4 5 6]
}
