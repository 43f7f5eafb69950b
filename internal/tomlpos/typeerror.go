package tomlpos

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// TypeError is a value whose TOML type differs from the one its key
// takes, such as postal_code = 49808 for a string.
type TypeError struct {
	// Key is the key path, such as ["hours", "opens"].
	Key []string
	// Got and Want are the TOML types in words: "string", "integer",
	// "float", "boolean", "date", "array" or "table".
	Got, Want string
	// Value is the value as written, such as 49808, when it fits on
	// its line.
	Value string
	// Pos is the position of the key.
	Pos Pos
}

// Problem returns what is wrong with the value, for a message that names
// the key before it.
func (e TypeError) Problem() string {
	return withArticle(e.Got) + " where the key takes " + withArticle(e.Want)
}

// withArticle returns the type name t with its indefinite article.
func withArticle(t string) string {
	if t != "" && strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}

// Hint returns how to fix the value.
func (e TypeError) Hint() string {
	key := e.Key[len(e.Key)-1]
	switch {
	case e.Want == "string" && e.Value != "" && !strings.ContainsAny(e.Value, `"'[{`):
		return fmt.Sprintf("write the value in quotes: %s = %q", key, e.Value)
	case e.Want == "string":
		return "write the value in quotes"
	case e.Got == "string" && (e.Want == "integer" || e.Want == "float" || e.Want == "boolean"):
		return "write the value without quotes"
	}
	return "write a value of type " + e.Want
}

// typeErrorPattern matches the message of a type mismatch of
// BurntSushi/toml v1, which has no error type of its own. Its line number
// is that of the last array element with the key, not of the element
// with the wrong value.
var typeErrorPattern = regexp.MustCompile(
	`^toml: (?:line \d+ )?\(last key "(.+)"\): incompatible types: TOML value has type (\S+); destination has type (.+)$`)

// FindTypeError returns the type mismatch that err, an error of
// toml.Decode of src, reports, with the position of the value. It returns
// false for any other error.
func FindTypeError(src []byte, err error) (TypeError, bool) {
	m := typeErrorPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return TypeError{}, false
	}
	e := TypeError{Key: splitKey(m[1]), Got: typeWords(m[2]), Want: typeWords(m[3])}
	e.Pos = typeErrorPos(src, e.Key, m[2])
	if e.Pos.Line == 0 {
		e.Pos = Pos{Line: 1, Column: 1}
		return e, true
	}
	line := strings.Split(string(src), "\n")[e.Pos.Line-1]
	if _, value, ok := strings.Cut(line, "="); ok {
		e.Value = strings.TrimSpace(cutComment(value))
	}
	return e, true
}

// typeErrorPos returns the position of the key path in src. When the path
// runs through an array of tables, it picks the element whose value
// there has the Go type got, as BurntSushi/toml names it, because the
// decoder does not say which element failed.
func typeErrorPos(src []byte, key []string, got string) Pos {
	all := Find(src, key)
	if len(all) == 0 {
		return Pos{}
	}
	var data map[string]any
	if _, err := toml.Decode(string(src), &data); err != nil {
		return all[0]
	}
	for k := 1; k < len(key); k++ {
		tables, ok := lookup(data, key[:k]).([]map[string]any)
		if !ok {
			continue
		}
		headers := find(string(src), key[:k])
		for i, t := range tables {
			if goType(lookup(t, key[k:])) != got || i >= len(headers) {
				continue
			}
			end := 1 << 30
			if i+1 < len(headers) {
				end = headers[i+1].Line
			}
			for _, p := range all {
				if p.Line > headers[i].Line && p.Line < end {
					return p
				}
			}
			return headers[i]
		}
	}
	return all[0]
}

// lookup returns the value at the key path in data, or nil.
func lookup(data map[string]any, key []string) any {
	var v any = data
	for _, k := range key {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// goType returns the type of v as BurntSushi/toml names it in messages.
func goType(v any) string {
	return strings.ReplaceAll(fmt.Sprintf("%T", v), "interface {}", "any")
}

// typeWords returns the TOML type for a Go type or destination kind of a
// BurntSushi/toml message.
func typeWords(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), t == "integer":
		return "integer"
	case strings.HasPrefix(t, "float"):
		return "float"
	case t == "bool", t == "boolean":
		return "boolean"
	case t == "time.Time":
		return "date"
	case strings.HasPrefix(t, "[]"), t == "slice":
		return "array"
	case strings.HasPrefix(t, "map"):
		return "table"
	case strings.HasPrefix(t, "string"), strings.HasPrefix(t, "primitive"):
		return "string"
	}
	return t
}
