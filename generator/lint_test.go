package generator

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestImageAltPosition checks that an image without alt text is reported
// at its destination, wherever it is in the body.
func TestImageAltPosition(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- content/nordstadt/pages/notdienste.md --
+++
title = "Notdienste"
+++
Die Feuerwehr erreichen Sie unter 112.

Text davor ![](/dateien/karte.svg)

- Liste
- mit ![](/dateien/plan.svg) darin
-- content/nordstadt/files/karte.svg --
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>
-- content/nordstadt/files/plan.svg --
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2" cx="2" cy="2"/></svg>
`)))
	res, err := build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		if w.ID == "image-alt" {
			got = append(got, w.Position())
		}
	}
	want := []string{"content/nordstadt/pages/notdienste.md:6:16", "content/nordstadt/pages/notdienste.md:9:11"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("image-alt warnings at %v, want %v", got, want)
	}
}

// TestEmptyPartWarning checks that a required part with a heading but no
// text is reported at its heading as empty, not as missing.
func TestEmptyPartWarning(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- content/suedheim/services/reisepass.md --
+++
base = "reisepass"
+++
## Hinweise

Termine nach Vereinbarung.

## Rechtsgrundlagen
`)))
	res, err := build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		if w.ID == "missing-part" && strings.HasPrefix(w.File, "content/suedheim/") {
			got = append(got, w.Error())
		}
	}
	want := `content/suedheim/services/reisepass.md:8:1: warning: part "Rechtsgrundlagen" of service "Reisepass beantragen" is empty (write the part's text under the heading)`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
