package dldb

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

const testLocations = `{"data": [
	{"id": "10", "name": "Bürgerbüro Mitte (B-1)", "displayName": "Bürgerbüro Mitte",
	 "displayNameAlternatives": ["Bürgerbüro Mitte", "Meldestelle", "1. Stock"],
	 "address": {"street": "Marktplatz", "house_number": "1", "postal_code": "12345", "city": "Musterstadt"},
	 "contact": {"phone": "0123 456", "email": "buergerbuero@example.org", "webinfo": "https://example.org/bb"}},
	{"id": 11, "name": "Bürgerbüro Süd", "displayName": "Bürgerbüro Süd", "displayNameAlternatives": [],
	 "address": {"street": "Südweg", "house_number": 7, "postal_code": 12346, "city": "Musterstadt"},
	 "contact": []},
	{"id": "12", "name": "Außenstelle", "address": [], "contact": null}
], "meta": {"generated": "2026-06-08T07:41:01"}}`

const testServices = `{"data": [
	{"id": "200", "name": "Reisepass",
	 "description": "<p>Sie erhalten einen <strong>Reisepass</strong>. Er gilt zehn Jahre.</p><h2>Ablauf</h2><p>Termin buchen.</p>",
	 "fees": "<ul><li>37 Euro</li></ul>",
	 "leika": "99085001000000",
	 "meta": {"lastupdate": "2026-05-01T10:00:00", "keywords": "Pass, Reisedokument, pass, , Reisedokument "},
	 "locations": [
		{"location": "99", "appointment": {"link": "https://example.org/termin/99"}},
		{"location": "10", "appointment": {"link": "https://example.org/termin/10", "allowed": true}},
		{"location": 11, "appointment": {"link": "https://example.org/termin/11"}},
		{"location": "10"}
	 ],
	 "forms": [{"name": "Antrag \"A\"", "link": "https://example.org/antrag.pdf"}, {"name": "", "link": "https://example.org/b.pdf"}],
	 "links": [
		{"name": "Antrag \"A\"", "link": "https://example.org/antrag.pdf"},
		{"name": "Informationen zum Online-Antrag", "link": "https://example.org/info"},
		{"name": "Online beantragen", "link": "https://example.org/online"},
		{"name": "Kaputt", "link": "javascript:void(0)"}
	 ]},
	{"id": "201", "name": "Reisepass", "description": "", "leika": "99085001000000, 1234",
	 "meta": {"lastupdate": "kaputt", "keywords": ""},
	 "locations": [{"location": "12", "appointment": {"link": "https://example.org/t", "allowed": false}}],
	 "forms": [], "links": []},
	{"id": "202", "name": "Sperrmüll", "description": null, "leika": null, "meta": [],
	 "locations": [], "forms": null, "links": null},
	{"id": "", "name": "Ohne Kennung", "meta": {}},
	{"id": "200", "name": "Doppelt", "meta": {}},
	{"id": "203", "name": " ", "meta": {}}
], "meta": {"generated": "2026-06-08T07:41:01"}}`

// convertTest converts the test export and returns its files by path.
func convertTest(t *testing.T) (map[string]string, []string) {
	t.Helper()
	files, warnings, err := Convert(Options{
		Services:  strings.NewReader(testServices),
		Locations: strings.NewReader(testLocations),
	})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	byPath := make(map[string]string)
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
	}
	return byPath, warnings
}

func TestConvertPaths(t *testing.T) {
	files, _, err := Convert(Options{
		Services:  strings.NewReader(testServices),
		Locations: strings.NewReader(testLocations),
	})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	want := []string{
		"offices/aussenstelle.md",
		"offices/buergerbuero-mitte-b-1.md",
		"offices/buergerbuero-sued.md",
		"services/reisepass-201.md",
		"services/reisepass.md",
		"services/sperrmuell.md",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}

func TestConvertService(t *testing.T) {
	files, _ := convertTest(t)
	want := `+++
title = "Reisepass"
summary = "Sie erhalten einen Reisepass."
leika = "99085001000000"
category = "ausweise-dokumente"
tier = "gemeinde"
keywords = ["Pass", "Reisedokument"]
reviewed = 2026-05-01
office = "buergerbuero-mitte-b-1"
appointment = "https://example.org/termin/10"
online = "https://example.org/online"
forms = [
  { title = "Antrag \"A\"", url = "https://example.org/antrag.pdf" },
  { title = "https://example.org/b.pdf", url = "https://example.org/b.pdf" },
]
source = "dldb:200"
+++

Sie erhalten einen **Reisepass**. Er gilt zehn Jahre.

### Ablauf

Termin buchen.

## Gebühren

- 37 Euro

## Hinweise

### Weitere Standorte

- [Bürgerbüro Süd](/dienststellen/buergerbuero-sued/)

### Weiterführende Links

- [Informationen zum Online-Antrag](https://example.org/info)
- [Online beantragen](https://example.org/online)
`
	if got := files["services/reisepass.md"]; got != want {
		t.Errorf("services/reisepass.md:\n%s\nwant:\n%s", got, want)
	}
}

func TestConvertSparseService(t *testing.T) {
	files, _ := convertTest(t)
	want := `+++
title = "Reisepass"
leika = "99085001000000"
category = "ausweise-dokumente"
tier = "gemeinde"
reviewed = 2026-06-08
office = "aussenstelle"
source = "dldb:201"
+++
`
	if got := files["services/reisepass-201.md"]; got != want {
		t.Errorf("services/reisepass-201.md:\n%s\nwant:\n%s", got, want)
	}

	want = `+++
title = "Sperrmüll"
category = "abfall"
tier = "gemeinde"
reviewed = 2026-06-08
source = "dldb:202"
+++
`
	if got := files["services/sperrmuell.md"]; got != want {
		t.Errorf("services/sperrmuell.md:\n%s\nwant:\n%s", got, want)
	}
}

func TestConvertOffice(t *testing.T) {
	files, _ := convertTest(t)
	cases := map[string]string{
		"offices/buergerbuero-mitte-b-1.md": `+++
name = "Bürgerbüro Mitte (B-1)"
street = "Marktplatz 1"
postal_code = "12345"
city = "Musterstadt"
phone = "0123 456"
email = "buergerbuero@example.org"
web = "https://example.org/bb"
source = "dldb:10"
+++

Weitere Bezeichnungen:

- Bürgerbüro Mitte
- Meldestelle
- 1\. Stock
`,
		"offices/buergerbuero-sued.md": `+++
name = "Bürgerbüro Süd"
street = "Südweg 7"
postal_code = "12346"
city = "Musterstadt"
source = "dldb:11"
+++
`,
		"offices/aussenstelle.md": `+++
name = "Außenstelle"
source = "dldb:12"
+++
`,
	}
	for path, want := range cases {
		if got := files[path]; got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", path, got, want)
		}
	}
}

func TestConvertWarnings(t *testing.T) {
	_, warnings := convertTest(t)
	want := []string{
		`location 12 (Außenstelle): missing street, house number, postal code, city; office page written without it`,
		`service 200 (Reisepass): link "Kaputt" to "javascript:void(0)" is no http or https address; link dropped`,
		`service 200 (Reisepass): location "99" not found in the locations file; reference dropped`,
		`service 201 (Reisepass): LeiKa key "1234" is not 14 digits starting with 99; key dropped`,
		`service 201 (Reisepass): invalid or missing lastupdate "kaputt"; reviewed set to the export date 2026-06-08`,
		`service 202 (Sperrmüll): invalid or missing lastupdate ""; reviewed set to the export date 2026-06-08`,
		`service "Ohne Kennung": missing id; service skipped`,
		`service 200: id used twice; the second record is skipped`,
		`service 203: missing name; service skipped`,
	}
	slices.Sort(want)
	got := slices.Clone(warnings)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConvertFrontMatterParses(t *testing.T) {
	files, _ := convertTest(t)
	for path, data := range files {
		values, err := parseFrontMatter([]byte(data))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if source, _ := values["source"].(string); !strings.HasPrefix(source, "dldb:") {
			t.Errorf("%s: source = %q, want dldb:<id>", path, source)
		}
	}

	var page struct {
		Forms []struct {
			Title, URL string
		} `toml:"forms"`
	}
	matter := strings.Split(files["services/reisepass.md"], "+++\n")[1]
	if _, err := toml.Decode(matter, &page); err != nil {
		t.Fatalf("decoding front matter: %v", err)
	}
	if len(page.Forms) != 2 || page.Forms[0].Title != `Antrag "A"` {
		t.Errorf("forms = %+v, want 2 forms, the first titled Antrag \"A\"", page.Forms)
	}

	// Decoding into a map keeps the kind of TOML date in the location.
	values, err := parseFrontMatter([]byte(files["services/reisepass.md"]))
	if err != nil {
		t.Fatal(err)
	}
	reviewed, ok := values["reviewed"].(time.Time)
	if !ok {
		t.Fatalf("reviewed = %#v, want a date", values["reviewed"])
	}
	if got := reviewed.Format(time.DateOnly); got != "2026-05-01" {
		t.Errorf("reviewed = %s, want 2026-05-01", got)
	}
	if zone := reviewed.Location().String(); zone != "date-local" {
		t.Errorf("reviewed has zone %q, want a TOML local date", zone)
	}
}

func TestConvertDeterministic(t *testing.T) {
	convert := func() ([]File, []string) {
		files, warnings, err := Convert(Options{
			Services:  strings.NewReader(testServices),
			Locations: strings.NewReader(testLocations),
		})
		if err != nil {
			t.Fatalf("Convert: %v", err)
		}
		return files, warnings
	}
	first, firstWarnings := convert()
	for range 5 {
		files, warnings := convert()
		if !slices.EqualFunc(files, first, func(a, b File) bool {
			return a.Path == b.Path && bytes.Equal(a.Data, b.Data)
		}) {
			t.Fatal("two conversions of the same export differ")
		}
		if !slices.Equal(warnings, firstWarnings) {
			t.Fatal("two conversions of the same export give different warnings")
		}
	}
}

func TestConvertLeikaArray(t *testing.T) {
	services := `{"data": [{"id": "1", "name": "Import", "leika": "99036008007003, 99036008007004",
		"meta": {"lastupdate": "2026-01-02"}}]}`
	files, _, err := Convert(Options{Services: strings.NewReader(services), Locations: strings.NewReader(`{"data": []}`)})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	if len(files) != 1 {
		t.Fatalf("got %d files, want 1", len(files))
	}
	values, err := parseFrontMatter(files[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	leika, ok := values["leika"].([]any)
	if !ok || len(leika) != 2 || leika[0] != "99036008007003" || leika[1] != "99036008007004" {
		t.Errorf("leika = %#v, want an array of the two keys", values["leika"])
	}
}

func TestConvertDefaultCategory(t *testing.T) {
	services := `{"data": [{"id": "1", "name": "Sprechstunde", "meta": {"lastupdate": "2026-01-02"}}]}`
	cases := []struct{ option, want string }{
		{"", `category = "verwaltung"`},
		{"sonstiges", `category = "sonstiges"`},
	}
	for _, tc := range cases {
		files, _, err := Convert(Options{
			Services:        strings.NewReader(services),
			Locations:       strings.NewReader(`{"data": []}`),
			DefaultCategory: tc.option,
		})
		if err != nil {
			t.Fatalf("Convert with default category %q: %v", tc.option, err)
		}
		if !strings.Contains(string(files[0].Data), tc.want+"\n") {
			t.Errorf("default category %q: page has no line %s:\n%s", tc.option, tc.want, files[0].Data)
		}
	}
}

func TestConvertErrors(t *testing.T) {
	valid := `{"data": []}`
	cases := []struct {
		name    string
		opts    Options
		message string
	}{
		{"missing services", Options{Locations: strings.NewReader(valid)}, "both the services and the locations file are required"},
		{"missing locations", Options{Services: strings.NewReader(valid)}, "both the services and the locations file are required"},
		{"invalid category", Options{Services: strings.NewReader(valid), Locations: strings.NewReader(valid), DefaultCategory: "Ver waltung"}, `invalid default category "Ver waltung"`},
		{"invalid services JSON", Options{Services: strings.NewReader(`{"data": [`), Locations: strings.NewReader(valid)}, "parsing DLDB services"},
		{"invalid locations JSON", Options{Services: strings.NewReader(valid), Locations: strings.NewReader(`[]`)}, "parsing DLDB locations"},
		{"invalid id type", Options{Services: strings.NewReader(`{"data": [{"id": true}]}`), Locations: strings.NewReader(valid)}, "parsing DLDB services"},
		{"non-empty array as object", Options{Services: strings.NewReader(`{"data": [{"id": "1", "meta": [1]}]}`), Locations: strings.NewReader(valid)}, "parsing DLDB services"},
		{"files swapped", Options{Services: strings.NewReader(testLocations), Locations: strings.NewReader(testServices)}, "check that --services names the services export"},
		{"services file twice", Options{Services: strings.NewReader(testServices), Locations: strings.NewReader(testServices)}, "check that --locations names the locations export"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Convert(tc.opts)
			if err == nil {
				t.Fatal("Convert succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not contain %q", err, tc.message)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	cases := []struct{ timestamp, want string }{
		{"2026-06-08T07:41:01", "2026-06-08"},
		{"2026-06-08T23:59:59+02:00", "2026-06-08"},
		{"2026-06-08T00:30:00-05:00", "2026-06-08"},
		{"2026-06-08T07:41:01.123Z", "2026-06-08"},
		{"2026-06-08 07:41:01", "2026-06-08"},
		{"2026-06-08T07:41", "2026-06-08"},
		{" 2026-06-08 ", "2026-06-08"},
		{"2026-02-30", ""},
		{"08.06.2026", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := dateOf(tc.timestamp); got != tc.want {
			t.Errorf("dateOf(%q) = %q, want %q", tc.timestamp, got, tc.want)
		}
	}
}
