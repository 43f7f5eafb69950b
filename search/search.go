package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
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

	hits, err := ix.find(ctx, plan, r)
	if err != nil {
		return nil, err
	}
	groups := ix.groupHits(hits, r.Site)
	result.Total = len(groups)
	result.Pages = (len(groups) + PageSize - 1) / PageSize
	result.Facets = ix.facets(groups)

	start := min((r.Page-1)*PageSize, len(groups))
	shown := groups[start:min(start+PageSize, len(groups))]
	docs, err := ix.loadStored(ctx, shown)
	if err != nil {
		return nil, err
	}
	m := newMatcher(plan)
	for _, g := range shown {
		result.Hits = append(result.Hits, ix.hit(g, r.Site, docs, m))
	}
	return result, nil
}

func (ix *Index) checkRequest(r *Request) error {
	if err := checkQueryText(r.Query); err != nil {
		return err
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 || r.Page > MaxPage {
		return &QueryError{Reason: fmt.Sprintf("page %d out of range 1 to %d", r.Page, MaxPage)}
	}
	for _, id := range []string{r.Site, r.Commune} {
		if id != "" && ix.siteByID[id] == nil {
			return &QueryError{Reason: fmt.Sprintf("unknown site %q", truncate(id, 40))}
		}
	}
	if _, ok := ix.categories[r.Category]; r.Category != "" && !ok {
		return &QueryError{Reason: fmt.Sprintf("unknown category %q", truncate(r.Category, 40))}
	}
	return nil
}

// find runs the plan with typo tolerance, or without it if that expands
// to too many terms. It first requires every word and, if no document
// has every word, then any word.
func (ix *Index) find(ctx context.Context, plan *queryPlan, r Request) (bsearch.DocumentMatchCollection, error) {
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
	for _, all := range modes {
		q := allOf(append([]query.Query{plan.query(all, true)}, filters...))
		hits, err := ix.window(ctx, q)
		if isTooBroad(err) {
			q = allOf(append([]query.Query{plan.query(all, false)}, filters...))
			hits, err = ix.window(ctx, q)
		}
		if isTooBroad(err) {
			return nil, &QueryError{Reason: "too broad"}
		}
		if err != nil {
			return nil, err
		}
		if len(hits) > 0 {
			return hits, nil
		}
	}
	return nil, nil
}

// window returns the best windowSize documents that q matches, with the
// sort values that grouping needs (windowSort).
func (ix *Index) window(ctx context.Context, q query.Query) (bsearch.DocumentMatchCollection, error) {
	req := bleve.NewSearchRequestOptions(q, windowSize, 0, false)
	req.SortBy(windowSort)
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, ix.termLimit)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	return res.Hits, nil
}

func truncate(s string, n int) string {
	for i := range s {
		if i >= n {
			return s[:i] + "…"
		}
	}
	return s
}
