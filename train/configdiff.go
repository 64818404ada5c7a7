package train

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// FieldChange is a field whose value differs between two configurations,
// with its two values as decoded from JSON (nil where a side lacks it).
type FieldChange struct {
	Field        string
	Saved, Given any
}

// ConfigChanges lists, sorted by field, where two configurations saved as
// JSON objects differ, but for the fields in ignore; a field that one lacks
// counts as its zero value (so that a field added since reads as unset).
func ConfigChanges(saved, given []byte, ignore []string) ([]FieldChange, error) {
	var am, bm map[string]any
	if err := json.Unmarshal(saved, &am); err != nil {
		return nil, fmt.Errorf("saved config: %w", err)
	}
	if err := json.Unmarshal(given, &bm); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	for _, k := range ignore {
		delete(am, k)
		delete(bm, k)
	}
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		av, bv := am[k], bm[k]
		if fmt.Sprint(av) != fmt.Sprint(bv) && !(isZero(av) && isZero(bv)) {
			out = append(out, FieldChange{Field: k, Saved: av, Given: bv})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}

// diffConfig names the fields where two configurations differ
// (ConfigChanges), "field: saved X, given Y", joined by semicolons.
func diffConfig(a, b []byte, ignore []string) (string, error) {
	changes, err := ConfigChanges(a, b, ignore)
	if err != nil {
		return "", err
	}
	diffs := make([]string, len(changes))
	for i, c := range changes {
		diffs[i] = fmt.Sprintf("%s: saved %v, given %v", c.Field, show(c.Saved), show(c.Given))
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; "), nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

func show(v any) any {
	if v == nil {
		return "(unset)"
	}
	return v
}
