package search

import (
	"html"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/verbund/verbund/search/german"
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		matches []span
		want    string
	}{
		{"no match", "Hundesteuer anmelden", nil, "Hundesteuer anmelden"},
		{"one match", "Die Hundesteuer zahlen", []span{{4, 15}}, "Die <mark>Hundesteuer</mark> zahlen"},
		{"escapes HTML", "<b>Hund</b> & Katze", []span{{3, 7}}, "&lt;b&gt;<mark>Hund</mark>&lt;/b&gt; &amp; Katze"},
		{"escapes quotes", `"Perso" 'kurz'`, []span{{1, 6}}, "&#34;<mark>Perso</mark>&#34; &#39;kurz&#39;"},
		{"joins white space", "Hund\n\n  und Katze", []span{{0, 4}}, "<mark>Hund</mark> und Katze"},
		{"umlaut match", "Für Führerscheine", []span{{5, 19}}, "Für <mark>Führerscheine</mark>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := highlight(tt.text, tt.matches); got != tt.want {
				t.Errorf("highlight = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHighlightLongTextWindow(t *testing.T) {
	text := strings.Repeat("Vorwort ohne Treffer. ", 30) + "Hier steht die Hundesteuer. " +
		strings.Repeat("Nachwort ohne Treffer. ", 30)
	start := strings.Index(text, "Hundesteuer")
	got := highlight(text, []span{{start, start + len("Hundesteuer")}})
	if !strings.Contains(got, "<mark>Hundesteuer</mark>") {
		t.Errorf("snippet %q lacks the marked match", got)
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet %q should show … at both cut ends", got)
	}
	if n := len(got); n > snippetBytes+len("<mark></mark>")+2*len("…")+10 {
		t.Errorf("snippet is %d bytes, want about %d", n, snippetBytes)
	}
}

// TestHighlightNeverCutsCharacters cuts texts of multi-byte characters
// without spaces at every possible match position.
func TestHighlightNeverCutsCharacters(t *testing.T) {
	texts := []string{
		strings.Repeat("äöüß", 200),
		strings.Repeat("日本語テキスト", 100),
		strings.Repeat("🐕‍🦺", 150),
		strings.Repeat("Grüße aus Sögel ", 40),
	}
	for _, text := range texts {
		for start := 0; start < len(text); start += 7 {
			if !utf8.RuneStart(text[start]) {
				continue
			}
			_, size := utf8.DecodeRuneInString(text[start:])
			got := highlight(text, []span{{start, start + size}})
			if !utf8.ValidString(got) {
				t.Fatalf("highlight at %d returned invalid UTF-8 %q", start, got)
			}
			if !strings.Contains(got, "<mark>") {
				t.Fatalf("highlight at %d lost its match: %q", start, got)
			}
		}
	}
}

func TestMatcherRanges(t *testing.T) {
	a := german.IndexAnalyzer()
	plan, err := planQuery("hund perso reisepas", a, german.DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	m := newMatcher(plan, true)
	text := "Für Hunde, die Hundesteuer und den Personalausweis; Reisepass im Bürgerbüro."
	var got []string
	for _, r := range m.ranges(a, text) {
		got = append(got, text[r.start:r.end])
	}
	want := []string{"Hunde", "Hundesteuer", "Personalausweis", "Reisepass"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("matched words %q, want %q", got, want)
	}
}

func TestWithinDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want bool
	}{
		{"reisepas", "reisepass", 1, true},
		{"personalauswies", "personalausweis", 1, true}, // two letters swapped
		{"personalauswiss", "personalausweis", 1, false},
		{"personalauswiss", "personalausweis", 2, true},
		{"anmeld", "abmeld", 1, false}, // differs within the prefix
		{"hundesteur", "hundesteur", 0, true},
		{"kurz", "kurzzeitkennzeichen", 2, false},
	}
	for _, tt := range tests {
		if got := withinDistance(tt.a, tt.b, tt.max, fuzzyPrefix); got != tt.want {
			t.Errorf("withinDistance(%q, %q, %d) = %v, want %v", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

// TestWriteEscaped compares writeEscaped with html.EscapeString applied
// after joining white space rune by rune.
func TestWriteEscaped(t *testing.T) {
	reference := func(s string) string {
		if strings.IndexFunc(s, unicode.IsSpace) < 0 {
			return html.EscapeString(s)
		}
		var b strings.Builder
		space := false
		for _, r := range s {
			if unicode.IsSpace(r) {
				if !space {
					b.WriteByte(' ')
				}
				space = true
				continue
			}
			space = false
			b.WriteRune(r)
		}
		return html.EscapeString(b.String())
	}
	cases := []string{"", "a", "a  b\t\n c", `<b> & "q" 'a'`, "x\u00a0\u2003y", "bad \xff byte", "bad\xffbyte", "\u0085 next line", "ä ö ü"}
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", " ", "\t", "\n", "<", "&", "'", "\"", "ä", "\u00a0", "\u2028", "\xff", "\xe2\x80"}
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		var b strings.Builder
		writeEscaped(&b, s)
		if want := reference(s); b.String() != want {
			t.Errorf("%q: got %q, want %q", s, b.String(), want)
		}
	}
}
