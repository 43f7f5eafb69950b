package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verbund/verbund/search/german"
)

func testCorpus() *Corpus {
	return &Corpus{
		Sites: []Site{
			{ID: "kreis", Name: "Landkreis", URL: "https://kreis.example"},
			{ID: "a", Name: "A", URL: "https://a.example", Parent: "kreis"},
			{ID: "b", Name: "B", URL: "https://b.example", Parent: "kreis"},
		},
		Bases: []Base{
			{ID: "hundesteuer", Title: "Hundesteuer", Summary: "Hund anmelden.", Text: "Gemeinsamer Text.",
				Keywords: []string{"Hundemarke"}, Category: "steuern", LeiKa: []string{"99037001001000"}},
			{ID: "unused", Title: "Nirgends angeboten"},
		},
		Pages: []Page{
			{Site: "a", URL: "https://a.example/hundesteuer/", Title: "Hundesteuer", Summary: "Hund anmelden.",
				Text: "Nur in A.", Keywords: []string{"Hundemarke", "Hundesteuer A"}, Base: "hundesteuer",
				LeiKa: []string{"99037001001000"}},
			{Site: "b", URL: "https://b.example/hundesteuer/", Title: "Hundesteuer in B", Summary: "Hund anmelden.",
				Base: "hundesteuer", LeiKa: []string{"99037001001000"}},
			{Site: "b", URL: "https://b.example/fundbuero/", Title: "Fundbüro", Kind: "service"},
		},
	}
}

func TestDocumentsShareBaseText(t *testing.T) {
	docs := map[string]map[string]any{}
	for _, d := range documents(testCorpus()) {
		docs[d.id] = d.fields
	}
	base := docs[baseIDPrefix+"hundesteuer"]
	if base == nil {
		t.Fatal("no document for the base text")
	}
	if got := base[fieldSites]; !slices.Equal(got.([]string), []string{"a", "b"}) {
		t.Errorf("base sites = %v, want [a b]", got)
	}
	if got := base[fieldText]; got != "Gemeinsamer Text." {
		t.Errorf("base text = %v", got)
	}
	if _, ok := docs[baseIDPrefix+"unused"]; ok {
		t.Error("a base text no page offers is indexed")
	}

	a := docs["https://a.example/hundesteuer/"]
	if _, ok := a[fieldTitle]; ok {
		t.Error("page A indexes the title it shares with its base text")
	}
	if got := a[fieldText]; got != "Nur in A." {
		t.Errorf("page A text = %v, want only its own part", got)
	}
	if got := a[fieldKeywords]; !slices.Equal(got.([]string), []string{"Hundesteuer A"}) {
		t.Errorf("page A keywords = %v, want only its own", got)
	}
	if got := a[fieldGroup]; got != base[fieldGroup] {
		t.Errorf("page A group %v differs from the base text's %v", got, base[fieldGroup])
	}

	b := docs["https://b.example/hundesteuer/"]
	if got := b[fieldTitle]; got != "Hundesteuer in B" {
		t.Errorf("page B title = %v, want its own title indexed", got)
	}
	if _, ok := b[fieldText]; ok {
		t.Error("page B without own parts has a text field")
	}

	standalone := docs["https://b.example/fundbuero/"]
	if got := standalone[fieldGroup]; got != "url:https://b.example/fundbuero/" {
		t.Errorf("standalone page group = %v", got)
	}
	if _, ok := docs[suggestionIDPrefix+german.Fold("Hundesteuer")]; !ok {
		t.Error("no suggestion for the title Hundesteuer")
	}
}

func TestCorpusValidate(t *testing.T) {
	c := testCorpus()
	c.Sites = append(c.Sites, Site{ID: "a"}, Site{ID: "x", Parent: "nowhere"})
	c.Pages = append(c.Pages,
		Page{Site: "z", URL: "https://z.example/"},
		Page{Site: "a", URL: "https://a.example/hundesteuer/"},
		Page{Site: "a", URL: "https://a.example/neu/", Base: "fehlt"},
	)
	err := c.validate()
	if err == nil {
		t.Fatal("validate = nil, want errors")
	}
	for _, want := range []string{
		`site "a": duplicate ID`,
		`site "x": unknown parent "nowhere"`,
		`unknown site "z"`,
		"https://a.example/hundesteuer/: duplicate URL",
		`unknown base text "fehlt"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("validate error lacks %q:\n%v", want, err)
		}
	}
}

func TestCorpusValidateCycle(t *testing.T) {
	c := &Corpus{Sites: []Site{{ID: "a", Parent: "b"}, {ID: "b", Parent: "a"}}}
	if err := c.validate(); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("validate = %v, want a cycle error", err)
	}
}

func TestDocumentsRepairInvalidUTF8(t *testing.T) {
	c := testCorpus()
	c.Pages[2].Text = "Fund\xffsachen"
	c.Pages[2].Keywords = []string{"Fund\xfe"}
	for _, d := range documents(c) {
		for name, value := range d.fields {
			var values []string
			switch v := value.(type) {
			case string:
				values = []string{v}
			case []string:
				values = v
			}
			for _, s := range values {
				if !utf8.ValidString(s) {
					t.Errorf("document %s field %s = %q, not valid UTF-8", d.id, name, s)
				}
			}
		}
	}
}
