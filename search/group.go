package search

import (
	"cmp"
	"slices"
	"strings"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// group is the hits of one service: a base text and the pages that
// extend it, or pages that share a LeiKa key, or a single page.
type group struct {
	key      string
	score    float64
	best     *bsearch.DocumentMatch
	name     string
	category string
	kind     string
	// offers are the pages of the service by site, in corpus order of
	// first appearance.
	offers []Offer
	// local is true when a site responsible for the citizen offers the
	// service.
	local bool
	// pageNames are the titles of the pages among the hits, by site.
	pageNames map[string]string
}

// groupHits joins hits, which come best first, into groups and sorts
// them: groups that a site responsible for the citizen of site offers
// first, then by score.
func (ix *Index) groupHits(hits bsearch.DocumentMatchCollection, site string) []*group {
	var groups []*group
	byKey := map[string]*group{}
	for _, h := range hits {
		key := fieldString(h, fieldGroup)
		g := byKey[key]
		if g == nil {
			g = &group{key: key, score: h.Score, best: h, pageNames: map[string]string{}}
			byKey[key] = g
			groups = append(groups, g)
		}
		ix.addHit(g, h)
	}
	responsible := ix.responsibleSites(site)
	for _, g := range groups {
		ix.sortOffers(g.offers)
		g.local = slices.ContainsFunc(g.offers, func(o Offer) bool {
			return slices.Contains(responsible, o.Site)
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

func (ix *Index) addHit(g *group, h *bsearch.DocumentMatch) {
	name := fieldString(h, fieldName)
	if g.category == "" {
		g.category = fieldString(h, fieldCategory)
	}
	if g.kind == "" {
		g.kind = fieldString(h, fieldKind)
	}
	if strings.HasPrefix(h.ID, baseIDPrefix) {
		g.name = name
		for _, offer := range fieldStrings(h, fieldOffers) {
			site, url, _ := strings.Cut(offer, offerSeparator)
			g.addOffer(site, url, ix.siteName(site))
		}
		return
	}
	site := fieldString(h, fieldSite)
	g.pageNames[site] = name
	if g.name == "" {
		g.name = name
	}
	g.addOffer(site, fieldString(h, fieldURL), ix.siteName(site))
}

func (g *group) addOffer(site, url, commune string) {
	for _, o := range g.offers {
		if o.URL == url {
			return
		}
	}
	g.offers = append(g.offers, Offer{Site: site, Commune: commune, URL: url})
}

// sortOffers orders offers like the sites of the federation.
func (ix *Index) sortOffers(offers []Offer) {
	rank := func(site string) int {
		return slices.IndexFunc(ix.sites, func(s Site) bool { return s.ID == site })
	}
	slices.SortStableFunc(offers, func(a, b Offer) int {
		return cmp.Compare(rank(a.Site), rank(b.Site))
	})
}

// primary returns the offer a citizen of site should open: the one of
// the nearest responsible site, else that of the best-scoring page hit,
// else the first.
func (ix *Index) primary(g *group, site string) Offer {
	for _, s := range ix.responsibleSites(site) {
		for _, o := range g.offers {
			if o.Site == s {
				return o
			}
		}
	}
	if url := fieldString(g.best, fieldURL); url != "" {
		for _, o := range g.offers {
			if o.URL == url {
				return o
			}
		}
	}
	if len(g.offers) > 0 {
		return g.offers[0]
	}
	return Offer{}
}

// hit returns the result entry of g for a citizen of site.
func (ix *Index) hit(g *group, site, snippet string) Hit {
	p := ix.primary(g, site)
	title := g.name
	if name, ok := g.pageNames[p.Site]; ok && name != "" {
		title = name
	}
	return Hit{
		Title:         title,
		URL:           p.URL,
		Site:          p.Site,
		Commune:       p.Commune,
		Category:      g.category,
		CategoryTitle: ix.categories[g.category],
		Kind:          g.kind,
		Snippet:       snippet,
		OfferedBy:     g.offers,
	}
}

// facets counts groups by the sites that offer them and by category.
func (ix *Index) facets(groups []*group) Facets {
	communes := map[string]int{}
	categories := map[string]int{}
	for _, g := range groups {
		seen := map[string]bool{}
		for _, o := range g.offers {
			if !seen[o.Site] {
				seen[o.Site] = true
				communes[o.Site]++
			}
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
		title := ix.categories[id]
		if title == "" {
			title = id
		}
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
