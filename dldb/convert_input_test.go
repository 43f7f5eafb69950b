package dldb

import (
	"strings"
	"testing"
)

func TestConvertRejectsEmptyExport(t *testing.T) {
	for _, services := range []string{`{}`, `{"data": []}`} {
		_, _, err := Convert(Options{Services: strings.NewReader(services), Locations: strings.NewReader(`{}`)})
		if err == nil {
			t.Errorf("Convert(%s) succeeded, want an error", services)
			continue
		}
		if !strings.Contains(err.Error(), "the services file contains no services") {
			t.Errorf("Convert(%s) error %q does not say that there are no services", services, err)
		}
	}
}

func TestConvertWarnsWithoutLocations(t *testing.T) {
	services := `{"data": [{"id": "1", "name": "Sprechstunde"}]}`
	_, warnings, err := Convert(Options{Services: strings.NewReader(services), Locations: strings.NewReader(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !containsPart(warnings, "the locations file contains no locations") {
		t.Errorf("warnings %q do not say that there are no locations", warnings)
	}
}

func TestConvertChecksDefaultCategory(t *testing.T) {
	services := `{"data": [{"id": "1", "name": "Sprechstunde"}]}`
	_, _, err := Convert(Options{
		Services:        strings.NewReader(services),
		Locations:       strings.NewReader(`{"data": []}`),
		DefaultCategory: "verwaltun",
		Categories:      []string{"verwaltung", "abfall"},
	})
	if err == nil {
		t.Fatal("Convert accepted a default category that the federation lacks")
	}
	for _, want := range []string{`unknown default category "verwaltun"`, "verwaltung, abfall", `did you mean "verwaltung"?`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestConvertReplacesUnknownCategory imports a service whose rule gives
// a category that the federation lacks.
func TestConvertReplacesUnknownCategory(t *testing.T) {
	services := `{"data": [{"id": "1", "name": "Sperrmüll anmelden"}, {"id": "2", "name": "Sprechstunde"}]}`
	files, warnings, err := Convert(Options{
		Services:   strings.NewReader(services),
		Locations:  strings.NewReader(`{"data": []}`),
		Categories: []string{"verwaltung"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(string(f.Data), "category = \"verwaltung\"\n") {
			t.Errorf("%s has no category verwaltung:\n%s", f.Path, f.Data)
		}
	}
	if !containsPart(warnings, `sites.toml has no category "abfall", so 1 service page got category "verwaltung"`) {
		t.Errorf("warnings %q do not name the missing category abfall", warnings)
	}
}

func TestConvertWarnsAboutDroppedContent(t *testing.T) {
	services := `{"data": [{"id": "7", "name": "Sprechstunde",
		"description": "<p>Siehe <a href=\"/intern/x\">Intranet</a>.</p><p><img src=\"plan.png\" alt=\"Lageplan\"></p>",
		"fees": "<p><a href=\"https://example.org/gebuehren\">Gebühren</a> <iframe src=\"x\"></iframe></p>"}]}`
	files, warnings, err := Convert(Options{Services: strings.NewReader(services), Locations: strings.NewReader(`{"data": []}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`service 7 (Sprechstunde): description: link to "/intern/x" removed and its text "Intranet" kept`,
		`service 7 (Sprechstunde): description: image "plan.png" (alt text "Lageplan") removed`,
		`service 7 (Sprechstunde): fees: iframe element removed`,
	} {
		if !containsPart(warnings, want) {
			t.Errorf("warnings %q lack %q", warnings, want)
		}
	}
	if containsPart(warnings, "example.org/gebuehren") {
		t.Errorf("warnings %q name a link that was kept", warnings)
	}
	if page := string(files[0].Data); !strings.Contains(page, "Siehe Intranet.") {
		t.Errorf("page lacks the text of the removed link:\n%s", page)
	}
}

// containsPart reports whether one of list contains part.
func containsPart(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}
