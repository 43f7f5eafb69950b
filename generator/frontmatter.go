package generator

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/internal/tomlpos"
)

// Date is a calendar date without time of day or zone, as written in front
// matter (reviewed = 2026-10-01). It is stored at midnight UTC so it reads
// the same on every machine, whatever its time zone.
type Date struct {
	time.Time
}

// UnmarshalTOML accepts a TOML local date or a string of the form
// 2006-01-02. It rejects a date with a time of day, which a review date
// does not have.
func (d *Date) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		// BurntSushi/toml v1 marks a local date by the zone's name.
		if v.Location().String() != "date-local" {
			return valueError{"a date with a time of day",
				fmt.Sprintf("write the date alone, such as %s", v.Format(time.DateOnly))}
		}
		// BurntSushi/toml gives local dates the machine's offset; the
		// written calendar fields are what counts.
		d.Time = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
	case string:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return valueError{fmt.Sprintf("invalid date %q", v),
				"write a date such as 2026-03-01, without quotes"}
		}
		d.Time = t
	default:
		return valueError{fmt.Sprintf("invalid date of type %T", v),
			"write a date such as 2026-03-01, without quotes"}
	}
	return nil
}

// valueError is an error of an UnmarshalTOML method: a value that is
// valid TOML but not one its key takes.
type valueError struct {
	message, hint string
}

// valueErrorSeparator separates message and hint in the text of a
// valueError, which reaches decodeFrontMatter as the text of a
// toml.ParseError only.
const valueErrorSeparator = "\x00"

func (e valueError) Error() string { return e.message + valueErrorSeparator + e.hint }

// String returns the date as 2006-01-02, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// Strings is a TOML value that may be written as one string or as an
// array of strings.
type Strings []string

// UnmarshalTOML accepts a string or an array of strings.
func (s *Strings) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*s = Strings{v}
	case []any:
		out := make(Strings, 0, len(v))
		for _, e := range v {
			str, ok := e.(string)
			if !ok {
				return valueError{fmt.Sprintf("invalid list element of type %T", e),
					"write each element in quotes"}
			}
			out = append(out, str)
		}
		*s = out
	default:
		return valueError{fmt.Sprintf("invalid value of type %T", v),
			`write a string or an array of strings, such as ["a", "b"]`}
	}
	return nil
}

var fence = []byte("+++")

// source is one content file split into its parts.
type source struct {
	// path is the file's path relative to the project, for messages.
	path string
	// frontMatter is the TOML between the +++ lines.
	frontMatter []byte
	// body is the Markdown after the closing +++ line.
	body []byte
	// bodyLine is the line number of the body's first line.
	bodyLine int
	// hash identifies the file's content; it is zero for pages that
	// have no file of their own.
	hash uint64
	// file, when body is nil, is the file to read the body from again,
	// and bodyStart the offset of the body in its normalized content.
	file      string
	bodyStart int
}

// readBody returns the body of s, reading it again from its file when s
// does not hold it. It fails when the file changed since the build read
// it first.
func (s source) readBody() ([]byte, error) {
	if s.body != nil || s.file == "" {
		return s.body, nil
	}
	data, err := readFile(s.file)
	if err != nil {
		return nil, err
	}
	data = normalize(data)
	if maphash.Bytes(contentSeed, data) != s.hash || s.bodyStart > len(data) {
		return nil, fmt.Errorf("%s changed during the build: build again", s.path)
	}
	return data[s.bodyStart:], nil
}

// splitFrontMatter separates front matter from body. src must already be
// normalized (no byte-order mark, LF line endings).
func splitFrontMatter(path string, src []byte) (source, error) {
	s := source{path: path}
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if opening := bytes.TrimRight(first, " \t"); !bytes.Equal(opening, fence) {
		d := diag.Diagnostic{File: path, Line: 1, Column: 1, ID: "front-matter",
			Message: "missing front matter",
			Hint:    "start the file with a line +++, the TOML front matter, and another line +++"}
		if string(opening) == "---" {
			// Hugo and Jekyll read YAML front matter between --- lines.
			d.Message = "front matter between --- lines (YAML) is not read"
			d.Hint = `write it in TOML between two lines +++, with lines such as title = "Reisepass"`
		}
		return s, d
	}
	line := 2
	start := len(first) + 1
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l = rest[off:]
		} else {
			l = rest[off : off+end]
		}
		if bytes.Equal(bytes.TrimRight(l, " \t"), fence) {
			s.frontMatter = src[start : start+off]
			s.bodyLine = line + 1
			if end >= 0 {
				s.body = rest[off+end+1:]
			}
			return s, nil
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	return s, diag.Diagnostic{File: path, Line: 1, Column: 1, ID: "front-matter",
		Message: "front matter is not closed", Hint: "add a line +++ after the front matter"}
}

// lineKeyValue returns the bare key that line n (from 1) of the TOML
// text src assigns and the text of its value, or "" when the line
// assigns none.
func lineKeyValue(src []byte, n int) (key, value string) {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return "", ""
	}
	k, v, ok := bytes.Cut(lines[n-1], []byte("="))
	if !ok {
		return "", ""
	}
	return string(bytes.TrimSpace(k)), string(bytes.TrimSpace(v))
}

// decodeFrontMatter decodes s's front matter into v, reporting syntax
// errors and unknown keys with their positions in the file.
func decodeFrontMatter(s source, v any, diags *diag.List) bool {
	md, err := toml.Decode(string(s.frontMatter), v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if message, hint, ok := strings.Cut(pe.Message, valueErrorSeparator); ok {
				p := keyPos(s, strings.Split(pe.LastKey, ".")...)
				diags.Errorf(s.path, p.Line, p.Column, "invalid-value", hint,
					"invalid front-matter value of %q: %s", pe.LastKey, message)
				return false
			}
			line, col := federation.ParseErrorPos(s.frontMatter, pe)
			if key, value := lineKeyValue(s.frontMatter, line); key == "reviewed" {
				// Dates such as 05.12.2026 or 2026-13-05 fail as TOML
				// numbers or dates before any date check runs.
				diags.Errorf(s.path, line+1, col, "invalid-value",
					"write the date with the year first, such as reviewed = 2026-03-01, with a month and day that exist",
					"invalid front-matter value of \"reviewed\": %s is no valid date", value)
				return false
			}
			diags.Errorf(s.path, line+1, col, "toml-syntax",
				"fix the TOML syntax of the front matter", "invalid front matter: %s", pe.Message)
			return false
		}
		if te, ok := tomlpos.FindTypeError(s.frontMatter, err); ok {
			// The front matter starts on the second line of the file.
			diags.Errorf(s.path, te.Pos.Line+1, te.Pos.Column, "toml-type", te.Hint(),
				"invalid front-matter value of %q: %s", strings.Join(te.Key, "."), te.Problem())
			return false
		}
		diags.Errorf(s.path, 2, 1, "toml-type", "", "invalid front matter: %v", err)
		return false
	}
	ok := checkText(s, reflect.ValueOf(v), nil, diags)
	for _, key := range md.Undecoded() {
		p := keyPos(s, key...)
		diags.Errorf(s.path, p.Line, p.Column, "unknown-key",
			"check the spelling against the front-matter reference"+
				suggest.Hint(key[len(key)-1], suggest.TOMLKeys(reflect.TypeOf(v))),
			"unknown front-matter key %q", key.String())
		ok = false
	}
	return ok
}

// checkText reports every string of the decoded front matter v that
// contains a control character other than tab and line feed, or one of
// the noncharacters U+FFFE and U+FFFF. TOML escapes such as \u0007 can
// write them. XML 1.0, the format of feeds and sitemaps, forbids most of
// them, and the others are invisible. key is the TOML key of v.
func checkText(s source, v reflect.Value, key []string, diags *diag.List) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return checkText(s, v.Elem(), key, diags)
	case reflect.String:
		pos := func() tomlpos.Pos { return keyPos(s, key...) }
		return checkString(s, v.String(), key, pos, diags)
	case reflect.Slice:
		ok := true
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.String && len(key) == 1 {
				pos := func() tomlpos.Pos { return elementPos(s, key[0], i) }
				ok = checkString(s, e.String(), key, pos, diags) && ok
				continue
			}
			ok = checkText(s, e, key, diags) && ok
		}
		return ok
	case reflect.Struct:
		ok := true
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
			if name == "" || !t.Field(i).IsExported() {
				continue
			}
			ok = checkText(s, v.Field(i), append(slices.Clip(key), name), diags) && ok
		}
		return ok
	}
	return true
}

// checkString reports the first character of text that checkText
// rejects, at the position that pos returns. pos runs only for an error,
// because it scans the front matter.
func checkString(s source, text string, key []string, pos func() tomlpos.Pos, diags *diag.List) bool {
	// n counts the characters, for the message.
	n := 0
	for _, c := range text {
		n++
		if c == '\t' || c == '\n' || !unicode.IsControl(c) && c != 0xfffe && c != 0xffff {
			continue
		}
		kind := "control character"
		if c >= 0xfffe {
			kind = "noncharacter"
		}
		p := pos()
		diags.Errorf(s.path, p.Line, p.Column, "invalid-value",
			"remove the character: it is invisible, and feeds and sitemaps cannot contain most such characters",
			"invalid front-matter value of %q: character %d is the %s U+%04X",
			strings.Join(key, "."), n, kind, c)
		return false
	}
	return true
}

// keyPos returns the position in the file of a front-matter key, or of
// the opening +++ line when the key is not written.
func keyPos(s source, key ...string) tomlpos.Pos {
	ps := tomlpos.Find(s.frontMatter, key)
	if len(ps) == 0 || len(key) == 0 {
		return tomlpos.Pos{Line: 1, Column: 1}
	}
	// The front matter starts on the second line of the file.
	return tomlpos.Pos{Line: ps[0].Line + 1, Column: ps[0].Column}
}

// tablePos returns the position in the file of the header of table i
// of the array of tables that key names, such as the second [[hours]]
// for i = 1, or the key's position when there is no such header.
func tablePos(s source, key string, i int) tomlpos.Pos {
	ps := tomlpos.Find(s.frontMatter, []string{key})
	if i >= len(ps) {
		return keyPos(s, key)
	}
	// The front matter starts on the second line of the file.
	return tomlpos.Pos{Line: ps[i].Line + 1, Column: ps[i].Column}
}

// tableKeyPos returns the position in the file of key in the i-th
// [[table]], or of that table's header when it does not set the key.
func tableKeyPos(s source, table string, i int, key string) tomlpos.Pos {
	headers := tomlpos.Find(s.frontMatter, []string{table})
	if i >= len(headers) {
		return keyPos(s, table)
	}
	next := math.MaxInt
	if i+1 < len(headers) {
		next = headers[i+1].Line
	}
	for _, p := range tomlpos.Find(s.frontMatter, []string{table, key}) {
		if p.Line > headers[i].Line && p.Line < next {
			// The front matter starts on the second line of the file.
			return tomlpos.Pos{Line: p.Line + 1, Column: p.Column}
		}
	}
	return tablePos(s, table, i)
}

// elementPos returns the position in the file of element i of the array
// that the top-level key assigns, such as the second string of
// aliases = ["/a/", "/b/"] for i = 1. It returns the key's position when
// it cannot find the element.
func elementPos(s source, key string, i int) tomlpos.Pos {
	keyAt := keyPos(s, key)
	ps := tomlpos.Find(s.frontMatter, []string{key})
	if len(ps) == 0 {
		return keyAt
	}
	lines := bytes.SplitAfter(s.frontMatter, []byte("\n"))
	if ps[0].Line > len(lines) {
		return keyAt
	}
	// off is the offset of the key's line in the front matter.
	off := 0
	for _, l := range lines[:ps[0].Line-1] {
		off += len(l)
	}
	eq := bytes.IndexByte(s.frontMatter[off:], '=')
	if eq < 0 {
		return keyAt
	}
	at := scanArrayElement(s.frontMatter, off+eq+1, i)
	if at < 0 {
		return keyAt
	}
	line := 1 + bytes.Count(s.frontMatter[:at], []byte("\n"))
	col := at - (bytes.LastIndexByte(s.frontMatter[:at], '\n') + 1) + 1
	// The front matter starts on the second line of the file.
	return tomlpos.Pos{Line: line + 1, Column: col}
}

// scanArrayElement returns the offset in src of element i of the TOML
// array of strings that starts at or after offset start, or -1 when the
// value there is no such array.
func scanArrayElement(src []byte, start, i int) int {
	opened := false
	n := 0
	for p := start; p < len(src); {
		c := src[p]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || opened && c == ',':
			p++
		case c == '#':
			end := bytes.IndexByte(src[p:], '\n')
			if end < 0 {
				return -1
			}
			p += end
		case c == '[' && !opened:
			opened = true
			p++
		case (c == '"' || c == '\'') && opened:
			if n == i {
				return p
			}
			end := stringEnd(src, p)
			if end < 0 {
				return -1
			}
			p = end
			n++
		default:
			return -1
		}
	}
	return -1
}

// stringEnd returns the offset after the TOML string that starts at
// offset p of src, or -1 when it does not end.
func stringEnd(src []byte, p int) int {
	q := src[p]
	delim := []byte{q}
	if bytes.HasPrefix(src[p:], []byte{q, q, q}) {
		delim = []byte{q, q, q}
	}
	for e := p + len(delim); e < len(src); e++ {
		if q == '"' && src[e] == '\\' {
			e++
			continue
		}
		if bytes.HasPrefix(src[e:], delim) {
			return e + len(delim)
		}
	}
	return -1
}
