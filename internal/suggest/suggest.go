// Package suggest finds the known name that a misspelt one most likely
// means, for the hints of error messages.
package suggest

import (
	"reflect"
	"slices"
	"strings"
)

// maxDistance is the largest edit distance at which a known name is
// suggested, an estimate: further apart, suggestions are mostly wrong.
const maxDistance = 3

// Closest returns the known name nearest to name by edit distance, or ""
// when none is within maxDistance. Of equally near names, it returns the
// first.
func Closest(name string, known []string) string {
	best, dist := "", maxDistance+1
	for _, k := range known {
		if d := Distance(name, k); d < dist {
			best, dist = k, d
		}
	}
	return best
}

// Hint returns `; did you mean "x"?` for the known name x nearest to
// name, or "" when there is none, to append to a message's hint.
func Hint(name string, known []string) string {
	if best := Closest(name, known); best != "" {
		return "; did you mean \"" + best + "\"?"
	}
	return ""
}

// Distance returns the Levenshtein distance of a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// TOMLKeys returns, sorted, the keys that TOML decodes into a value of
// type t: the toml tags of its struct fields, or the names of fields
// without one, also those of nested structs, slices and maps of them.
func TOMLKeys(t reflect.Type) []string {
	seen := map[reflect.Type]bool{}
	keys := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				// The fields of an embedded struct are keys of their own.
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			keys[name] = true
			walk(f.Type)
		}
	}
	walk(t)
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	slices.Sort(list)
	return list
}
