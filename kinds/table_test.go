package kinds

import (
	"encoding/json"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/train"
)

type extraOptions struct {
	Depth int `json:"depth" yaml:"depth" help:"depth of the extra kind" group:"extra"`
}

type untaggedOptions struct {
	Width int `json:"width" yaml:"width"`
}

func extraKind() Kind {
	return Kind{Name: "extra", Options: []any{extraOptions{Depth: 3}}, Reads: []string{"seed"}}
}

// TestNewTableRefuses: a table whose kinds collide, or whose kind reads a
// field no struct declares, is refused with a message that names it.
func TestNewTableRefuses(t *testing.T) {
	builtins := Builtin().Kinds()
	for _, tc := range []struct {
		name  string
		kinds []Kind
		want  string // "" for a table that is fine
	}{
		{"builtins and one more", append(slices.Clone(builtins), extraKind()), ""},
		{"a name twice", append(slices.Clone(builtins), Kind{Name: "rbm"}), `kind "rbm"`},
		{"an options struct twice", append(slices.Clone(builtins), Kind{Name: "x", Options: []any{RBMOptions{}}}), "options kinds.RBMOptions"},
		{"a field twice", []Kind{extraKind(), {Name: "y", Options: []any{struct {
			D int `yaml:"depth"`
		}{}}}}, "field depth"},
		{"a field of the common part", []Kind{{Name: "y", Options: []any{struct {
			S uint64 `yaml:"seed"`
		}{}}}}, "field seed"},
		{"a pointer for options", []Kind{{Name: "y", Options: []any{&extraOptions{}}}}, "want a struct value"},
		{"reads a field nobody declares", []Kind{{Name: "y", Reads: []string{"sampler"}}}, `reads field "sampler"`},
	} {
		_, err := NewTable(tc.kinds...)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one that names %s", tc.name, err, tc.want)
		}
	}
}

// TestIgnoredFieldsOfTheBuiltins: what each built-in kind does not read,
// which the kinds no longer list themselves.
func TestIgnoredFieldsOfTheBuiltins(t *testing.T) {
	rbm, grbm, dbm, hop, bm := Fields(RBMOptions{}), Fields(GRBMOptions{}), Fields(DBMOptions{}), Fields(HopfieldOptions{}), Fields(BMOptions{})
	for _, tc := range []struct {
		kind string
		want []string
	}{
		{"rbm", slices.Concat(grbm, dbm, hop, bm)},
		{"grbm", slices.Concat(dbm, hop, bm)},
		{"dbm", slices.Concat([]string{"hidden"}, without(rbm, "sampler"), grbm, hop, bm)},
		{"hopfield", slices.Concat(without(Fields(train.Config{}), "seed", "checkpoint_every", "keep"), Fields(Shared{}), rbm, grbm, dbm, bm)},
		{"bm", slices.Concat([]string{"pcd", "sparsity_target", "sparsity_cost"}, rbm, grbm, dbm, hop)},
	} {
		k, err := Lookup(tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		got := Builtin().IgnoredFields(k)
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s ignores %v, want %v", tc.kind, got, want)
		}
	}
}

// TestOwnIsCopiedOnWrite: Update changes the Config it is given and no
// copy made before, as a field assignment would.
func TestOwnIsCopiedOnWrite(t *testing.T) {
	a := Defaults()
	b := a
	Update(&b, func(o *DBMOptions) { o.Layers = []int{7, 8} })
	Update(&b, func(o *RBMOptions) { o.Sampler = "pt" })
	if l := Own[DBMOptions](a).Layers; l != nil {
		t.Errorf("the copy's update reached the original: layers %v", l)
	}
	if Own[RBMOptions](a).Sampler != "pcd" || Own[RBMOptions](b).Sampler != "pt" || !slices.Equal(Own[DBMOptions](b).Layers, []int{7, 8}) {
		t.Errorf("a %+v, b %+v", Own[RBMOptions](a), Own[RBMOptions](b))
	}
	if Own[extraOptions](a) != (extraOptions{}) {
		t.Errorf("a struct no kind declares is not zero")
	}
}

// TestConfigOfATableOfOnesOwn: a table's configuration has its kinds'
// defaults, encodes their fields flat beside the common ones, reads
// them back, refuses a field the table lacks, and gives flags to them.
func TestConfigOfATableOfOnesOwn(t *testing.T) {
	tab, err := NewTable(append(Builtin().Kinds(), extraKind())...)
	if err != nil {
		t.Fatal(err)
	}
	c := tab.Defaults()
	if Own[extraOptions](c).Depth != 3 || c.Table() != tab {
		t.Fatalf("defaults: depth %d", Own[extraOptions](c).Depth)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), `"init_scale":0.01,"depth":3}`) {
		t.Errorf("encoded %s: want depth last, flat", b)
	}
	d := tab.zero()
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(d)
	if string(b2) != string(b) {
		t.Errorf("round trip\n%s\nwant\n%s", b2, b)
	}
	if err := Defaults().checkKnownJSON(b); err == nil || !strings.Contains(err.Error(), `"depth"`) {
		t.Errorf("the built-in table took depth: %v", err)
	}
	if err := DecodeConfig([]byte("depth: 5\n"), &d); err != nil || Own[extraOptions](d).Depth != 5 {
		t.Errorf("yaml depth: %v, %d", err, Own[extraOptions](d).Depth)
	}
	c2 := Defaults()
	if err := DecodeConfig([]byte("lr: 0.1\ndepth: 5\n"), &c2); err == nil || !strings.Contains(err.Error(), "line 2: field depth not found") {
		t.Errorf("the built-in table's yaml took depth: %v", err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	_, commit, err := d.Flags(fs)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"-depth", "9", "-lr", "0.2"}); err != nil {
		t.Fatal(err)
	}
	commit()
	if Own[extraOptions](d).Depth != 9 || d.LR != 0.2 {
		t.Errorf("flags: depth %d, lr %g", Own[extraOptions](d).Depth, d.LR)
	}
}

// TestAFieldWithoutHelpIsRefused: a new kind's field that has no help
// tag (nor flag:"-") is the programmer's mistake, named at once.
func TestAFieldWithoutHelpIsRefused(t *testing.T) {
	tab, err := NewTable(Kind{Name: "u", Options: []any{untaggedOptions{}}})
	if err != nil {
		t.Fatal(err)
	}
	c := tab.Defaults()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	if _, _, err := c.Flags(fs); err == nil || !strings.Contains(err.Error(), "untaggedOptions.Width (-width) has no help tag") {
		t.Errorf("error %v", err)
	}
}
