package generator

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestXMLEscapeForbiddenCharacters escapes text with the C0 controls,
// the noncharacters U+FFFE and U+FFFF and invalid UTF-8, which XML 1.0
// forbids, and checks that encoding/xml parses the result,
// as element text and as attribute value, with U+FFFD in their place.
func TestXMLEscapeForbiddenCharacters(t *testing.T) {
	var in, want strings.Builder
	for c := rune(0); c < 0x20; c++ {
		in.WriteRune(c)
		if c == '\t' || c == '\n' || c == '\r' {
			want.WriteRune(c)
		} else {
			want.WriteRune('\uFFFD')
		}
	}
	in.WriteString("\u007f\u0085 a&b<c>\"d'\uFFFE\uFFFF\xff\U0010FFFF")
	want.WriteString("\u007f\u0085 a&b<c>\"d'\uFFFD\uFFFD\uFFFD\U0010FFFF")

	doc := `<a t="` + xmlEscape(in.String()) + `">` + xmlEscape(in.String()) + `</a>`
	var v struct {
		Attr string `xml:"t,attr"`
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("escaped text is not well-formed XML: %v", err)
	}
	if v.Text != want.String() {
		t.Errorf("element text = %q, want %q", v.Text, want.String())
	}
	if v.Attr != want.String() {
		t.Errorf("attribute value = %q, want %q", v.Attr, want.String())
	}
}

// TestXMLOutputControlCharacters builds portals whose names in
// sites.toml contain control characters, which reach the feeds, and
// checks that every XML file of the output is well formed.
func TestXMLOutputControlCharacters(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- patch sites.toml --
name = "Nordstadt"
=>
name = "Nord\u0007stadt\u001b"
-- patch sites.toml --
name = "Stadt Nordstadt"
=>
name = "Stadt\u0000 Nordstadt\uFFFF"
`)))
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	files, _ := filepath.Glob(filepath.Join(out, "*", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no XML files written")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(out, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(data); err != nil {
			t.Errorf("%s is not well-formed XML: %v", rel, err)
		}
	}

	feed, err := os.ReadFile(filepath.Join(out, "nordstadt", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<title>Nord\uFFFDstadt\uFFFD: ",
		"<author><name>Stadt\uFFFD Nordstadt\uFFFD</name></author>",
	} {
		if !strings.Contains(string(feed), want) {
			t.Errorf("feed lacks %q", want)
		}
	}

	// xmllint, when installed, checks the files with libxml2 as well.
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not installed; checked with encoding/xml only")
		return
	}
	args := append([]string{"--noout"}, files...)
	if msg, err := exec.Command(xmllint, args...).CombinedOutput(); err != nil {
		t.Errorf("xmllint --noout: %v\n%s", err, msg)
	}
}

// wellFormed returns the first error of encoding/xml on data, or nil.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(data)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
