package german

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which Register adds the analyzers to bleve's registry.
const (
	// AnalyzerName is the analyzer of text fields: folded, stemmed words,
	// stop words removed, compound parts added at the compound's position.
	AnalyzerName = "verbund_de"
	// PrefixAnalyzerName is the analyzer of the suggestion field: folded
	// words and compound parts, not stemmed, so that a prefix of what a
	// citizen types matches.
	PrefixAnalyzerName = "verbund_de_prefix"
)

//go:embed stopwords.txt
var defaultStopWords string

// maxCachedWords bounds the word cache of an analyzer. Past it, words are
// analysed without caching; the vocabulary of a federation's content fits
// well below it.
const maxCachedWords = 200_000

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

// Word is one word of a text as the index sees it.
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

// wordAnalysis is the cached result of analysing one word.
type wordAnalysis struct {
	folded string
	term   []byte
	parts  [][]byte
	stop   bool
}

// Words returns the words of text. Words longer than MaxWordBytes are
// left out.
func (a *Analyzer) Words(text string) []Word {
	var words []Word
	var scratch []byte
	for _, s := range appendWords(nil, []byte(text)) {
		if s.end-s.start > MaxWordBytes {
			continue
		}
		w := a.analyzeWord([]byte(text[s.start:s.end]), &scratch)
		word := Word{Start: s.start, End: s.end, Folded: w.folded, Term: string(w.term), Stop: w.stop}
		for _, part := range w.parts {
			word.Parts = append(word.Parts, string(part))
		}
		words = append(words, word)
	}
	return words
}

// Analyze implements analysis.Analyzer.
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

// Warm analyses the words of text into the analyzer's word cache without
// returning them, so that a later Analyze of the same words is cheaper.
func (a *Analyzer) Warm(text string) {
	var scratch []byte
	input := []byte(text)
	for _, s := range appendWords(nil, input) {
		if s.end-s.start <= MaxWordBytes {
			a.analyzeWord(input[s.start:s.end], &scratch)
		}
	}
}

// analyzeWord returns the analysis of one word, from the cache when it
// was seen before. The returned byte slices are shared and must not be
// modified.
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

// wordCache maps a word in lower case to its analysis. It is split into
// shards so that parallel analysis rarely waits on a lock.
type wordCache struct {
	shards [32]struct {
		sync.RWMutex
		words map[string]*wordAnalysis
	}
	size atomic.Int64
}

func (c *wordCache) shard(key []byte) int {
	// FNV-1a
	h := uint32(2166136261)
	for _, b := range key {
		h ^= uint32(b)
		h *= 16777619
	}
	return int(h % uint32(len(c.shards)))
}

func (c *wordCache) get(key []byte) *wordAnalysis {
	s := &c.shards[c.shard(key)]
	s.RLock()
	w := s.words[string(key)]
	s.RUnlock()
	return w
}

func (c *wordCache) put(key string, w *wordAnalysis) {
	if c.size.Load() >= maxCachedWords {
		return
	}
	s := &c.shards[c.shard([]byte(key))]
	s.Lock()
	if s.words == nil {
		s.words = map[string]*wordAnalysis{}
	}
	if _, ok := s.words[key]; !ok {
		s.words[key] = w
		c.size.Add(1)
	}
	s.Unlock()
}

type analyzers struct {
	index, prefix *Analyzer
}

var defaultAnalyzers = sync.OnceValue(func() analyzers {
	return analyzers{
		index:  NewAnalyzer(DefaultDecompounder(), true),
		prefix: NewAnalyzer(DefaultDecompounder(), false),
	}
})

var registerOnce = sync.OnceValue(func() error {
	index, prefix := defaultAnalyzers().index, defaultAnalyzers().prefix
	err := registry.RegisterAnalyzer(AnalyzerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return index, nil
		})
	if err != nil {
		return err
	}
	return registry.RegisterAnalyzer(PrefixAnalyzerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return prefix, nil
		})
})

// Register adds the analyzers AnalyzerName and PrefixAnalyzerName to
// bleve's registry. Call it before creating or opening an index whose
// mapping names them; calls after the first do nothing.
func Register() error {
	return registerOnce()
}

// IndexAnalyzer returns the analyzer registered as AnalyzerName, for
// analysing query text the way the index analysed content.
func IndexAnalyzer() *Analyzer { return defaultAnalyzers().index }

// PrefixAnalyzer returns the analyzer registered as PrefixAnalyzerName.
func PrefixAnalyzer() *Analyzer { return defaultAnalyzers().prefix }
