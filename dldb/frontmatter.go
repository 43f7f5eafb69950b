package dldb

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// frontMatter writes TOML front matter by hand, so that keys keep the
// order of the content reference and forms stay an inline array. Every
// setter leaves out empty values.
type frontMatter struct {
	b strings.Builder
}

func (f *frontMatter) setString(key, value string) {
	if value == "" {
		return
	}
	f.b.WriteString(key + " = " + tomlString(value) + "\n")
}

func (f *frontMatter) setStrings(key string, values []string) {
	if len(values) == 0 {
		return
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = tomlString(v)
	}
	f.b.WriteString(key + " = [" + strings.Join(quoted, ", ") + "]\n")
}

// setStringOrStrings writes one value as a string and several as an array.
func (f *frontMatter) setStringOrStrings(key string, values []string) {
	if len(values) == 1 {
		f.setString(key, values[0])
		return
	}
	f.setStrings(key, values)
}

// setDate writes a TOML local date; value must have the form 2006-01-02.
func (f *frontMatter) setDate(key, value string) {
	if value == "" {
		return
	}
	f.b.WriteString(key + " = " + value + "\n")
}

// setForms writes an array of inline tables { title, url }, one a line.
func (f *frontMatter) setForms(key string, forms []form) {
	if len(forms) == 0 {
		return
	}
	f.b.WriteString(key + " = [\n")
	for _, fm := range forms {
		fmt.Fprintf(&f.b, "  { title = %s, url = %s },\n", tomlString(fm.Title), tomlString(fm.URL))
	}
	f.b.WriteString("]\n")
}

// document returns the page: the front matter between +++ lines, then
// the body, if any, after a blank line.
func (f *frontMatter) document(body string) []byte {
	var b bytes.Buffer
	b.WriteString("+++\n")
	b.WriteString(f.b.String())
	b.WriteString("+++\n")
	if body != "" {
		b.WriteString("\n" + body + "\n")
	}
	return b.Bytes()
}

// form is an entry of a service page's forms.
type form struct {
	Title string
	URL   string
}

// tomlString quotes s as a TOML basic string. It escapes quotes,
// backslashes and every control character, which TOML does not allow
// unescaped.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// errNoFrontMatter reports a file that does not start with TOML front
// matter between +++ lines.
var errNoFrontMatter = errors.New("no TOML front matter between +++ lines")

// parseFrontMatter decodes the front matter of a content file. Like the
// content loader, it accepts a byte-order mark and CRLF line endings.
func parseFrontMatter(data []byte) (map[string]any, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "+++\n")
	if !ok {
		return nil, errNoFrontMatter
	}
	var matter string
	if strings.HasPrefix(rest, "+++\n") || rest == "+++" {
		matter = ""
	} else if i := strings.Index(rest, "\n+++\n"); i >= 0 {
		matter = rest[:i+1]
	} else if strings.HasSuffix(rest, "\n+++") {
		matter = strings.TrimSuffix(rest, "+++")
	} else {
		return nil, errNoFrontMatter
	}

	values := make(map[string]any)
	if _, err := toml.Decode(matter, &values); err != nil {
		return nil, fmt.Errorf("parsing front matter: %w", err)
	}
	return values, nil
}
