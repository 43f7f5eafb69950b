package search

import (
	"cmp"
	"slices"
	"strings"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// grouping is the hits of a search's window joined into groups, one per
// service: a base text and the pages that extend it, or pages that share
// a LeiKa key, or a single page. A search makes hundreds of groups, so
// they live in a few shared arrays and refer to hits by position.
type grouping struct {
	hits []windowHit
	// groupOf is the group of each hit.
	groupOf []int32
	groups  []group
	// sites is a bit set of words uint64 values per group, with a bit for
	// each site of the federation that offers the service, at the site's
	// position in the federation's list.
	sites []uint64
	words int
	// otherSites are, for the few groups that have any, the sites that
	// offer the service but are missing from the federation's list, in
	// the order found.
	otherSites map[int32][]string
	// order is the groups in the order of the results.
	order []int32
}

// group is one service of a grouping.
type group struct {
	score float64
	// best is the position of the best-scoring hit.
	best int32
	// local is true when a site responsible for the citizen offers the
	// service.
	local bool
}

// hasSite reports whether the site at position site offers group g.
func (gr *grouping) hasSite(g int32, site int) bool {
	return gr.sites[int(g)*gr.words+site/64]&(1<<(site%64)) != 0
}

// members returns the hits of group g, best first.
func (gr *grouping) members(g int32) []*windowHit {
	var hits []*windowHit
	for i := int(gr.groups[g].best); i < len(gr.hits); i++ {
		if gr.groupOf[i] == g {
			hits = append(hits, &gr.hits[i])
		}
	}
	return hits
}

// groupHits joins hits, which come best first, into groups and orders
// them: groups that a site responsible for the citizen of site or a
// member portal of site offers first, then by score.
func (ix *Index) groupHits(hits []windowHit, site string, sc *scratch) *grouping {
	gr := &grouping{
		hits:    hits,
		groupOf: grow(sc.groupOf[:0], len(hits))[:len(hits)],
		groups:  sc.groups[:0],
		words:   (len(ix.sites) + 63) / 64,
	}
	clear(sc.indexOf)
	for i, h := range hits {
		groupID := -1
		if h.slot >= 0 {
			groupID = int(ix.slots.groups[h.slot])
		}
		g, ok := sc.indexOf[groupID]
		if !ok {
			g = int32(len(gr.groups))
			sc.indexOf[groupID] = g
			gr.groups = append(gr.groups, group{score: h.score, best: int32(i)})
		}
		gr.groupOf[i] = g
	}
	gr.sites = grow(sc.sites[:0], len(gr.groups)*gr.words)[:len(gr.groups)*gr.words]
	clear(gr.sites)
	for i, h := range hits {
		if h.slot < 0 {
			continue
		}
		g := gr.groupOf[i]
		bits := ix.slots.sites[int(h.slot)*gr.words : int(h.slot+1)*gr.words]
		for w, b := range bits {
			gr.sites[int(g)*gr.words+w] |= b
		}
		if !ix.slots.other[h.slot] {
			continue
		}
		for _, s := range h.doc.otherSites {
			if gr.otherSites == nil {
				gr.otherSites = map[int32][]string{}
			}
			if !slices.Contains(gr.otherSites[g], s) {
				gr.otherSites[g] = append(gr.otherSites[g], s)
			}
		}
	}

	var responsible []int
	for _, s := range ix.responsibleSites(site) {
		responsible = append(responsible, ix.siteOrder[s])
	}
	// The member portals of the citizen's portal, such as the communes of
	// the county's, count too. The county offers few of the services
	// its citizens look for, and a county page that mentions a word in
	// passing must not rank before the communes' service it names.
	for i := range ix.sites {
		if site != "" && ix.sites[i].Parent == site {
			responsible = append(responsible, i)
		}
	}
	gr.order = grow(sc.order[:0], len(gr.groups))[:len(gr.groups)]
	for g := range gr.groups {
		gr.groups[g].local = slices.ContainsFunc(responsible, func(s int) bool {
			return gr.hasSite(int32(g), s)
		})
		gr.order[g] = int32(g)
	}
	sc.groupOf, sc.groups, sc.sites, sc.order = gr.groupOf, gr.groups, gr.sites, gr.order
	slices.SortStableFunc(gr.order, func(a, b int32) int {
		ga, gb := &gr.groups[a], &gr.groups[b]
		if ga.local != gb.local {
			if ga.local {
				return -1
			}
			return 1
		}
		return cmp.Compare(gb.score, ga.score)
	})
	return gr
}

// hit returns the result entry of group g for a citizen of site.
// textMatches is false when the text of the group's best page is known
// to have no match (snippetOf).
func (ix *Index) hit(gr *grouping, g int32, site string, m *matcher, textMatches bool) (Hit, error) {
	members := gr.members(g)
	size := 0
	for _, h := range members {
		size += max(len(h.doc.offers), 1)
	}
	offers := make([]Offer, 0, size)
	names := make(map[string]string, len(members))
	baseName := ""
	for _, h := range members {
		d := h.doc
		if strings.HasPrefix(d.id, baseIDPrefix) {
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
	if len(offers) == 0 {
		// A service without a page URL keeps "offeredBy": null.
		offers = nil
	}
	slices.SortStableFunc(offers, func(a, b Offer) int {
		return cmp.Compare(ix.siteRank(a.Site), ix.siteRank(b.Site))
	})

	best := gr.hits[gr.groups[g].best].doc
	snippet, err := ix.snippetOf(m, best, textMatches)
	if err != nil {
		return Hit{}, err
	}
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
		Category:      best.category,
		CategoryTitle: ix.categories[best.category],
		Kind:          best.kind,
		Snippet:       snippet,
		OfferedBy:     offers,
	}, nil
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

// facets counts the groups of gr by the sites that offer them and by
// category.
func (ix *Index) facets(gr *grouping) Facets {
	sites := make([]int, len(ix.sites))
	otherSites := map[string]int{}
	categories := make([]int, len(ix.slots.categories))
	for g, grp := range gr.groups {
		for i := range sites {
			if gr.hasSite(int32(g), i) {
				sites[i]++
			}
		}
		for _, s := range gr.otherSites[int32(g)] {
			otherSites[s]++
		}
		if slot := gr.hits[grp.best].slot; slot >= 0 {
			if c := ix.slots.category[slot]; c >= 0 {
				categories[c]++
			}
		}
	}
	f := Facets{Commune: []FacetValue{}, Category: []FacetValue{}}
	for i, n := range sites {
		if n > 0 {
			f.Commune = append(f.Commune, FacetValue{ID: ix.sites[i].ID, Title: ix.siteName(ix.sites[i].ID), Count: n})
		}
	}
	for id, n := range otherSites {
		f.Commune = append(f.Commune, FacetValue{ID: id, Title: ix.siteName(id), Count: n})
	}
	for c, n := range categories {
		if n > 0 {
			id := ix.slots.categories[c]
			title := cmp.Or(ix.categories[id], id)
			f.Category = append(f.Category, FacetValue{ID: id, Title: title, Count: n})
		}
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
