package generator

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verbund/verbund/diag"
)

// templateSource is a template file of the theme as written and as
// parsed, to place errors of the parsed, minified text in the file.
type templateSource struct {
	text, parsed string
	// moved is nil when the file was parsed as written.
	moved []movedAction
}

// templateErrorPattern matches the position that text/template puts in
// front of an error: the template file, the line and the byte offset in
// the line, counted from 0.
var templateErrorPattern = regexp.MustCompile(`^template: ([^:]+):(\d+):(\d+): (.*)$`)

// reportTemplateError reports err, an error of executing the theme's
// templates, at its place in the template file, or under the theme
// folder when err names no place. The message leaves out the page, so
// that an error that every page hits is reported once.
func (t *theme) reportTemplateError(err error, diags *diag.List) {
	file, line, col, message := t.templateErrorPos(err.Error())
	diags.Errorf(file, line, col, "template", "fix the theme's template",
		"executing the theme: %s", message)
}

// templateErrorPos returns the file, line and column (from 1, in
// characters) of a template error message, and the message without
// the position.
func (t *theme) templateErrorPos(message string) (file string, line, col int, rest string) {
	dir := t.name
	if dir == "" {
		dir = "themes"
	}
	m := templateErrorPattern.FindStringSubmatch(message)
	if m == nil {
		return dir, 0, 0, message
	}
	name, rest := m[1], m[4]
	file = dir + "/templates/" + name
	l, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	src, ok := t.sources[name]
	if !ok {
		return file, l, c + 1, rest
	}
	off := lineOffset(src.parsed, l) + c
	if src.moved != nil {
		off = sourceOffset(src.moved, off)
		if off < 0 {
			return file, 0, 0, rest
		}
	}
	if off > len(src.text) {
		return file, 0, 0, rest
	}
	line = 1 + strings.Count(src.text[:off], "\n")
	start := strings.LastIndexByte(src.text[:off], '\n') + 1
	return file, line, utf8.RuneCountInString(src.text[start:off]) + 1, rest
}

// lineOffset returns the offset of the start of line l, counted from 1,
// in text.
func lineOffset(text string, l int) int {
	off := 0
	for i := 1; i < l; i++ {
		j := strings.IndexByte(text[off:], '\n')
		if j < 0 {
			return len(text)
		}
		off += j + 1
	}
	return off
}

// sourceOffset returns the offset in the template's source of offset off
// of its minified text, which lies in an action, or -1.
func sourceOffset(moved []movedAction, off int) int {
	for _, a := range moved {
		if off >= a.to && off < a.to+a.length {
			return a.from + off - a.to
		}
	}
	return -1
}
