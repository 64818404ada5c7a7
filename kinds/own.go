package kinds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"
)

// Own returns the options struct of type T in c: a kind's own fields
// (Own[DBMOptions](c).Layers). A configuration whose table has no such
// struct gives T's zero value.
func Own[T any](c Config) T {
	for _, o := range c.own {
		if v, ok := o.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

// Update changes the options struct of type T in c by f. It replaces the
// options rather than writing them in place, so that a copy of c made
// before keeps its values.
func Update[T any](c *Config, f func(*T)) {
	own := slices.Clone(c.options())
	for i, o := range own {
		if v, ok := o.(T); ok {
			f(&v)
			own[i] = v
			c.own = own
			return
		}
	}
	var v T
	f(&v)
	c.own = append(own, v)
}

// Table is the table of kinds c belongs to.
func (c Config) Table() *Table {
	if c.table == nil {
		return builtin
	}
	return c.table
}

// options are c's options structs: its own, else the zero value of each
// of its table's.
func (c Config) options() []any {
	if c.own != nil {
		return c.own
	}
	t := c.Table()
	own := make([]any, len(t.options))
	for i, o := range t.options {
		own[i] = reflect.Zero(reflect.TypeOf(o)).Interface()
	}
	return own
}

// plainConfig is Config without its methods: the common fields, as the
// encoders see them.
type plainConfig Config

// MarshalJSON writes c as one flat object: the common fields, then each
// kind's own in the table's order.
func (c Config) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plainConfig(c))
	if err != nil {
		return nil, err
	}
	for _, o := range c.options() {
		ob, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		if inner := bytes.TrimSpace(ob[1 : len(ob)-1]); len(inner) > 0 {
			b = append(append(append(b[:len(b)-1], ','), inner...), '}')
		}
	}
	return b, nil
}

// UnmarshalJSON reads one flat object on top of c: the fields it names
// replace c's, and fields it does not know are skipped ([checkKnownJSON]
// refuses them where that matters).
func (c *Config) UnmarshalJSON(b []byte) error {
	return c.decode(func(v any) error { return json.Unmarshal(b, v) })
}

// UnmarshalYAML reads a mapping on top of c, as UnmarshalJSON does, and
// refuses a field that neither the common part nor a kind of c's table
// has, with the YAML decoder's own message.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		known := c.known()
		var unknown []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !known[k.Value] {
				unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type kinds.Config", k.Line, k.Value))
			}
		}
		if len(unknown) > 0 {
			return &yaml.TypeError{Errors: unknown}
		}
	}
	return c.decode(n.Decode)
}

// decode reads one flat document on top of c by decodeInto, which
// decodes it into the value a pointer points to: once into the common
// fields, once into each options struct (a copy, so that a Config copied
// before keeps its values).
func (c *Config) decode(decodeInto func(ptr any) error) error {
	own := slices.Clone(c.options())
	if err := decodeInto((*plainConfig)(c)); err != nil {
		return err
	}
	for i, o := range own {
		p := pointerTo(o)
		if err := decodeInto(p.Interface()); err != nil {
			return err
		}
		own[i] = p.Elem().Interface()
	}
	c.own = own
	return nil
}

// pointerTo returns a pointer to a new copy of the value o.
func pointerTo(o any) reflect.Value {
	p := reflect.New(reflect.TypeOf(o))
	p.Elem().Set(reflect.ValueOf(o))
	return p
}

// known are the config-file names of every field of c.
func (c Config) known() map[string]bool {
	m := map[string]bool{}
	for _, f := range c.Table().fields() {
		m[f] = true
	}
	return m
}

// checkKnownJSON refuses a JSON object with a field c does not have, as
// json.Decoder.DisallowUnknownFields would.
func (c Config) checkKnownJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	known := c.known()
	var keys []string
	for k := range m {
		if !known[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		slices.Sort(keys)
		return fmt.Errorf("json: unknown field %q", keys[0])
	}
	return nil
}
