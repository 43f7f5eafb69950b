// Package tomlpos finds where a key is written in a TOML document, so
// that errors about decoded values, which the decoder reports without a
// position, can still name a line and column.
package tomlpos

import (
	"strings"
)

// Pos is a 1-based line and column.
type Pos struct {
	Line, Column int
}

// Find returns the positions of every line that assigns the key path
// (such as ["site", "legal", "name"]) or opens it as a table header. Keys
// of arrays of tables match every element, because decoders report them
// without an index. When the full path is not written anywhere, Find
// returns the positions of its longest written prefix, such as the
// header of the table that holds an unknown key.
func Find(src []byte, path []string) []Pos {
	for n := len(path); n > 0; n-- {
		if ps := find(string(src), path[:n]); len(ps) > 0 {
			return ps
		}
	}
	return nil
}

func find(src string, path []string) []Pos {
	var (
		out       []Pos
		table     []string
		multiline string
	)
	for i, line := range strings.Split(src, "\n") {
		if multiline != "" {
			if strings.Contains(line, multiline) {
				multiline = ""
			}
			continue
		}
		trimmed := strings.TrimLeft(line, " \t")
		col := len(line) - len(trimmed) + 1
		switch {
		case strings.HasPrefix(trimmed, "[["):
			table = splitKey(strings.TrimSuffix(strings.TrimSpace(cutComment(trimmed[2:])), "]]"))
			if equal(table, path) {
				out = append(out, Pos{i + 1, col})
			}
			continue
		case strings.HasPrefix(trimmed, "["):
			table = splitKey(strings.TrimSuffix(strings.TrimSpace(cutComment(trimmed[1:])), "]"))
			if equal(table, path) {
				out = append(out, Pos{i + 1, col})
			}
			continue
		}
		key, value, ok := strings.Cut(trimmed, "=")
		if !ok || trimmed == "" || strings.ContainsAny(trimmed[:1], "#{\"'") && !quotedKey(trimmed) {
			continue
		}
		full := append(append([]string(nil), table...), splitKey(key)...)
		if equal(full, path) {
			out = append(out, Pos{i + 1, col})
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(value, q) == 1 {
				multiline = q
			}
		}
	}
	return out
}

// quotedKey reports whether line starts with a quoted key followed by =.
func quotedKey(line string) bool {
	q := line[:1]
	if q != `"` && q != `'` {
		return false
	}
	end := strings.Index(line[1:], q)
	if end < 0 {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(line[end+2:], " \t"), "=") ||
		strings.HasPrefix(strings.TrimLeft(line[end+2:], " \t"), ".")
}

func cutComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// splitKey splits a dotted key, removing quotes and surrounding blanks.
func splitKey(key string) []string {
	var (
		parts []string
		cur   strings.Builder
		quote byte
	)
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
