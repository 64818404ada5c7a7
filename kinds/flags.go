package kinds

import (
	"flag"
	"fmt"
	"reflect"
	"slices"

	"github.com/boltzmann-go/boltzmann/internal/cli"
)

// Flags defines a flag for every field of c, bound to it, from the
// fields' tags (cli.StructFlags): the common fields, then each kind's own
// in the table's order. The -model flag's help lists the table's kinds.
// Parsing sets the common fields at once; commit, called after parsing,
// stores the kinds' own (which c holds by value). The fields come back
// with their help groups.
func (c *Config) Flags(fs *flag.FlagSet) (fields []cli.Field, commit func(), err error) {
	common, err := cli.StructFlags(fs, c)
	if err != nil {
		return nil, nil, err
	}
	if f := fs.Lookup("model"); f != nil {
		f.Usage = fmt.Sprintf("model kind: %s ('boltzmann help kinds' says what each is)", c.Table().Names())
	}
	own := slices.Clone(c.options())
	ptrs := make([]reflect.Value, len(own))
	for i, o := range own {
		ptrs[i] = pointerTo(o)
		more, err := cli.StructFlags(fs, ptrs[i].Interface())
		if err != nil {
			return nil, nil, err
		}
		common = append(common, more...)
	}
	return common, func() {
		for i := range own {
			own[i] = ptrs[i].Elem().Interface()
		}
		c.own = own
	}, nil
}

// FlagGroups orders the help groups of fields: first the named ones (the
// common groups, in the command's order), then each kind's own in the
// table's order, titled by the kind, then any other.
func (t *Table) FlagGroups(fields []cli.Field, first ...string) []cli.Group {
	order := slices.Clone(first)
	for _, k := range t.kinds {
		order = append(order, k.Name)
	}
	for _, f := range fields {
		if !slices.Contains(order, f.Group) {
			order = append(order, f.Group)
		}
	}
	var groups []cli.Group
	for _, name := range order {
		g := cli.Group{Title: t.Group(name)}
		for _, f := range fields {
			if f.Group == name {
				g.Flags = append(g.Flags, f.Name)
			}
		}
		if len(g.Flags) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}
