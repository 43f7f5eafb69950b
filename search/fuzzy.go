package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// fuzzyFields are the fields that typo-tolerant queries search: the
// searched fields, which hold stems, and fieldNames, which holds the
// unstemmed words of titles and keywords.
var fuzzyFields = []string{fieldTitle, fieldKeywords, fieldSummary, fieldText, fieldNames}

// vocabulary is the terms of each of the fuzzyFields in one partition.
// Open reads it once, which the read-only index allows.
//
// Typo tolerance expands a word against it instead of with bleve's
// fuzzy query. That query (bleve v2.6.3) builds a Levenshtein automaton
// for each field and partition it runs on, ten for one word, and building
// them took about a quarter of the CPU time of the benchmark's searches.
// The expansion here gives the same terms and edit distances, and
// fuzzyQuery turns them into the query that bleve's fuzzy searcher would
// build.
type vocabulary map[string]*fieldTerms

// fieldTerms is the terms of one field.
type fieldTerms struct {
	// sorted is every term, in byte order.
	sorted []string
	// byHead has the terms by their first fuzzyPrefix bytes and their
	// length in characters, because a term within a few edits of a word
	// shares its head and is about as long.
	byHead map[termHead][]string
}

// termHead is the start and length of a term.
type termHead struct {
	head  string
	runes int
}

// readVocabulary reads the term dictionaries of the fuzzyFields from r.
func readVocabulary(r index.IndexReader) (vocabulary, error) {
	v := vocabulary{}
	for _, field := range fuzzyFields {
		dict, err := r.FieldDict(field)
		if err != nil {
			return nil, fmt.Errorf("reading vocabulary of %s: %w", field, err)
		}
		var terms []string
		entry, err := dict.Next()
		for err == nil && entry != nil {
			terms = append(terms, entry.Term)
			entry, err = dict.Next()
		}
		if cerr := dict.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("reading vocabulary of %s: %w", field, err)
		}
		v[field] = newFieldTerms(terms)
	}
	return v, nil
}

func newFieldTerms(terms []string) *fieldTerms {
	// The dictionary is in byte order already. Sorting guards the binary
	// search of contains against an index that is not.
	if !slices.IsSorted(terms) {
		slices.Sort(terms)
	}
	f := &fieldTerms{sorted: terms, byHead: map[termHead][]string{}}
	for _, t := range terms {
		key := termHead{headOf(t, fuzzyPrefix), utf8.RuneCountInString(t)}
		f.byHead[key] = append(f.byHead[key], t)
	}
	return f
}

// headOf returns the first n bytes of s, extended to a whole character,
// or s if it is shorter. bleve's fuzzy query takes its prefix this way.
func headOf(s string, n int) string {
	for i := range s {
		if i >= n {
			return s[:i]
		}
	}
	return s
}

// contains reports whether field has term.
func (v vocabulary) contains(field, term string) bool {
	f := v[field]
	if f == nil {
		return false
	}
	_, found := slices.BinarySearch(f.sorted, term)
	return found
}

// fuzzyTerm is a term of the vocabulary and its edit distance from the
// word a citizen typed.
type fuzzyTerm struct {
	term     string
	distance int
}

// expand returns the terms of field that start with the first
// fuzzyPrefix bytes of word (extended to a whole character) and are at
// most maxEdits edits from it, in byte order. Edits are insertions,
// deletions, substitutions and swaps of two adjacent characters, as
// bleve's fuzzy query counts them.
func (v vocabulary) expand(field, word string, maxEdits int) []fuzzyTerm {
	f := v[field]
	if f == nil {
		return nil
	}
	key := termHead{headOf(word, fuzzyPrefix), 0}
	n := utf8.RuneCountInString(word)
	var found []fuzzyTerm
	for key.runes = n - maxEdits; key.runes <= n+maxEdits; key.runes++ {
		for _, t := range f.byHead[key] {
			if d, ok := editDistance(word, t, maxEdits); ok {
				found = append(found, fuzzyTerm{t, d})
			}
		}
	}
	slices.SortFunc(found, func(a, b fuzzyTerm) int { return strings.Compare(a.term, b.term) })
	return found
}

// fuzzyQuery returns a query for word in field with up to
// fuzziness(word) edits, made of the matching terms of v. It is the query
// that bleve's fuzzy searcher (v2.6.3) builds: the term alone when it is
// the only match or nothing matches, else a disjunction of every match,
// each boosted by 1/(edits+1).
func fuzzyQuery(v vocabulary, word, field string, boost float64) query.Query {
	matches := v.expand(field, word, fuzziness(word))
	if len(matches) == 0 || len(matches) == 1 && matches[0].term == word {
		return fieldTerm(word, field, boost)
	}
	qs := make([]query.Query, len(matches))
	for i, m := range matches {
		qs[i] = fieldTerm(m.term, field, boost/float64(m.distance+1))
	}
	return query.NewDisjunctionQuery(qs)
}

// editDistance returns the number of insertions, deletions,
// substitutions and swaps of two adjacent characters that turn a into b
// (the optimal string alignment distance), and whether it is at most max.
// When it is not, the distance returned is only a lower bound.
func editDistance(a, b string, max int) (int, bool) {
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > max || -d > max {
		return abs(d), false
	}
	if isASCII(a) && isASCII(b) {
		var bufA, bufB [maxStackWord]byte
		return alignmentDistance(append(bufA[:0], a...), append(bufB[:0], b...), max)
	}
	var bufA, bufB [maxStackWord]rune
	return alignmentDistance(appendRunes(bufA[:0], a), appendRunes(bufB[:0], b), max)
}

// maxStackWord is the length up to which editDistance works without
// allocating. The analyzers drop longer words.
const maxStackWord = 72

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// alignmentDistance computes editDistance on characters of type C. It
// stops as soon as a row of the table exceeds max, because the minimum of
// a row never decreases from one row to the next.
func alignmentDistance[C byte | rune](a, b []C, max int) (int, bool) {
	// rows[0], rows[1] and rows[2] are the rows of a[:i-2], a[:i-1] and
	// a[:i]. A swap looks two rows back.
	var buf [3][maxStackWord + 1]int
	var rows [3][]int
	for k := range rows {
		if len(b) < len(buf[k]) {
			rows[k] = buf[k][:len(b)+1]
		} else {
			rows[k] = make([]int, len(b)+1)
		}
	}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur, prev, prev2 := rows[2], rows[1], rows[0]
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > max {
			return rowMin, false
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	d := rows[1][len(b)]
	return d, d <= max
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
