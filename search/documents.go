package search

import (
	"slices"
	"strings"

	"github.com/verbund/verbund/search/german"
)

// document is one entry of the index: its ID and its fields by name.
type document struct {
	id     string
	fields map[string]any
}

// textBytes returns the length of the document's text fields, a measure
// of the work of indexing it.
func (d document) textBytes() int {
	n := 0
	for _, v := range d.fields {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []string:
			for _, s := range v {
				n += len(s)
			}
		}
	}
	return n
}

// Kinds of page: a base text is a service, and a page without a kind is
// a free page.
const (
	kindService = "service"
	kindPage    = "page"
)

// typeField is the field that names a document's type mapping, bleve's
// default TypeField.
const typeField = "_type"

// Prefixes of document IDs. Pages use their URL as ID.
const (
	baseIDPrefix       = "base:"
	suggestionIDPrefix = "suggest:"
)

// Suggestion weights: a title counts more than a keyword, and a service
// offered by many portals more than one offered by few.
const (
	titleWeight   = 2
	keywordWeight = 1
)

// offerSeparator separates site and URL in the stored offers field.
const offerSeparator = " "

// documents returns the index documents of c: its pages' documents and
// the shared documents. Each page is one document with only what it does
// not share with its base text.
func documents(c *Corpus) []document {
	bases := map[string]*Base{}
	for i := range c.Bases {
		bases[c.Bases[i].ID] = &c.Bases[i]
	}
	docs := make([]document, 0, len(c.Bases)+len(c.Pages))
	for _, p := range c.Pages {
		docs = append(docs, pageDocument(p, bases[p.Base]))
	}
	return append(docs, sharedDocuments(c)...)
}

// sharedDocuments returns the documents of c that depend on more than
// one page. Each base text is one document, with the sites that offer it.
// Each distinct title or keyword is one suggestion. Base texts that no
// page offers are left out, because no portal publishes them. The texts
// of c's pages are not used.
func sharedDocuments(c *Corpus) []document {
	offers := map[string][]Page{}
	for _, p := range c.Pages {
		if p.Base != "" {
			offers[p.Base] = append(offers[p.Base], p)
		}
	}
	// A part holds the document of a base text that one of its pages
	// extends, listing the offers of the other parts too.
	all := offers
	if len(c.Offers) > 0 {
		all = map[string][]Page{}
		for _, p := range append(slices.Clone(c.Pages), c.Offers...) {
			if p.Base != "" {
				all[p.Base] = append(all[p.Base], p)
			}
		}
	}

	var docs []document
	for i := range c.Bases {
		b := &c.Bases[i]
		if len(offers[b.ID]) > 0 {
			d := baseDocument(b, all[b.ID])
			d.id = baseDocID(c, b.ID)
			docs = append(docs, d)
		}
	}
	return append(docs, suggestions(c).documents()...)
}

// baseDocID returns the ID of the document of base text id. In a part of
// the federation's corpus it names the part too, because other parts
// hold a document of the same base text with other pages.
func baseDocID(c *Corpus, id string) string {
	if len(c.Only) == 0 {
		return baseIDPrefix + id
	}
	return baseIDPrefix + id + "@" + strings.Join(c.Only, "+")
}

// suggestions returns the suggestions of c: the title and keywords of
// every base text that pages offer, weighted by their number, and the
// titles and keywords of pages that differ from their base text's.
func suggestions(c *Corpus) *suggestionSet {
	bases := map[string]*Base{}
	for i := range c.Bases {
		bases[c.Bases[i].ID] = &c.Bases[i]
	}
	offered := map[string]int{}
	for _, p := range c.Pages {
		if p.Base != "" {
			offered[p.Base]++
		}
	}
	set := newSuggestionSet()
	for i := range c.Bases {
		b := &c.Bases[i]
		n := offered[b.ID]
		if n == 0 {
			continue
		}
		set.add(b.Title, titleWeight*n)
		for _, k := range b.Keywords {
			set.add(k, keywordWeight*n)
		}
	}
	for _, p := range c.Pages {
		b := bases[p.Base]
		if b == nil || p.Title != b.Title {
			set.add(p.Title, titleWeight)
		}
		for _, k := range p.Keywords {
			if b == nil || !slices.Contains(b.Keywords, k) {
				set.add(k, keywordWeight)
			}
		}
	}
	return set
}

func baseDocument(b *Base, pages []Page) document {
	fields := map[string]any{
		typeField:     typeService,
		fieldName:     b.Title,
		fieldTitle:    b.Title,
		fieldKeywords: b.Keywords,
		fieldNames:    names(b.Title, b.Keywords),
		fieldSummary:  b.Summary,
		fieldAbstract: b.Summary,
		fieldText:     b.Text,
		fieldCategory: b.Category,
		fieldGroup:    groupKey(b.LeiKa, b.ID, ""),
		fieldKind:     kindService,
	}
	var sites, offers []string
	for _, p := range pages {
		if !slices.Contains(sites, p.Site) {
			sites = append(sites, p.Site)
		}
		offers = append(offers, p.Site+offerSeparator+p.URL)
	}
	fields[fieldSites] = sites
	fields[fieldSiteList] = strings.Join(sites, " ")
	fields[fieldOffers] = offers
	return document{id: baseIDPrefix + b.ID, fields: cleanFields(fields)}
}

// pageDocument returns the document of page p. For a page that extends
// the base text b, it indexes only the page's own parts and the title,
// summary and keywords that differ from the base text's, because the base
// text's document finds the rest.
func pageDocument(p Page, b *Base) document {
	kind := p.Kind
	if kind == "" {
		kind = kindPage
	}

	fields := map[string]any{
		typeField:     typeService,
		fieldName:     p.Title,
		fieldAbstract: p.Summary,
		fieldText:     p.Text,
		fieldSite:     p.Site,
		fieldSites:    []string{p.Site},
		fieldSiteList: p.Site,
		fieldURL:      p.URL,
		fieldCategory: p.Category,
		fieldKind:     kind,
	}
	if b == nil {
		fields[fieldTitle] = p.Title
		fields[fieldSummary] = p.Summary
		fields[fieldKeywords] = p.Keywords
		fields[fieldNames] = names(p.Title, p.Keywords)
		fields[fieldGroup] = groupKey(p.LeiKa, "", p.URL)
		return document{id: p.URL, fields: cleanFields(fields)}
	}

	if p.Title != b.Title {
		fields[fieldTitle] = p.Title
	}
	if p.Summary != b.Summary {
		fields[fieldSummary] = p.Summary
	}
	var own []string
	for _, k := range p.Keywords {
		if !slices.Contains(b.Keywords, k) {
			own = append(own, k)
		}
	}
	fields[fieldKeywords] = own
	if p.Title != b.Title {
		fields[fieldNames] = names(p.Title, own)
	} else {
		fields[fieldNames] = own
	}

	if p.Category == "" {
		fields[fieldCategory] = b.Category
	}
	if p.Title == "" {
		fields[fieldName] = b.Title
	}
	if p.Summary == "" {
		fields[fieldAbstract] = b.Summary
		delete(fields, fieldSummary)
	}
	fields[fieldGroup] = groupKey(b.LeiKa, b.ID, p.URL)
	return document{id: p.URL, fields: cleanFields(fields)}
}

// names returns the title and keywords of a document, for the field
// that tolerates typos in them.
func names(title string, keywords []string) []string {
	if title == "" {
		return keywords
	}
	return append([]string{title}, keywords...)
}

// groupKey returns the key that joins the hits of one service: its
// lowest LeiKa key, else its base text, else its URL.
func groupKey(leika []string, base, url string) string {
	if len(leika) > 0 {
		return "leika:" + slices.Min(leika)
	}
	if base != "" {
		return "base:" + base
	}
	return "url:" + url
}

// cleanFields removes empty strings and lists from fields, so that the
// index holds no empty stored values, and replaces invalid UTF-8 with
// U+FFFD, so that snippets and pages are always valid UTF-8.
func cleanFields(fields map[string]any) map[string]any {
	for name, value := range fields {
		switch v := value.(type) {
		case string:
			if v == "" {
				delete(fields, name)
			} else {
				fields[name] = strings.ToValidUTF8(v, "\uFFFD")
			}
		case []string:
			if len(v) == 0 {
				delete(fields, name)
				continue
			}
			valid := make([]string, len(v))
			for i, s := range v {
				valid[i] = strings.ToValidUTF8(s, "\uFFFD")
			}
			fields[name] = valid
		}
	}
	return fields
}

// suggestionSet collects suggestion labels by their folded spelling, so
// that "Reisepass" from twenty portals becomes one suggestion.
type suggestionSet struct {
	order  []string
	labels map[string]string
	weight map[string]int
}

func newSuggestionSet() *suggestionSet {
	return &suggestionSet{labels: map[string]string{}, weight: map[string]int{}}
}

func (s *suggestionSet) add(label string, weight int) {
	label = strings.Join(strings.Fields(label), " ")
	if label == "" || len(label) > maxSuggestionBytes {
		return
	}
	key := german.Fold(label)
	if _, ok := s.labels[key]; !ok {
		s.order = append(s.order, key)
		s.labels[key] = label
	}
	s.weight[key] += weight
}

func (s *suggestionSet) documents() []document {
	docs := make([]document, 0, len(s.order))
	for _, key := range s.order {
		docs = append(docs, document{
			id: suggestionIDPrefix + key,
			fields: cleanFields(map[string]any{
				typeField:    typeSuggestion,
				fieldSuggest: s.labels[key],
				fieldLabel:   s.labels[key],
				fieldWeight:  float64(s.weight[key]),
			}),
		})
	}
	return docs
}
