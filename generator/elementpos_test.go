package generator

import (
	"bytes"
	"testing"

	"github.com/BurntSushi/toml"
)

// offsetOf returns the offset in the front matter of a position that
// elementPos or keyPos returns, or -1 when it lies outside.
func offsetOf(frontMatter []byte, line, col int) int {
	// The front matter starts on the second line of the file.
	line--
	off := 0
	for l := 1; l < line; l++ {
		nl := bytes.IndexByte(frontMatter[off:], '\n')
		if nl < 0 {
			return -1
		}
		off += nl + 1
	}
	off += col - 1
	if off < 0 || off >= len(frontMatter) {
		return -1
	}
	return off
}

// FuzzElementPos checks that elementPos finds each string of an aliases
// array that the TOML encoder wrote, after any other front matter.
func FuzzElementPos(f *testing.F) {
	f.Add("/alt/", "/b/", "title = \"x\"\n")
	f.Add("/a\"b/", "/c'd/", "# comment\n")
	f.Add("/ü/", "", "")
	f.Fuzz(func(t *testing.T, first, second, before string) {
		var doc bytes.Buffer
		doc.WriteString(before)
		if !bytes.HasSuffix(doc.Bytes(), []byte("\n")) && doc.Len() > 0 {
			doc.WriteByte('\n')
		}
		aliases := []string{first, second}
		if err := toml.NewEncoder(&doc).Encode(struct {
			Aliases []string `toml:"aliases"`
		}{aliases}); err != nil {
			t.Skip()
		}
		var decoded struct {
			Aliases []string `toml:"aliases"`
		}
		// Text before the array that is no TOML, or that moves the array
		// into a table, is not the case under test.
		if _, err := toml.Decode(doc.String(), &decoded); err != nil || len(decoded.Aliases) != 2 {
			t.Skip()
		}
		s := source{path: "page.md", frontMatter: doc.Bytes()}
		last := -1
		for i := range aliases {
			p := elementPos(s, "aliases", i)
			off := offsetOf(s.frontMatter, p.Line, p.Column)
			if off < 0 {
				t.Fatalf("element %d at %d:%d, outside the front matter %q", i, p.Line, p.Column, s.frontMatter)
			}
			if c := s.frontMatter[off]; c != '"' && c != '\'' {
				t.Fatalf("element %d at %d:%d starts with %q, not a quote, in %q", i, p.Line, p.Column, c, s.frontMatter)
			}
			if off <= last {
				t.Fatalf("element %d at offset %d, not after element %d at %d, in %q", i, off, i-1, last, s.frontMatter)
			}
			last = off
		}
	})
}

// FuzzElementPosAnyText checks that elementPos returns a position in
// the file for any front matter, TOML or not.
func FuzzElementPosAnyText(f *testing.F) {
	f.Add("aliases = [\"/a/\", '/b/']\n", 1)
	f.Add("aliases = [\n  \"/a/\", # old\n  \"\"\"/b/\"\"\",\n]\n", 1)
	f.Add("aliases = \"/a/\"\n", 0)
	f.Fuzz(func(t *testing.T, frontMatter string, i int) {
		if i < 0 || i > 8 {
			t.Skip()
		}
		s := source{path: "page.md", frontMatter: []byte(frontMatter)}
		p := elementPos(s, "aliases", i)
		if p.Line < 1 || p.Column < 1 {
			t.Fatalf("position %d:%d", p.Line, p.Column)
		}
	})
}
