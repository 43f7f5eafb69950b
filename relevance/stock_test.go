package relevance

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// stockIndex is the baseline the relevance figures are compared with:
// every page indexed on its own, with its base text's text, by bleve's
// stock German analyzer, and searched with one match query per field at
// the boosts our index uses, plus a boost for pages of the citizen's
// portal.
type stockIndex struct {
	index bleve.Index
}

func newStockIndex(t *testing.T, c *search.Corpus) *stockIndex {
	t.Helper()
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = de.AnalyzerName
	exact := bleve.NewTextFieldMapping()
	exact.Analyzer = keyword.Name
	m.DefaultMapping.AddFieldMappingsAt("site", exact)
	m.DefaultMapping.AddFieldMappingsAt("url", exact)
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })

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
			t.Fatal(err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		t.Fatal(err)
	}
	return &stockIndex{index: idx}
}

func (s *stockIndex) Search(ctx context.Context, r search.Request) (*search.Result, error) {
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
	req := bleve.NewSearchRequestOptions(q, searchtest.TopK, 0, false)
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

// compareWithStock logs success@1 and success@3 of ours and of the stock
// analyzer on the same corpus and queries, and fails if ours is worse.
func compareWithStock(t *testing.T, ours searchtest.Report, c *search.Corpus, file string, match searchtest.MatchFunc) {
	t.Helper()
	cases, err := searchtest.LoadCases(file)
	if err != nil {
		t.Fatal(err)
	}
	stock, err := searchtest.Evaluate(context.Background(), newStockIndex(t, c), cases, match)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: success@1 verbund %.2f, stock de %.2f; success@3 verbund %.2f, stock de %.2f",
		file, ours.SuccessAt(1), stock.SuccessAt(1), ours.SuccessAt(3), stock.SuccessAt(3))
	if ours.SuccessAt(3) < stock.SuccessAt(3) {
		t.Errorf("success@3 %.2f is below the stock analyzer's %.2f", ours.SuccessAt(3), stock.SuccessAt(3))
	}
}
