package generator

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestXMLOutputEscaped builds a service whose title and address need
// escaping and checks that every XML file of the output parses and
// carries the escaped text.
func TestXMLOutputEscaped(t *testing.T) {
	dir := writeFederation(t, &txtar.Archive{Files: []txtar.File{{
		Name: "content/nordstadt/services/gruenschnitt.md",
		Data: []byte(`+++
title = "Sperrmüll & Grünschnitt <Abholung>"
summary = "Grünschnitt & Äste \"abholen\" lassen."
category = "verkehr"
tier = "gemeinde"
reviewed = 2026-05-02
+++
Text.
`),
	}}})
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	feed, err := os.ReadFile(filepath.Join(out, "nordstadt", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<title>Sperrmüll &amp; Grünschnitt &lt;Abholung&gt;</title>",
		"<updated>2026-05-02T00:00:00Z</updated>",
		"Grünschnitt &amp; Äste &quot;abholen&quot; lassen.",
	} {
		if !strings.Contains(string(feed), want) {
			t.Errorf("feed lacks %q", want)
		}
	}

	files, _ := filepath.Glob(filepath.Join(out, "*", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no XML files written")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(strings.NewReader(string(data)))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				rel, _ := filepath.Rel(out, f)
				t.Errorf("%s is not well-formed XML: %v", rel, err)
				break
			}
		}
	}
}
