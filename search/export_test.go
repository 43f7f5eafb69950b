package search

import (
	"fmt"

	index "github.com/blevesearch/bleve_index_api"
)

// Access to internals for the tests of package search_test, which can
// build the test federation with package searchtest.

// FuzzyFields are the fields that typo tolerance expands words in.
var FuzzyFields = fuzzyFields

// VocabularyTerms returns the terms of field in the first partition.
func VocabularyTerms(ix *Index, field string) []string {
	return ix.partitions[0].vocabulary[field].sorted
}

// ExpandTypos returns the terms of field in partition i that typo
// tolerance finds for word, each as "term/edits".
func ExpandTypos(ix *Index, i int, field, word string) []string {
	var found []string
	for _, t := range ix.partitions[i].vocabulary.expand(field, word, fuzziness(word)) {
		found = append(found, fmt.Sprintf("%s/%d", t.term, t.distance))
	}
	return found
}

// BleveFuzzyTerms returns the terms of field in partition i that bleve's
// fuzzy query for word finds, each as "term/edits", in dictionary order.
func BleveFuzzyTerms(ix *Index, i int, field, word string) ([]string, error) {
	r, ok := ix.partitions[i].reader.(index.IndexReaderFuzzy)
	if !ok {
		return nil, fmt.Errorf("the index reader has no fuzzy term dictionary")
	}
	dict, err := r.FieldDictFuzzy(field, word, fuzziness(word), word[:fuzzyPrefix])
	if err != nil {
		return nil, fmt.Errorf("fuzzy dictionary of %s for %q: %w", field, word, err)
	}
	defer dict.Close()
	var found []string
	for {
		entry, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("reading fuzzy dictionary of %s: %w", field, err)
		}
		if entry == nil {
			return found, nil
		}
		found = append(found, fmt.Sprintf("%s/%d", entry.Term, entry.EditDistance))
	}
}

// Partitions returns the number of partitions of ix.
func Partitions(ix *Index) int { return len(ix.partitions) }

// NewWriterWithRanges returns a Writer with n partitions and ranges of
// the given number of positions, so that small corpora span several
// segments.
func NewWriterWithRanges(dir string, bases []Base, n, positions int) (*Writer, error) {
	w, err := newWriter(dir, bases, 0, n)
	if err != nil {
		return nil, err
	}
	w.setRangeSize(positions, n)
	return w, nil
}
