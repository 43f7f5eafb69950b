package german

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

//go:embed stopwords.txt
var defaultStopWords string

// Analyzer turns German text into index terms. It implements bleve's
// analysis.Analyzer and is safe for concurrent use.
type Analyzer struct {
	decompounder *Decompounder
	stop         map[string]bool
	stem         bool
	cache        wordCache
}

// NewAnalyzer returns an analyzer that splits compounds with d. With stem
// false it keeps words unstemmed, for prefix matching.
func NewAnalyzer(d *Decompounder, stem bool) *Analyzer {
	return &Analyzer{decompounder: d, stop: defaultStopSet(), stem: stem}
}

var defaultStopSet = sync.OnceValue(func() map[string]bool {
	stop := map[string]bool{}
	scanner := bufio.NewScanner(strings.NewReader(defaultStopWords))
	for scanner.Scan() {
		word := strings.TrimSpace(scanner.Text())
		if word != "" && !strings.HasPrefix(word, "#") {
			stop[Fold(word)] = true
		}
	}
	return stop
})

// Word is one word of a text with its index terms.
type Word struct {
	// Start and End are the word's byte range in the text.
	Start, End int
	// Folded is the word in the spelling of Fold.
	Folded string
	// Term is the indexed term: Folded stemmed, or unstemmed for the
	// prefix analyzer.
	Term string
	// Parts are the terms of the compound's parts, nil for a word that is
	// no compound.
	Parts []string
	// Stop is true for a function word that the index leaves out.
	Stop bool
}

// Words returns the words of text, stop words included and marked.
// Words longer than MaxWordBytes are left out.
func (a *Analyzer) Words(text string) []Word {
	var words []Word
	var scratch []byte
	input := []byte(text)
	for _, s := range appendWords(nil, input) {
		if s.end-s.start > MaxWordBytes {
			continue
		}
		w := a.analyzeWord(input[s.start:s.end], &scratch)
		word := Word{Start: s.start, End: s.end, Folded: w.folded, Term: string(w.term), Stop: w.stop}
		for _, part := range w.parts {
			word.Parts = append(word.Parts, string(part))
		}
		words = append(words, word)
	}
	return words
}

// Analyze implements analysis.Analyzer: one token per word that is no
// stop word, and one more per part of a compound, at the compound's
// position and with its byte range. Positions count stop words too.
func (a *Analyzer) Analyze(input []byte) analysis.TokenStream {
	spans := appendWords(nil, input)
	tokens := make([]analysis.Token, 0, len(spans)+len(spans)/4)
	var scratch []byte
	for i, s := range spans {
		if s.end-s.start > MaxWordBytes {
			continue
		}
		w := a.analyzeWord(input[s.start:s.end], &scratch)
		if w.stop {
			continue
		}
		tokens = append(tokens, analysis.Token{Term: w.term, Start: s.start, End: s.end,
			Position: i + 1, Type: analysis.AlphaNumeric})
		for _, part := range w.parts {
			tokens = append(tokens, analysis.Token{Term: part, Start: s.start, End: s.end,
				Position: i + 1, Type: analysis.AlphaNumeric})
		}
	}
	stream := make(analysis.TokenStream, len(tokens))
	for i := range tokens {
		stream[i] = &tokens[i]
	}
	return stream
}

// wordAnalysis is the result of analysing one word.
type wordAnalysis struct {
	folded string
	term   []byte
	parts  [][]byte
	stop   bool
}

// analyzeWord returns the analysis of one word, from the cache when it
// was seen before. The returned analysis is shared and must not be
// modified; bleve only reads token terms.
func (a *Analyzer) analyzeWord(word []byte, scratch *[]byte) *wordAnalysis {
	lower := appendLowerFolded((*scratch)[:0], word)
	*scratch = lower
	if w := a.cache.get(lower); w != nil {
		return w
	}
	folded := string(appendDigraphFolded(make([]byte, 0, len(lower)), lower))
	w := &wordAnalysis{folded: folded, stop: a.stop[folded]}
	w.term = []byte(a.term(folded))
	if !w.stop {
		for _, part := range a.decompounder.appendSplit(nil, lower, 0) {
			term := a.term(part)
			if term != string(w.term) && !containsBytes(w.parts, term) {
				w.parts = append(w.parts, []byte(term))
			}
		}
	}
	a.cache.put(string(lower), w)
	return w
}

// term returns the indexed term of a folded word. Words with digits or
// letters outside a to z are not stemmed.
func (a *Analyzer) term(folded string) string {
	if !a.stem || !isLetters([]byte(folded)) {
		return folded
	}
	return Stem(folded)
}

func containsBytes(list [][]byte, s string) bool {
	for _, item := range list {
		if string(item) == s {
			return true
		}
	}
	return false
}
