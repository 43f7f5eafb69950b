package dldb

import (
	"errors"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestTOMLStringRoundTrip(t *testing.T) {
	values := []string{
		"",
		"plain",
		`quote " and backslash \`,
		"newline\nand\ttab\rreturn",
		"controls \x00 \x01 \x1f \x7f \b \f",
		"umlauts äöü ß and emoji 🙂",
		`""" triple quotes '''`,
		"\u2028 line separator",
	}
	for _, v := range values {
		var decoded struct{ Value string }
		doc := "value = " + tomlString(v)
		if _, err := toml.Decode(doc, &decoded); err != nil {
			t.Errorf("decoding %q: %v", doc, err)
			continue
		}
		if decoded.Value != v {
			t.Errorf("tomlString(%q) decodes to %q", v, decoded.Value)
		}
	}
}

func TestParseFrontMatter(t *testing.T) {
	cases := []struct {
		name, data string
		source     string
		err        error
	}{
		{"plain", "+++\nsource = \"dldb:1\"\n+++\n\nBody", "dldb:1", nil},
		{"byte-order mark and CRLF", "\ufeff+++\r\nsource = \"dldb:2\"\r\n+++\r\nBody", "dldb:2", nil},
		{"ends after front matter", "+++\nsource = \"dldb:3\"\n+++", "dldb:3", nil},
		{"empty front matter", "+++\n+++\nBody", "", nil},
		{"no source", "+++\ntitle = \"x\"\n+++\n", "", nil},
		{"no front matter", "# Title\n", "", errNoFrontMatter},
		{"YAML front matter", "---\nsource: x\n---\n", "", errNoFrontMatter},
		{"unterminated", "+++\nsource = \"dldb:1\"\n", "", errNoFrontMatter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			values, err := parseFrontMatter([]byte(tc.data))
			if !errors.Is(err, tc.err) {
				t.Fatalf("parseFrontMatter error = %v, want %v", err, tc.err)
			}
			if source, _ := values["source"].(string); source != tc.source {
				t.Errorf("source = %q, want %q", source, tc.source)
			}
		})
	}

	if _, err := parseFrontMatter([]byte("+++\ntitle = \n+++\n")); err == nil {
		t.Error("parseFrontMatter accepted invalid TOML")
	}
}
