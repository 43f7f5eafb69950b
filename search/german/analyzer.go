package german

import (
	"bufio"
	"bytes"
	_ "embed"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
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
// Words longer than MaxWordBytes are left out. The Term, Folded and Parts
// of words seen before are shared with the analyzer's cache and must not
// be modified.
func (a *Analyzer) Words(text string) []Word {
	return slices.Collect(a.AllWords(text))
}

// AllWords returns an iterator over the words that Words returns, which
// allocates far less for a long text.
func (a *Analyzer) AllWords(text string) iter.Seq[Word] {
	return func(yield func(Word) bool) {
		var scratch []byte
		for s, ok := nextWord(text, 0); ok; s, ok = nextWord(text, s.end) {
			if s.end-s.start > MaxWordBytes {
				continue
			}
			w := a.analyzeWord([]byte(text[s.start:s.end]), &scratch)
			word := Word{Start: s.start, End: s.end, Folded: w.folded,
				Term: w.termText, Parts: w.partTexts, Stop: w.stop}
			if !yield(word) {
				return
			}
		}
	}
}

// WordsContaining returns an iterator over the words of text that
// AllWords returns and whose Term or one of whose Parts may be one of
// terms: every such word, and some others.
//
// A word's term is its folded spelling (Fold) stemmed, and the stemmer
// only removes endings, so the term is a prefix of that spelling. A
// part's term is likewise a prefix of a folded piece of the word. Fold
// lowers the word, removes diacritics and drops the e of the digraphs
// ae, oe and ue. So in a word without these digraphs, every term is a
// substring of the lowered word, and words that contain none of terms
// are skipped without looking them up. Words with a digraph are always
// analysed.
func (a *Analyzer) WordsContaining(text string, terms []string) iter.Seq[Word] {
	return func(yield func(Word) bool) {
		var lower, scratch []byte
		// starts marks the first bytes of terms, so that most positions of
		// a word are rejected at one lookup.
		var starts [256]bool
		for _, t := range terms {
			if t != "" {
				starts[t[0]] = true
			}
		}
		for s, ok := nextWord(text, 0); ok; s, ok = nextWord(text, s.end) {
			if s.end-s.start > MaxWordBytes {
				continue
			}
			word := []byte(text[s.start:s.end])
			lower = appendLowerFolded(lower[:0], word)
			if !hasDigraph(lower) && !containsAny(lower, terms, &starts) {
				continue
			}
			w := a.analyzeWord(word, &scratch)
			if !yield(Word{Start: s.start, End: s.end, Folded: w.folded,
				Term: w.termText, Parts: w.partTexts, Stop: w.stop}) {
				return
			}
		}
	}
}

// hasDigraph reports whether lower contains ae, oe or ue.
func hasDigraph(lower []byte) bool {
	for i := 1; i < len(lower); i++ {
		if lower[i] == 'e' {
			switch lower[i-1] {
			case 'a', 'o', 'u':
				return true
			}
		}
	}
	return false
}

// containsAny reports whether lower contains one of terms, whose first
// bytes starts marks.
func containsAny(lower []byte, terms []string, starts *[256]bool) bool {
	for i, c := range lower {
		if !starts[c] {
			continue
		}
		for _, t := range terms {
			if t != "" && t[0] == c && bytes.HasPrefix(lower[i:], []byte(t)) {
				return true
			}
		}
	}
	return false
}

// Analyze implements analysis.Analyzer: one token per word that is no
// stop word, and one more per part of a compound, at the compound's
// position and with its byte range. Positions count stop words too.
func (a *Analyzer) Analyze(input []byte) analysis.TokenStream {
	// German service texts give a token for every eight to ten bytes,
	// compound parts included, so the tokens rarely need more room.
	tokens := make([]analysis.Token, 0, len(input)/8+1)
	var scratch []byte
	pos := 0
	for s, ok := nextWord(input, 0); ok; s, ok = nextWord(input, s.end) {
		pos++
		if s.end-s.start > MaxWordBytes {
			continue
		}
		w := a.analyzeWord(input[s.start:s.end], &scratch)
		if w.stop {
			continue
		}
		tokens = append(tokens, analysis.Token{Term: w.term, Start: s.start, End: s.end,
			Position: pos, Type: analysis.AlphaNumeric})
		for _, part := range w.parts {
			tokens = append(tokens, analysis.Token{Term: part, Start: s.start, End: s.end,
				Position: pos, Type: analysis.AlphaNumeric})
		}
	}
	stream := make(analysis.TokenStream, len(tokens))
	for i := range tokens {
		stream[i] = &tokens[i]
	}
	return stream
}

// Frequencies returns what bleve makes of the tokens of Analyze for a
// field without term vectors: each term with the number of its tokens,
// or with none when countFreqs is false, and the number of tokens. It
// makes no tokens on the way, so that indexing a text allocates a
// fraction of what Analyze and bleve's analysis.TokenFrequency do.
func (a *Analyzer) Frequencies(input []byte, countFreqs bool) (index.TokenFrequencies, int) {
	// An estimate: German service texts give about one distinct term,
	// compound parts included, for every sixteen bytes.
	estimate := len(input)/16 + 1
	freqs := make(index.TokenFrequencies, estimate)
	// The terms' TokenFreqs come from slabs, the first of the estimated
	// size and each further one as large as all before.
	slab := make([]index.TokenFreq, 0, estimate)
	tokens := 0

	add := func(term []byte, text string) {
		tokens++
		tf := freqs[text]
		if tf == nil {
			if len(slab) == cap(slab) {
				slab = make([]index.TokenFreq, 0, len(freqs))
			}
			slab = append(slab, index.TokenFreq{Term: term})
			tf = &slab[len(slab)-1]
			freqs[text] = tf
		}
		if countFreqs {
			tf.SetFrequency(tf.Frequency() + 1)
		}
	}

	var scratch []byte
	for s, ok := nextWord(input, 0); ok; s, ok = nextWord(input, s.end) {
		if s.end-s.start > MaxWordBytes {
			continue
		}
		w := a.analyzeWord(input[s.start:s.end], &scratch)
		if w.stop {
			continue
		}
		add(w.term, w.termText)
		for i, part := range w.parts {
			add(part, w.partTexts[i])
		}
	}
	return freqs, tokens
}

// wordAnalysis is the result of analysing one word. Term and parts are
// kept as bytes for bleve's tokens and as strings for Words.
type wordAnalysis struct {
	folded    string
	term      []byte
	termText  string
	parts     [][]byte
	partTexts []string
	stop      bool
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
	w.termText = a.term(folded)
	w.term = []byte(w.termText)
	if !w.stop {
		for _, part := range a.decompounder.appendSplit(nil, lower, 0) {
			term := a.term(part)
			if term != w.termText && !slices.Contains(w.partTexts, term) {
				w.parts = append(w.parts, []byte(term))
				w.partTexts = append(w.partTexts, term)
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
