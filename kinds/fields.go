package kinds

import (
	"reflect"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/train"
)

// fieldsOf lists the config-file names (YAML tags) of a struct's fields,
// descending into inlined structs.
func fieldsOf(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if slices.Contains(tag[1:], "inline") {
			out = append(out, fieldsOf(reflect.Zero(f.Type).Interface())...)
			continue
		}
		if tag[0] != "" && tag[0] != "-" {
			out = append(out, tag[0])
		}
	}
	return out
}

// The field groups the kinds read or ignore.
var (
	loopFields     = fieldsOf(train.Config{})
	sharedFields   = fieldsOf(Shared{})
	rbmFields      = fieldsOf(RBMOptions{})
	grbmFields     = fieldsOf(GRBMOptions{})
	dbmFields      = fieldsOf(DBMOptions{})
	hopfieldFields = fieldsOf(HopfieldOptions{})
	bmFields       = fieldsOf(BMOptions{})
)

// without is fields less the named ones.
func without(fields []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return slices.Contains(drop, f) })
}

// IgnoredFields are the fields of the configuration that a kind does not
// read (config-file names); a command warns when one is set.
func (k Kind) IgnoredFields() []string { return k.ignores }

// FlagName is the command-line flag of a config field: -weight-decay for
// weight_decay.
func FlagName(field string) string { return "-" + strings.ReplaceAll(field, "_", "-") }
