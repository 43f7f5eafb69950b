package german

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
)

func TestAnalyze(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), true)
	text := "Die Hundesteuer für Hunde-Halter, Straße 5"
	type token struct {
		term       string
		start, end int
		position   int
	}
	var got []token
	for _, tok := range a.Analyze([]byte(text)) {
		got = append(got, token{string(tok.Term), tok.Start, tok.End, tok.Position})
	}
	want := []token{
		{"hundesteur", 4, 15, 2},
		{"hund", 4, 15, 2},
		{"steur", 4, 15, 2},
		{"hund", 21, 26, 4},
		{"halt", 27, 33, 5},
		{"strass", 35, 42, 6},
		{"5", 43, 44, 7},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Analyze(%q) =\n%v\nwant\n%v", text, got, want)
	}
}

func TestAnalyzePrefix(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), false)
	var got []string
	for _, tok := range a.Analyze([]byte("Anmeldungen der Hundesteuer")) {
		got = append(got, string(tok.Term))
	}
	if want := []string{"anmeldungen", "hundesteur", "hund", "steur"}; !slices.Equal(got, want) {
		t.Errorf("prefix analyzer terms = %q, want %q", got, want)
	}
}

func TestAnalyzeDropsLongWords(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), true)
	long := strings.Repeat("a", MaxWordBytes+1)
	stream := a.Analyze([]byte("Hund " + long + " Katze"))
	if len(stream) != 2 {
		t.Fatalf("got %d tokens, want 2: the long word dropped", len(stream))
	}
	if got := string(stream[1].Term); got != "katz" {
		t.Errorf("second term = %q, want %q", got, "katz")
	}
}

func TestAnalyzeInvalidUTF8(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), true)
	for _, tok := range a.Analyze([]byte("Hund\xff\xfeSteuer \xc3")) {
		if !utf8.Valid(tok.Term) {
			t.Errorf("term %q is not valid UTF-8", tok.Term)
		}
	}
}

func TestWords(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), true)
	text := "Wo kann ich meinen Führerschein umtauschen?"
	words := a.Words(text)
	var content []string
	for _, w := range words {
		if text[w.Start:w.End] == "" {
			t.Errorf("word %+v has an empty range", w)
		}
		if !w.Stop {
			content = append(content, w.Term)
		}
	}
	if want := []string{"fuhrerschein", "umtausch"}; !slices.Equal(content, want) {
		t.Errorf("content terms = %q, want %q", content, want)
	}
	last := words[len(words)-1]
	if got := text[last.Start:last.End]; got != "umtauschen" {
		t.Errorf("last word range covers %q, want %q", got, "umtauschen")
	}
	if got := words[4].Parts; !slices.Equal(got, []string{"fuhr", "schein"}) {
		t.Errorf("parts of Führerschein = %q, want %q", got, []string{"fuhr", "schein"})
	}
}

func TestAnalyzerCacheConsistent(t *testing.T) {
	a := NewAnalyzer(DefaultDecompounder(), true)
	first := a.Words("Kinderreisepass")
	second := a.Words("Kinderreisepass")
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("got %d and %d words, want 1", len(first), len(second))
	}
	if first[0].Term != second[0].Term || !slices.Equal(first[0].Parts, second[0].Parts) {
		t.Errorf("cached analysis %+v differs from first %+v", second[0], first[0])
	}
}

func TestRegister(t *testing.T) {
	if err := Register(); err != nil {
		t.Fatal(err)
	}
	if err := Register(); err != nil {
		t.Errorf("second Register = %v, want nil", err)
	}
}

// TestWordsContainingMissesNoMatch takes each term and part term of the
// words of some texts in turn and checks that WordsContaining yields
// every word that has it as its term or as a part, as AllWords does.
func TestWordsContainingMissesNoMatch(t *testing.T) {
	texts := []string{
		"Die Hundesteuer für den Kinderreisepass wird im Bürgerbüro bezahlt.",
		"Fuehrerschein, Führerschein und Fuhrerschein; die Steuer, teuer, neue Quellen.",
		"Anmeldung der Gaststätte: Öffnungszeiten, Sperrzeit und Straßenreinigung 2025.",
		"Aeltere Oefen und Uebungen im Feuerwehrhaus; Quelle und Quader, Aerzte.",
		"Abfallgebühren, Sperrmüll-Abholung, Müllabfuhr und Wertstoffhöfe der Gemeinden.",
		"Einbürgerung, Einbuergerungstest; Jagdschein, Fischereischein, Waffenbesitzkarte.",
	}
	a := IndexAnalyzer()
	candidates := map[string]bool{}
	for _, text := range texts {
		for w := range a.AllWords(text) {
			candidates[w.Term] = true
			for _, p := range w.Parts {
				candidates[p] = true
			}
		}
	}
	if len(candidates) < 50 {
		t.Fatalf("only %d terms; the test needs more", len(candidates))
	}
	matches := func(w Word, term string) bool {
		return w.Term == term || slices.Contains(w.Parts, term)
	}
	for term := range candidates {
		for _, text := range texts {
			var want, got []Word
			for w := range a.AllWords(text) {
				if matches(w, term) {
					want = append(want, w)
				}
			}
			for w := range a.WordsContaining(text, []string{"zzz", term}) {
				if matches(w, term) {
					got = append(got, w)
				}
			}
			if !slices.EqualFunc(got, want, func(x, y Word) bool { return x.Start == y.Start && x.End == y.End }) {
				t.Errorf("term %q in %q: words %v, want %v", term, text, got, want)
			}
		}
	}
}

// frequenciesTexts are texts for which Frequencies must count what bleve
// counts from the tokens of Analyze.
var frequenciesTexts = []string{
	"",
	"Die Hundesteuer für Hunde-Halter, Straße 5",
	"Anmeldung der Hundesteuer: Hundesteuer, Hundesteuern und Hunde. Der die das.",
	"Personalausweis beantragen – Reisepass, Kinderreisepass; Gebühren 37,00 €",
	"ÄRZTE Ärztin ärztlich Übergangsgeld Öffnungszeiten\r\nmontags bis freitags",
	strings.Repeat("Bauantrag Baugenehmigung Bauvoranfrage ", 50),
	"a\xffb \xc3 Straße" + strings.Repeat("x", MaxWordBytes+1) + " Ende",
}

func TestFrequenciesMatchTokens(t *testing.T) {
	for _, stem := range []bool{true, false} {
		a := NewAnalyzer(DefaultDecompounder(), stem)
		for _, text := range frequenciesTexts {
			checkFrequencies(t, a, text, true)
			checkFrequencies(t, a, text, false)
		}
	}
}

func FuzzFrequencies(f *testing.F) {
	for _, text := range frequenciesTexts {
		f.Add(text)
	}
	a := NewAnalyzer(DefaultDecompounder(), true)
	f.Fuzz(func(t *testing.T, text string) {
		checkFrequencies(t, a, text, true)
	})
}

// checkFrequencies compares a's Frequencies of text with bleve's count of
// the tokens of a's Analyze.
func checkFrequencies(t *testing.T, a *Analyzer, text string, countFreqs bool) {
	t.Helper()
	options := index.IndexField
	if !countFreqs {
		options |= index.SkipFreqNorm
	}
	tokens := a.Analyze([]byte(text))
	want := analysis.TokenFrequency(tokens, nil, options)
	got, length := a.Frequencies([]byte(text), countFreqs)
	if length != len(tokens) {
		t.Errorf("Frequencies(%q) counted %d tokens, Analyze made %d", text, length, len(tokens))
	}
	if len(got) != len(want) {
		t.Errorf("Frequencies(%q) has %d terms, want %d", text, len(got), len(want))
	}
	for term, w := range want {
		g := got[term]
		if g == nil {
			t.Errorf("Frequencies(%q) lacks the term %q", text, term)
			continue
		}
		if string(g.Term) != string(w.Term) || g.Frequency() != w.Frequency() || len(g.Locations) != 0 {
			t.Errorf("Frequencies(%q)[%q] = %q ×%d with %d locations, want %q ×%d",
				text, term, g.Term, g.Frequency(), len(g.Locations), w.Term, w.Frequency())
		}
	}
}
