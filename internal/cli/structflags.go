package cli

import (
	"flag"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Field is one flag that StructFlags defined: its name and help group.
type Field struct {
	// Name is the flag's name without the dash (weight-decay).
	Name string
	// Key is the field's name in a config file (weight_decay).
	Key string
	// Group is the help group the field's `group` tag names.
	Group string
}

// StructFlags defines one flag on fs for each field of the struct that ptr
// points to, descending into embedded and inlined structs, and returns
// them in declaration order. A field's flag is bound to the field itself,
// so parsing sets it, and its default is the field's value now. The tags:
//
//	yaml:"weight_decay"   the config field; the flag is its name with dashes (-weight-decay)
//	help:"L2 weight decay on {W}"   the usage; {x} names the value (shown as `x`)
//	group:"optimisation"  the help group
//	flag:"-"              no flag (a field that a file sets, never a person)
//	flag:"out"            the flag's name, for a field that is no config field
//
// A field with a yaml name must have a help tag or flag:"-": a field
// that a new kind adds gets its flag, its help and its group in the one
// place where it is declared, or the programmer hears at once.
func StructFlags(fs *flag.FlagSet, ptr any) ([]Field, error) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("cli: StructFlags wants a pointer to a struct, got %T", ptr)
	}
	var out []Field
	err := structFlags(fs, v.Elem(), &out)
	return out, err
}

func structFlags(fs *flag.FlagSet, v reflect.Value, out *[]Field) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		yamlTag := strings.Split(f.Tag.Get("yaml"), ",")
		if f.Anonymous || slices.Contains(yamlTag[1:], "inline") {
			if f.Type.Kind() == reflect.Struct && f.IsExported() {
				if err := structFlags(fs, v.Field(i), out); err != nil {
					return err
				}
			}
			continue
		}
		key, name := yamlTag[0], strings.ReplaceAll(yamlTag[0], "_", "-")
		if n := f.Tag.Get("flag"); n != "" {
			name = n // a flag that is no config field
		}
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		help, ok := f.Tag.Lookup("help")
		if !ok {
			return fmt.Errorf("cli: field %s.%s (-%s) has no help tag: give it one, or flag:\"-\"", t.Name(), f.Name, name)
		}
		help = strings.NewReplacer("{", "`", "}", "`").Replace(help)
		if err := defineFlag(fs, v.Field(i), name, help); err != nil {
			return fmt.Errorf("cli: field %s.%s: %w", t.Name(), f.Name, err)
		}
		*out = append(*out, Field{Name: name, Key: key, Group: f.Tag.Get("group")})
	}
	return nil
}

func defineFlag(fs *flag.FlagSet, field reflect.Value, name, help string) error {
	p := field.Addr().Interface()
	switch p := p.(type) {
	case flag.Value:
		fs.Var(p, name, help)
	case *bool:
		fs.BoolVar(p, name, *p, help)
	case *int:
		fs.IntVar(p, name, *p, help)
	case *uint64:
		fs.Uint64Var(p, name, *p, help)
	case *float64:
		fs.Float64Var(p, name, *p, help)
	case *string:
		fs.StringVar(p, name, *p, help)
	case *[]int:
		fs.Var((*IntList)(p), name, help)
	default:
		return fmt.Errorf("a %s field has no flag type: give it one in cli.defineFlag, or flag:\"-\"", field.Type())
	}
	return nil
}

// IntList is a flag of comma-separated positive integers (-layers 500,1000).
type IntList []int

func (l *IntList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, n := range *l {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// Set parses the list.
func (l *IntList) Set(s string) error {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("%q: want comma-separated positive integers such as 500,1000", s)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}
