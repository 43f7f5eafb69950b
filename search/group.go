package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// windowSort orders a search's hits by score and returns, as sort values
// read from doc values, what grouping needs without loading stored
// documents. The document ID makes the order total.
var windowSort = []string{"-_score", fieldGroup, fieldSiteList, fieldCategory, "_id"}

// Positions of the values in a hit's Sort, following windowSort.
const (
	sortGroup    = 1
	sortSiteList = 2
	sortCategory = 3
)

// group is the hits of one service: a base text and the pages that
// extend it, or pages that share a LeiKa key, or a single page.
type group struct {
	score float64
	// best is the best-scoring hit, hits all hits, best first.
	best *bsearch.DocumentMatch
	hits []*bsearch.DocumentMatch
	// sites are the sites that offer the service, in federation order.
	sites    []string
	category string
	// local is true when a site responsible for the citizen offers the
	// service.
	local bool
}

// groupHits joins hits, which come best first, into groups and sorts
// them: groups that a site responsible for the citizen of site offers
// first, then by score.
func (ix *Index) groupHits(hits bsearch.DocumentMatchCollection, site string) []*group {
	var groups []*group
	byKey := map[string]*group{}
	for _, h := range hits {
		key := sortValue(h, sortGroup)
		g := byKey[key]
		if g == nil {
			g = &group{score: h.Score, best: h, category: sortValue(h, sortCategory)}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.hits = append(g.hits, h)
		for _, s := range strings.Fields(sortValue(h, sortSiteList)) {
			if !slices.Contains(g.sites, s) {
				g.sites = append(g.sites, s)
			}
		}
	}
	responsible := ix.responsibleSites(site)
	for _, g := range groups {
		slices.SortStableFunc(g.sites, func(a, b string) int {
			return cmp.Compare(ix.siteRank(a), ix.siteRank(b))
		})
		g.local = slices.ContainsFunc(g.sites, func(s string) bool {
			return slices.Contains(responsible, s)
		})
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		if a.local != b.local {
			if a.local {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.score, a.score)
	})
	return groups
}

func sortValue(h *bsearch.DocumentMatch, i int) string {
	if i < len(h.Sort) {
		return h.Sort[i]
	}
	return ""
}

// storedDoc is the stored fields of a document that a result shows.
type storedDoc struct {
	name, url, site, kind string
	abstract, text        string
	offers                []string
}

// loadStored returns the stored fields of every hit of groups, by
// document ID.
func (ix *Index) loadStored(ctx context.Context, groups []*group) (map[string]storedDoc, error) {
	var ids []string
	for _, g := range groups {
		for _, h := range g.hits {
			ids = append(ids, h.ID)
		}
	}
	docs := make(map[string]storedDoc, len(ids))
	if len(ids) == 0 {
		return docs, nil
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fieldName, fieldURL, fieldSite, fieldKind, fieldAbstract, fieldText, fieldOffers}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("loading results: %w", err)
	}
	for _, h := range res.Hits {
		docs[h.ID] = storedDoc{
			name: fieldString(h, fieldName), url: fieldString(h, fieldURL),
			site: fieldString(h, fieldSite), kind: fieldString(h, fieldKind),
			abstract: fieldString(h, fieldAbstract), text: fieldString(h, fieldText),
			offers: fieldStrings(h, fieldOffers),
		}
	}
	return docs, nil
}

// hit returns the result entry of g for a citizen of site.
func (ix *Index) hit(g *group, site string, docs map[string]storedDoc, m *matcher) Hit {
	var offers []Offer
	names := map[string]string{}
	baseName := ""
	for _, h := range g.hits {
		d := docs[h.ID]
		if strings.HasPrefix(h.ID, baseIDPrefix) {
			baseName = d.name
			for _, offer := range d.offers {
				s, url, _ := strings.Cut(offer, offerSeparator)
				offers = ix.addOffer(offers, s, url)
			}
			continue
		}
		offers = ix.addOffer(offers, d.site, d.url)
		if _, ok := names[d.site]; !ok {
			names[d.site] = d.name
		}
	}
	slices.SortStableFunc(offers, func(a, b Offer) int {
		return cmp.Compare(ix.siteRank(a.Site), ix.siteRank(b.Site))
	})

	best := docs[g.best.ID]
	p := ix.primary(offers, site, best.url)
	title := names[p.Site]
	if title == "" {
		title = cmp.Or(baseName, best.name)
	}
	return Hit{
		Title:         title,
		URL:           p.URL,
		Site:          p.Site,
		Commune:       p.Commune,
		Category:      g.category,
		CategoryTitle: ix.categories[g.category],
		Kind:          best.kind,
		Snippet:       ix.snippetOf(m, best.abstract, best.text),
		OfferedBy:     offers,
	}
}

func (ix *Index) addOffer(offers []Offer, site, url string) []Offer {
	if url == "" || slices.ContainsFunc(offers, func(o Offer) bool { return o.URL == url }) {
		return offers
	}
	return append(offers, Offer{Site: site, Commune: ix.siteName(site), URL: url})
}

// primary returns the offer a citizen of site should open: the one of
// the nearest responsible site, else the best-scoring page's, else the
// first.
func (ix *Index) primary(offers []Offer, site, bestURL string) Offer {
	for _, s := range ix.responsibleSites(site) {
		for _, o := range offers {
			if o.Site == s {
				return o
			}
		}
	}
	for _, o := range offers {
		if o.URL == bestURL {
			return o
		}
	}
	if len(offers) > 0 {
		return offers[0]
	}
	return Offer{}
}

// facets counts groups by the sites that offer them and by category.
func (ix *Index) facets(groups []*group) Facets {
	communes := map[string]int{}
	categories := map[string]int{}
	for _, g := range groups {
		for _, s := range g.sites {
			communes[s]++
		}
		if g.category != "" {
			categories[g.category]++
		}
	}
	f := Facets{Commune: []FacetValue{}, Category: []FacetValue{}}
	for id, n := range communes {
		f.Commune = append(f.Commune, FacetValue{ID: id, Title: ix.siteName(id), Count: n})
	}
	for id, n := range categories {
		title := cmp.Or(ix.categories[id], id)
		f.Category = append(f.Category, FacetValue{ID: id, Title: title, Count: n})
	}
	byCount := func(a, b FacetValue) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.Title, b.Title)
	}
	slices.SortFunc(f.Commune, byCount)
	slices.SortFunc(f.Category, byCount)
	return f
}

// fieldString returns a stored field's value, or its first value for a
// field with several.
func fieldString(h *bsearch.DocumentMatch, name string) string {
	switch v := h.Fields[name].(type) {
	case string:
		return v
	case []interface{}:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

// fieldStrings returns all values of a stored field. Bleve returns a
// field with one value as a string and one with several as a list.
func fieldStrings(h *bsearch.DocumentMatch, name string) []string {
	switch v := h.Fields[name].(type) {
	case string:
		return []string{v}
	case []interface{}:
		values := make([]string, 0, len(v))
		for _, item := range v {
			if s, ok := item.(string); ok {
				values = append(values, s)
			}
		}
		return values
	}
	return nil
}
