package search

import (
	"github.com/verbund/verbund/search/german"
)

// matcher finds the words of a text that a query matched, the way the
// query matched them: by term, by compound part, by synonym, or with a
// typo. Snippets mark these words.
type matcher struct {
	terms map[string]bool
	fuzzy []fuzzyWord
}

// fuzzyWord is a query word that matches words within distance edits:
// their stems if stem is true, else their folded spelling.
type fuzzyWord struct {
	word     string
	distance int
	stem     bool
}

func newMatcher(plan *queryPlan) *matcher {
	m := &matcher{terms: map[string]bool{}}
	for _, u := range plan.units {
		for _, w := range u.words {
			m.terms[w.Term] = true
			for _, p := range w.Parts {
				m.terms[p] = true
			}
			if len(w.Folded) >= minFuzzyBytes && isWordOfLetters(w.Folded) {
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
	return m
}

// ranges returns the byte ranges of the words of text that m matches,
// in order.
func (m *matcher) ranges(a *german.Analyzer, text string) []span {
	var ranges []span
	for _, w := range a.Words(text) {
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
// and differ by at most max single-byte insertions, deletions or
// substitutions (Levenshtein distance), as bleve's fuzzy query counts
// for these ASCII terms.
func withinDistance(a, b string, max, prefix int) bool {
	if len(a) < prefix || len(b) < prefix || a[:prefix] != b[:prefix] {
		return false
	}
	if d := len(a) - len(b); d > max || -d > max {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= max
}
