package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/verbund/verbund/search"
)

// The mix of citizen queries, taken in turn from the titles and keywords
// that the most pages use.
const (
	keywordQueries  = 12 // a keyword: "jagdschein"
	titleQueries    = 8  // a whole title: "abfallsteuer verlängern"
	compoundQueries = 4  // the first word of a title: "abfallsteuer"
	umlautQueries   = 3  // umlauts typed as ae, oe, ue: "fuehrerschein"
	typoQueries     = 3  // two letters swapped: "jagdshcein"
	// labelWindow is the number of the most used titles and keywords that
	// the queries are taken from.
	labelWindow = 300
	// minTypoLetters is the length of the shortest word given a typo. The
	// endpoint tolerates typos from six letters on.
	minTypoLetters = 7
)

// readLabels returns the titles and keywords of the index's suggestion
// documents, those used by the most pages first. Their weight is stored
// without doc values, so the sorting happens here.
func readLabels(ctx context.Context, b *bareIndex) ([]string, error) {
	q := bleve.NewPrefixQuery(suggestionIDPrefix)
	q.SetField("_id")
	req := bleve.NewSearchRequestOptions(q, maxSuggestionDocs, 0, false)
	req.Fields = []string{fieldLabel, fieldWeight}
	res, err := b.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("reading titles and keywords from the index: %w", err)
	}

	type weighted struct {
		label  string
		weight float64
	}
	var found []weighted
	for _, hit := range res.Hits {
		label, _ := hit.Fields[fieldLabel].(string)
		weight, _ := hit.Fields[fieldWeight].(float64)
		if label != "" {
			found = append(found, weighted{label, weight})
		}
	}
	if len(found) == 0 {
		return nil, errors.New("reading titles and keywords from the index: no suggestion documents found")
	}
	slices.SortFunc(found, func(a, b weighted) int {
		return cmp.Or(cmp.Compare(b.weight, a.weight), strings.Compare(a.label, b.label))
	})
	labels := make([]string, 0, min(len(found), labelWindow))
	for _, f := range found[:min(len(found), labelWindow)] {
		labels = append(labels, f.label)
	}
	return labels, nil
}

// citizenTexts returns about 30 query texts made from labels as citizens
// type them: lowercase keywords, titles and compound nouns, some with
// umlauts spelled out and some with a typo. Each text occurs once.
func citizenTexts(labels []string) []string {
	var keywords, titles []string
	for _, l := range labels {
		l = strings.ToLower(l)
		if strings.Contains(l, " ") {
			titles = append(titles, l)
		} else {
			keywords = append(keywords, l)
		}
	}

	var texts []string
	add := func(limit int, candidates []string, transform func(string) (string, bool)) {
		added := 0
		for _, c := range candidates {
			if added == limit {
				return
			}
			t, ok := transform(c)
			if ok && t != "" && !slices.Contains(texts, t) {
				texts = append(texts, t)
				added++
			}
		}
	}
	same := func(s string) (string, bool) { return s, true }
	firstWord := func(s string) (string, bool) { return strings.Fields(s)[0], true }
	add(keywordQueries, keywords, same)
	add(titleQueries, titles, same)
	add(compoundQueries, titles[min(titleQueries, len(titles)):], firstWord)
	add(umlautQueries, slices.Concat(keywords, titles), spellOutUmlauts)
	add(typoQueries, keywords, swapLetters)
	return texts
}

// spellOutUmlauts writes ä, ö, ü and ß as ae, oe, ue and ss, as on a
// keyboard without them. It reports false for text without them.
func spellOutUmlauts(s string) (string, bool) {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(s)
	return r, r != s
}

// swapLetters swaps the two letters in the middle of a word of at least
// minTypoLetters letters, keeping the first two letters right. It
// reports false for shorter words and where the swap changes nothing.
func swapLetters(s string) (string, bool) {
	letters := []rune(s)
	if utf8.RuneCountInString(s) < minTypoLetters || strings.Contains(s, " ") {
		return s, false
	}
	i := len(letters) / 2
	if letters[i] == letters[i+1] {
		return s, false
	}
	letters[i], letters[i+1] = letters[i+1], letters[i]
	return string(letters), true
}

// citizenRequests gives each text the portal of a random citizen and
// every fifth a random category, drawn from seed.
func citizenRequests(texts []string, f federation, seed uint64) []search.Request {
	rng := rand.New(rand.NewPCG(seed, 0))
	requests := make([]search.Request, 0, len(texts))
	for i, t := range texts {
		r := search.Request{Query: t, Site: f.Sites[rng.IntN(len(f.Sites))].ID}
		if i%5 == 4 && len(f.Categories) > 0 {
			r.Category = f.Categories[rng.IntN(len(f.Categories))].ID
		}
		requests = append(requests, r)
	}
	return requests
}
