package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/search/german"
)

const (
	// PageSize is the number of results on a page.
	PageSize = 10
	// windowSize is the number of best-scoring documents a search groups
	// into results. Result counts and facets cover this window.
	windowSize = 500
	// MaxPage is the last page a search returns.
	MaxPage = windowSize / PageSize
	// maxTermSearchers bounds the term searchers bleve may open for one
	// search, counting every term that a fuzzy query expands to.
	maxTermSearchers = 2000
)

// Request is a search for services.
type Request struct {
	// Query is the citizen's text.
	Query string
	// Site is the ID of the citizen's portal, optional. Services that
	// this site or a site above it offers rank first, and their results
	// link to that site's page.
	Site string
	// Commune restricts results to services that the site with this ID
	// offers. Optional.
	Commune string
	// Category restricts results to a category. Optional.
	Category string
	// Page is the page of results, counted from 1. Zero means 1.
	Page int
}

// Result is one page of grouped search results.
type Result struct {
	Query string `json:"query"`
	// Total is the number of results, each a group of hits of one
	// service, among the best 500 matching documents.
	Total int `json:"total"`
	// Page and Pages are the current page and the number of pages.
	Page   int    `json:"page"`
	Pages  int    `json:"pages"`
	Hits   []Hit  `json:"hits"`
	Facets Facets `json:"facets"`
}

// Hit is one service, or one page, with the portals that offer it.
type Hit struct {
	Title string `json:"title"`
	// URL is the page the citizen should open: the page of their own
	// portal or of the portal responsible for them, if one offers the
	// service.
	URL string `json:"url"`
	// Site and Commune are the ID and name of URL's portal.
	Site    string `json:"site"`
	Commune string `json:"commune"`
	// Category and CategoryTitle are the category's ID and title.
	Category      string `json:"category,omitempty"`
	CategoryTitle string `json:"categoryTitle,omitempty"`
	// Kind is "service", "office" or "page".
	Kind string `json:"kind"`
	// Snippet is an HTML fragment: escaped text with the matched words
	// in <mark> elements.
	Snippet string `json:"snippet"`
	// OfferedBy lists every portal with a page of this service.
	OfferedBy []Offer `json:"offeredBy"`
}

// Offer is a portal's page of a service.
type Offer struct {
	Site    string `json:"site"`
	Commune string `json:"commune"`
	URL     string `json:"url"`
}

// Facets count the results by portal and by category.
type Facets struct {
	Commune  []FacetValue `json:"commune"`
	Category []FacetValue `json:"category"`
}

// FacetValue is the number of results with one value.
type FacetValue struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// Search runs r. It returns a *QueryError for a request that cannot run,
// and an empty result for text without a searchable word.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := ix.checkRequest(&r); err != nil {
		return nil, err
	}
	result := &Result{Query: r.Query, Page: r.Page, Hits: []Hit{},
		Facets: Facets{Commune: []FacetValue{}, Category: []FacetValue{}}}
	plan, err := planQuery(r.Query, ix.analyzer, ix.synonyms)
	if errors.Is(err, errNoWords) {
		return result, nil
	}
	if err != nil {
		return nil, err
	}

	ix.markKnownWords(plan)
	// Nothing of sc outlives this call, because the result holds no
	// reference to it.
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	hits, typos, err := ix.find(ctx, plan, r, sc)
	if err != nil {
		return nil, err
	}
	gr := ix.groupHits(hits, r.Site, sc)
	result.Total = len(gr.order)
	result.Pages = (len(gr.order) + PageSize - 1) / PageSize
	result.Facets = ix.facets(gr)

	start := min((r.Page-1)*PageSize, len(gr.order))
	shown := gr.order[start:min(start+PageSize, len(gr.order))]
	if result.Hits, err = ix.hits(ctx, gr, shown, r.Site, newMatcher(plan, typos)); err != nil {
		return nil, err
	}
	return result, nil
}

// hits returns the result entries of the groups shown of gr for a
// citizen of site. The snippets take most of the time, so the entries are
// made in parallel, on up to one goroutine per CPU (forEach).
func (ix *Index) hits(ctx context.Context, gr *grouping, shown []int32, site string, m *matcher) ([]Hit, error) {
	var withTerms map[*docInfo]bool
	terms, exact := m.exactTerms()
	if exact {
		best := make([]*docInfo, len(shown))
		for i, grp := range shown {
			best[i] = gr.hits[gr.groups[grp].best].doc
		}
		var err error
		if withTerms, err = ix.textsWithTerms(ctx, best, terms); err != nil {
			return nil, err
		}
	}

	hits := make([]Hit, len(shown))
	err := forEach(ctx, len(shown), runtime.GOMAXPROCS(0), func(_ context.Context, i int) error {
		grp := shown[i]
		textMatches := !exact || withTerms[gr.hits[gr.groups[grp].best].doc]
		var err error
		hits[i], err = ix.hit(gr, grp, site, m, textMatches)
		return err
	})
	if err != nil {
		return nil, err
	}
	return hits, nil
}

func (ix *Index) checkRequest(r *Request) error {
	if err := checkQueryText(r.Query); err != nil {
		return err
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 || r.Page > MaxPage {
		return &QueryError{Reason: fmt.Sprintf("page %d out of range 1 to %d", r.Page, MaxPage),
			Param: "page"}
	}
	if r.Site != "" && ix.siteByID[r.Site] == nil {
		return &QueryError{Reason: fmt.Sprintf("unknown site %q", truncate(r.Site, 40)), Param: "site"}
	}
	if r.Commune != "" && ix.siteByID[r.Commune] == nil {
		return &QueryError{Reason: fmt.Sprintf("unknown site %q", truncate(r.Commune, 40)),
			Param: "commune"}
	}
	if _, ok := ix.categories[r.Category]; r.Category != "" && !ok {
		return &QueryError{Reason: fmt.Sprintf("unknown category %q", truncate(r.Category, 40)),
			Param: "category"}
	}
	return nil
}

// find runs the plan with typo tolerance, or without it if that expands
// to too many terms, and reports whether typos were tolerated. It first
// requires every word and, if no document has every word, then any word.
func (ix *Index) find(ctx context.Context, plan *queryPlan, r Request, sc *scratch) ([]windowHit, bool, error) {
	var filters []query.Query
	if r.Commune != "" {
		filters = append(filters, filterQuery(fieldSites, r.Commune))
	}
	if r.Category != "" {
		filters = append(filters, filterQuery(fieldCategory, r.Category))
	}
	modes := []bool{true}
	if len(plan.units) > 1 {
		modes = append(modes, false)
	}
	typos := true
	for _, all := range modes {
		hits, err := ix.window(ctx, plan, all, typos, filters, sc)
		if isTooBroad(err) && typos {
			typos = false
			hits, err = ix.window(ctx, plan, all, typos, filters, sc)
		}
		if isTooBroad(err) {
			return nil, false, &QueryError{Reason: reasonTooBroad, Param: "q"}
		}
		if err != nil {
			return nil, false, err
		}
		if len(hits) > 0 {
			return hits, typos, nil
		}
	}
	return nil, typos, nil
}

// markKnownWords turns typo tolerance off for the words of plan that the
// index contains: their stem in a searched field, or their spelling in
// the titles and keywords. A citizen who typed a word of the index most
// likely meant that word, and its neighbours in the vocabulary are other
// words.
func (ix *Index) markKnownWords(plan *queryPlan) {
	for _, u := range plan.units {
		for i, w := range u.words {
			if u.typos[i] && ix.knows(w) {
				u.typos[i] = false
			}
		}
	}
}

func (ix *Index) knows(w german.Word) bool {
	for _, p := range ix.partitions {
		if p.vocabulary.contains(fieldNames, w.Folded) {
			return true
		}
		for _, f := range searchedFields {
			if p.vocabulary.contains(f.name, w.Term) {
				return true
			}
		}
	}
	return false
}

func truncate(s string, n int) string {
	for i := range s {
		if i >= n {
			return s[:i] + "…"
		}
	}
	return s
}
