package searchtest

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/search"
)

// StockIndex is the baseline that relevance figures are compared with:
// every page indexed on its own, with its base text's text, by bleve's
// stock German analyzer. It searches the fields with one match query each
// at the boosts the verbund index uses, and boosts the citizen's portal.
type StockIndex struct {
	index bleve.Index
}

// NewStockIndex indexes c in memory. Close it when done.
func NewStockIndex(c *search.Corpus) (*StockIndex, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = de.AnalyzerName
	exact := bleve.NewTextFieldMapping()
	exact.Analyzer = keyword.Name
	m.DefaultMapping.AddFieldMappingsAt("site", exact)
	m.DefaultMapping.AddFieldMappingsAt("url", exact)
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("creating stock index: %w", err)
	}

	bases := map[string]search.Base{}
	for _, b := range c.Bases {
		bases[b.ID] = b
	}
	batch := idx.NewBatch()
	for _, p := range c.Pages {
		text := p.Text
		if b, ok := bases[p.Base]; ok {
			text = b.Text + "\n\n" + p.Text
		}
		err := batch.Index(p.URL, map[string]any{
			"title": p.Title, "keywords": strings.Join(p.Keywords, ", "),
			"summary": p.Summary, "text": text, "url": p.URL, "site": p.Site,
			"category": p.Category,
		})
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("indexing %s: %w", p.URL, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("indexing: %w", err)
	}
	return &StockIndex{index: idx}, nil
}

// Close releases the index.
func (s *StockIndex) Close() error { return s.index.Close() }

// Search returns the top TopK pages for r.
func (s *StockIndex) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	var fields []query.Query
	for name, boost := range map[string]float64{"title": 5, "keywords": 3, "summary": 1.5, "text": 1} {
		q := query.NewMatchQuery(r.Query)
		q.SetField(name)
		q.SetBoost(boost)
		fields = append(fields, q)
	}
	var q query.Query = query.NewDisjunctionQuery(fields)
	if r.Site != "" {
		site := query.NewTermQuery(r.Site)
		site.SetField("site")
		site.SetBoost(2)
		q = query.NewBooleanQuery([]query.Query{q}, []query.Query{site}, nil)
	}
	req := bleve.NewSearchRequestOptions(q, TopK, 0, false)
	req.Fields = []string{"title", "url", "site", "category"}
	req.SortBy([]string{"-_score", "_id"})
	res, err := s.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &search.Result{Query: r.Query, Total: int(res.Total)}
	for _, h := range res.Hits {
		var hit search.Hit
		hit.Title, _ = h.Fields["title"].(string)
		hit.URL, _ = h.Fields["url"].(string)
		hit.Site, _ = h.Fields["site"].(string)
		hit.Category, _ = h.Fields["category"].(string)
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}
