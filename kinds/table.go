package kinds

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Table is a table of model kinds: the commands know the kinds it holds
// and nothing else of them. [Builtin] is the built-in one; a program (or
// a test) can make its own with [NewTable] and the built-in kinds plus its
// own.
type Table struct {
	kinds []Kind
	// options holds one value of each kind's options structs, with its
	// defaults, in the kinds' order (the order of a config file's fields).
	options []any
}

// builtin is the built-in table: made once, never changed.
var builtin = mustTable(rbmKind(), grbmKind(), dbmKind(), hopfieldKind(), bmKind())

// Builtin is the table of the built-in kinds: rbm, grbm, dbm, hopfield
// and bm. Adding a kind is one line here and one file beside it.
func Builtin() *Table { return builtin }

// NewTable makes a table of kinds; it refuses two kinds of one name, two
// options structs of one type, and a config field declared twice.
func NewTable(kinds ...Kind) (*Table, error) {
	t := &Table{kinds: slices.Clone(kinds)}
	names := map[string]bool{}
	seen := map[reflect.Type]bool{}
	fields := map[string]bool{}
	for _, f := range commonFields() {
		fields[f] = true
	}
	for _, k := range kinds {
		if k.Name == "" || names[k.Name] {
			return nil, fmt.Errorf("kinds: kind %q: names must be set and unique", k.Name)
		}
		names[k.Name] = true
		for _, o := range k.Options {
			typ := reflect.TypeOf(o)
			if typ == nil || typ.Kind() != reflect.Struct || seen[typ] {
				return nil, fmt.Errorf("kinds: kind %s: options %T: want a struct value that no other kind declares", k.Name, o)
			}
			seen[typ] = true
			for _, f := range Fields(o) {
				if fields[f] {
					return nil, fmt.Errorf("kinds: kind %s: field %s of %T is declared twice", k.Name, f, o)
				}
				fields[f] = true
			}
			t.options = append(t.options, o)
		}
	}
	for _, k := range kinds {
		for _, f := range k.Reads {
			if !fields[f] {
				return nil, fmt.Errorf("kinds: kind %s reads field %q, which no options struct of the table declares", k.Name, f)
			}
		}
	}
	return t, nil
}

func mustTable(kinds ...Kind) *Table {
	t, err := NewTable(kinds...)
	if err != nil {
		panic(err) // the built-in table is the programmer's, checked by its tests
	}
	return t
}

// Kinds lists the table's kinds in order.
func (t *Table) Kinds() []Kind { return slices.Clone(t.kinds) }

// Lookup returns the kind of that name.
func (t *Table) Lookup(name string) (Kind, error) {
	i := slices.IndexFunc(t.kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, fmt.Errorf("unknown model %q: want %s", name, t.Names())
	}
	return t.kinds[i], nil
}

// Names lists the kinds' names: "rbm, grbm, dbm, hopfield or bm".
func (t *Table) Names() string {
	var names []string
	for _, k := range t.kinds {
		names = append(names, k.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Defaults returns the configuration of `train` with no flags: the
// built-in defaults of the shared fields (see the package's [Defaults])
// and each kind's options with its own.
func (t *Table) Defaults() Config {
	c := sharedDefaults()
	c.own = slices.Clone(t.options)
	if t != builtin {
		c.table = t
	}
	return c
}

// zero is a configuration of t with every field zero: what a saved
// configuration is read on top of (a field it omits stays zero).
func (t *Table) zero() Config {
	if t == builtin {
		return Config{}
	}
	return Config{table: t}
}

// IgnoredFields are the fields of the configuration that a kind does not
// read (config-file names); a command warns when one is set.
func (t *Table) IgnoredFields(k Kind) []string {
	reads := map[string]bool{"model": true}
	for _, f := range slices.Concat(Fields(DataOptions{}), k.Reads) {
		reads[f] = true
	}
	for _, o := range k.Options {
		for _, f := range Fields(o) {
			reads[f] = true
		}
	}
	var out []string
	for _, f := range t.fields() {
		if !reads[f] {
			out = append(out, f)
		}
	}
	return out
}

// fields are every config field of the table, in a config file's order.
func (t *Table) fields() []string {
	out := commonFields()
	for _, o := range t.options {
		out = append(out, Fields(o)...)
	}
	return out
}

// Group is the title of the help group of the flags whose group tag is
// name: a kind's Group when name is a kind's, else name.
func (t *Table) Group(name string) string {
	for _, k := range t.kinds {
		if k.Name == name && k.Group != "" {
			return k.Group
		}
	}
	return name
}

// commonFields are the fields of the configuration that are not a
// kind's own.
func commonFields() []string { return Fields(Config{}) }
