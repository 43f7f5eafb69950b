package search

import (
	"github.com/verbund/verbund/search/german"
)

// matcher finds the words of a text that a query matched, the way the
// query matched them: by term, by compound part, by synonym, or with a
// typo. Snippets mark these words.
type matcher struct {
	terms map[string]bool
	// termList has the keys of terms.
	termList []string
	fuzzy    []fuzzyWord
}

// fuzzyWord is a query word that matches words within distance edits:
// their stems if stem is true, else their folded spelling.
type fuzzyWord struct {
	word     string
	distance int
	stem     bool
}

// newMatcher returns the matcher of a search for plan, with typos when
// the search tolerated them.
func newMatcher(plan *queryPlan, typos bool) *matcher {
	m := &matcher{terms: map[string]bool{}}
	for _, u := range plan.units {
		for i, w := range u.words {
			m.terms[w.Term] = true
			for _, p := range w.Parts {
				m.terms[p] = true
			}
			if typos && u.typos[i] && mayHaveTypo(w) {
				m.fuzzy = append(m.fuzzy, fuzzyWord{w.Folded, fuzziness(w.Folded), false})
				if len(w.Term) >= minFuzzyBytes {
					m.fuzzy = append(m.fuzzy, fuzzyWord{w.Term, fuzziness(w.Term), true})
				}
			}
		}
		for _, alternative := range u.alternatives {
			for _, t := range alternative {
				m.terms[t] = true
			}
		}
	}
	for t := range m.terms {
		m.termList = append(m.termList, t)
	}
	return m
}

// exactTerms returns the terms whose words m matches, and false if m
// also matches words with typos, which no list of terms covers.
func (m *matcher) exactTerms() ([]string, bool) {
	if len(m.fuzzy) > 0 {
		return nil, false
	}
	return m.termList, true
}

// ranges returns the byte ranges of the words of text that m matches,
// in order. Without typos, only the words that may contain one of m's
// terms are analysed (Analyzer.WordsContaining).
func (m *matcher) ranges(a *german.Analyzer, text string) []span {
	words := a.AllWords(text)
	if len(m.fuzzy) == 0 {
		words = a.WordsContaining(text, m.termList)
	}
	var ranges []span
	for w := range words {
		if !w.Stop && m.matches(w) {
			ranges = append(ranges, span{w.Start, w.End})
		}
	}
	return ranges
}

func (m *matcher) matches(w german.Word) bool {
	if m.terms[w.Term] {
		return true
	}
	for _, p := range w.Parts {
		if m.terms[p] {
			return true
		}
	}
	for _, f := range m.fuzzy {
		target := w.Folded
		if f.stem {
			target = w.Term
		}
		if withinDistance(f.word, target, f.distance, fuzzyPrefix) {
			return true
		}
	}
	return false
}

// withinDistance reports whether a and b share their first prefix bytes
// and are at most max edits apart, counted as bleve's fuzzy query
// counts them (editDistance).
func withinDistance(a, b string, max, prefix int) bool {
	if len(a) < prefix || len(b) < prefix || a[:prefix] != b[:prefix] {
		return false
	}
	_, ok := editDistance(a, b, max)
	return ok
}
