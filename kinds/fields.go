package kinds

import (
	"reflect"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/train"
)

// Fields lists the config-file names (yaml tags) of a struct's fields,
// descending into inlined structs: the fields a kind's Reads may name.
func Fields(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if slices.Contains(tag[1:], "inline") {
			out = append(out, Fields(reflect.Zero(f.Type).Interface())...)
			continue
		}
		if tag[0] != "" && tag[0] != "-" {
			out = append(out, tag[0])
		}
	}
	return out
}

// The field groups that the built-in kinds read.
var (
	// loopFields are the training loop's (train.Config).
	loopFields = Fields(train.Config{})
	// sharedFields are the hidden layer's and the negative phase's.
	sharedFields = Fields(Shared{})
)

// without is fields less the named ones.
func without(fields []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return slices.Contains(drop, f) })
}

// FlagName is the command-line flag of a config field: -weight-decay for
// weight_decay.
func FlagName(field string) string { return "-" + strings.ReplaceAll(field, "_", "-") }
