package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

const (
	// maxSuggestionBytes is the longest title or keyword offered as a
	// suggestion.
	maxSuggestionBytes = 120
	// MaxSuggestions is the most suggestions Suggest returns.
	MaxSuggestions = 10
	// minSuggestPrefix is the shortest last word, folded, that Suggest
	// completes; shorter prefixes match too many words to be useful.
	minSuggestPrefix = 2
	// suggestWindow is the number of matching suggestions ranked.
	suggestWindow = 100
)

// Suggest returns up to limit titles and keywords that complete text as
// the citizen types: each word of text must start a word of the
// suggestion (or of a part of a compound word in it). Suggestions that
// start with text come first, then those offered by more portals.
func (ix *Index) Suggest(ctx context.Context, text string, limit int) ([]string, error) {
	if err := checkQueryText(text); err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), MaxSuggestions)
	var prefixes []query.Query
	var folded []string
	words := ix.prefix.Words(text)
	// The last word is still being typed unless a space follows it, so a
	// stop word there, such as "aus", may begin "Ausweis".
	typing := strings.TrimRightFunc(text, unicode.IsSpace) == text
	for i, w := range words {
		last := typing && i == len(words)-1
		if w.Stop && !last || len(prefixes) >= MaxQueryWords {
			continue
		}
		term := w.Term
		if term == "" {
			term = w.Folded
		}
		q := query.NewPrefixQuery(term)
		q.SetField(fieldSuggest)
		prefixes = append(prefixes, q)
		folded = append(folded, w.Folded)
	}
	if len(folded) == 0 || len(folded[len(folded)-1]) < minSuggestPrefix {
		return []string{}, nil
	}

	req := bleve.NewSearchRequestOptions(allOf(prefixes), suggestWindow, 0, false)
	req.Fields = []string{fieldLabel, fieldWeight}
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, ix.termLimit)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if isTooBroad(err) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("suggesting: %w", err)
	}
	return ix.rankSuggestions(res.Hits, strings.Join(folded, " "), limit), nil
}

type suggestion struct {
	label  string
	weight float64
	starts bool
}

// rankSuggestions returns the labels of the best limit hits. typed is the
// folded words of the text, joined by spaces.
func (ix *Index) rankSuggestions(hits bsearch.DocumentMatchCollection, typed string, limit int) []string {
	candidates := make([]suggestion, 0, len(hits))
	// An index of several parts holds a label once per part, and their
	// weights add up.
	byLabel := map[string]int{}
	for _, h := range hits {
		label := fieldString(h, fieldLabel)
		if label == "" {
			continue
		}
		weight, _ := h.Fields[fieldWeight].(float64)
		if i, seen := byLabel[label]; seen {
			candidates[i].weight += weight
			continue
		}
		byLabel[label] = len(candidates)
		starts := strings.HasPrefix(ix.foldedWords(label), typed)
		candidates = append(candidates, suggestion{label: label, weight: weight, starts: starts})
	}
	slices.SortFunc(candidates, func(a, b suggestion) int {
		switch {
		case a.starts != b.starts:
			if a.starts {
				return -1
			}
			return 1
		case a.weight != b.weight:
			return cmp.Compare(b.weight, a.weight)
		case len(a.label) != len(b.label):
			return cmp.Compare(len(a.label), len(b.label))
		}
		return cmp.Compare(a.label, b.label)
	})
	labels := make([]string, 0, limit)
	for _, c := range candidates[:min(limit, len(candidates))] {
		labels = append(labels, c.label)
	}
	return labels
}

// foldedWords returns the folded words of text that are not stop words,
// joined by spaces.
func (ix *Index) foldedWords(text string) string {
	var words []string
	for _, w := range ix.prefix.Words(text) {
		if !w.Stop {
			words = append(words, w.Folded)
		}
	}
	return strings.Join(words, " ")
}
