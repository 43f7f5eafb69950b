package search_test

import (
	"slices"
	"testing"

	"github.com/verbund/verbund/search"
)

// TestTyposExpandLikeBleve compares the typo expansion with the terms
// and edit distances that bleve's fuzzy query finds, for words of the
// test federation, the same words with typos and a few made-up words, in
// every field that typo tolerance searches.
func TestTyposExpandLikeBleve(t *testing.T) {
	ix := openTestIndex(t)
	words := typoWords(search.VocabularyTerms(ix, "text"), 80)
	words = append(words, "xyzzyxyz", "fuehrerschein", "personalauswies", "hundsteur", "gebuehren")
	found := 0
	for i := range search.Partitions(ix) {
		for _, field := range search.FuzzyFields {
			for _, w := range words {
				want, err := search.BleveFuzzyTerms(ix, i, field, w)
				if err != nil {
					t.Fatal(err)
				}
				if got := search.ExpandTypos(ix, i, field, w); !slices.Equal(got, want) {
					t.Errorf("partition %d, field %s, %q: expanded to %q, bleve finds %q", i, field, w, got, want)
				}
				found += len(want)
			}
		}
	}
	if found < 300 {
		t.Errorf("bleve found %d terms in all, want at least 300 for a meaningful comparison", found)
	}
}

// typoWords returns up to n of the terms of at least six letters, each
// as it is and with two letters swapped, one deleted, one replaced and
// one inserted in the middle.
func typoWords(terms []string, n int) []string {
	var words []string
	for _, term := range terms {
		if len(term) < 6 || !isLowerASCII(term) {
			continue
		}
		if n--; n < 0 {
			break
		}
		i := len(term) / 2
		b := []byte(term)
		b[i], b[i+1] = b[i+1], b[i]
		words = append(words, term, string(b),
			term[:i]+term[i+1:],
			term[:i]+"x"+term[i+1:],
			term[:i]+"q"+term[i:])
	}
	return words
}

func isLowerASCII(s string) bool {
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
