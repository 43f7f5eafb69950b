package german

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		word, want string
	}{
		{"Führerschein", "fuhrerschein"},
		{"Fuehrerschein", "fuhrerschein"},
		{"fuhrerschein", "fuhrerschein"},
		{"FÜHRERSCHEIN", "fuhrerschein"},
		{"Straße", "strasse"},
		{"STRAẞE", "strasse"},
		{"Einbürgerung", "einburgerung"},
		{"einbuergerung", "einburgerung"},
		{"Ärzte", "arzte"},
		{"Aerzte", "arzte"},
		{"Öffnungszeiten", "offnungszeiten"},
		{"Quelle", "quelle"},
		{"Café", "cafe"},
		{"Łódź", "lodz"},
		{"Ελλάδα", "ελλάδα"},
	}
	for _, tt := range tests {
		if got := Fold(tt.word); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestFoldInvalidUTF8(t *testing.T) {
	got := Fold("Ha\xffus")
	if !utf8.ValidString(got) {
		t.Errorf("Fold returned invalid UTF-8 %q", got)
	}
	if got != "haus" {
		t.Errorf("Fold(%q) = %q, want %q", "Ha\xffus", got, "haus")
	}
}

func TestStem(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"anmeldung", "anmeldungen", "anmelden"}, "anmeld"},
		{[]string{"abmeldung", "abmelden"}, "abmeld"},
		{[]string{"einburgerung", "einburgern"}, "einburg"},
		{[]string{"hund", "hunde", "hunden", "hundes"}, "hund"},
		{[]string{"kind", "kinder", "kindern"}, "kind"},
		{[]string{"kita", "kitas"}, "kita"},
		{[]string{"fahrzeug", "fahrzeuge", "fahrzeugs"}, "fahrzeug"},
		{[]string{"steur", "steurn"}, "steur"},
		{[]string{"polizei", "polizeilich", "polizeiliches"}, "polizei"},
		{[]string{"ausweis", "ausweise", "ausweises"}, "ausweis"},
		{[]string{"reisepass", "reisepasse"}, "reisepass"},
		{[]string{"ehe"}, "ehe"},
		{[]string{"amt"}, "amt"},
	}
	for _, tt := range tests {
		for _, w := range tt.words {
			if got := Stem(w); got != tt.want {
				t.Errorf("Stem(%q) = %q, want %q", w, got, tt.want)
			}
		}
	}
}

func TestSplit(t *testing.T) {
	d := DefaultDecompounder()
	tests := []struct {
		word string
		want []string
	}{
		{"Hundesteuer", []string{"hund", "steur"}},
		{"Kinderreisepass", []string{"kind", "reisepass", "reise", "pass"}},
		{"Geburtsurkunde", []string{"geburt", "urkunde"}},
		{"Personalausweis", []string{"personal", "ausweis"}},
		{"Führungszeugnis", []string{"fuhrung", "zeugnis"}},
		{"Fuehrungszeugnis", []string{"fuhrung", "zeugnis"}},
		{"Schuleingangsuntersuchung", []string{"schul", "eingang", "untersuchung"}},
		{"Kirchenaustritt", []string{"kirche", "austritt"}},
		{"Hundesteuern", []string{"hund", "steurn"}},
		{"Standesamt", []string{"stand", "amt"}},
		// No compounds of known parts.
		{"Ausweis", nil},
		{"Verlust", nil},
		{"Beratung", nil},
		{"Bauer", nil},
		{"Reisepass2026", nil},
		{"Hund", nil},
	}
	for _, tt := range tests {
		if got := d.Split(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestSplitCustomParts(t *testing.T) {
	d := NewDecompounder([]string{"Moor", "Bad", "xy", "Fest"})
	if got, want := d.Split("Moorbadfest"), []string{"moor", "bad", "fest"}; !slices.Equal(got, want) {
		t.Errorf("Split = %q, want %q", got, want)
	}
	if got := d.Split("Xyxyxy"); got != nil {
		t.Errorf("Split with parts shorter than three letters = %q, want none", got)
	}
}

func TestParsePartsEmbedded(t *testing.T) {
	parts, err := ParseParts(strings.NewReader(defaultParts))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 500 {
		t.Errorf("embedded parts.txt has %d parts, want at least 500", len(parts))
	}
	for _, p := range parts {
		if f := Fold(p); len(f) < minPart || !isLetters([]byte(f)) {
			t.Errorf("part %q folds to %q: want at least %d letters a to z", p, f, minPart)
		}
	}
}

func TestParsePartsRejectsPhrases(t *testing.T) {
	_, err := ParseParts(strings.NewReader("hund\n\nreise pass\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("ParseParts error = %v, want one naming line 3", err)
	}
}

func TestParseSynonyms(t *testing.T) {
	text := `# comment
perso => personalausweis
kita, kindertagesstätte, krippe
auto anmelden => fahrzeug zulassen
`
	s, err := ParseSynonyms(strings.NewReader(text), IndexAnalyzer())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		terms []string
		want  [][]string
	}{
		{[]string{"perso"}, [][]string{{"personalausweis"}}},
		{[]string{"personalausweis"}, nil},
		{[]string{"kita"}, [][]string{{"kindertagesstatt"}, {"kripp"}}},
		{[]string{"kripp"}, [][]string{{"kita"}, {"kindertagesstatt"}}},
		{[]string{"auto", "anmeld"}, [][]string{{"fahrzeug", "zulass"}}},
	}
	for _, tt := range tests {
		got := s.Lookup(tt.terms)
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("Lookup(%q) = %q, want %q", tt.terms, got, tt.want)
		}
	}
	if s.MaxWords() != 2 {
		t.Errorf("MaxWords = %d, want 2", s.MaxWords())
	}
}

func TestParseSynonymsErrors(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"perso\n", "line 1"},
		{"a, b\nx => ,\n", "line 2"},
		{"eins zwei drei vier => fünf\n", "more than 3 words"},
		{"und => oder\n", "no searchable word"},
	}
	for _, tt := range tests {
		_, err := ParseSynonyms(strings.NewReader(tt.text), IndexAnalyzer())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSynonyms(%q) error = %v, want one containing %q", tt.text, err, tt.want)
		}
	}
}

func TestDefaultSynonyms(t *testing.T) {
	s := DefaultSynonyms()
	for _, word := range []string{"perso", "kita", "umzug", "auto"} {
		if s.Lookup([]string{Stem(Fold(word))}) == nil {
			t.Errorf("default synonyms have no entry for %q", word)
		}
	}
}

func TestAppendWordsLatin1(t *testing.T) {
	text := "Maße×Größe÷Übel ÀÖØàöøÿ"
	var got []string
	for _, s := range appendWords(nil, []byte(text)) {
		got = append(got, text[s.start:s.end])
	}
	if want := []string{"Maße", "Größe", "Übel", "ÀÖØàöøÿ"}; !slices.Equal(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
}
