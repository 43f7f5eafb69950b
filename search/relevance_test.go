package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

const relevanceFile = "testdata/relevance.toml"

// TestRelevance requires every query of the relevance file to find its
// service among the top 3, and logs how bleve's stock German analyzer
// does on the same corpus and queries (run with -v to see it).
func TestRelevance(t *testing.T) {
	ix := openTestIndex(t)
	ours := searchtest.RunRelevance(t, ix, relevanceFile, nil)

	cases, err := searchtest.LoadCases(relevanceFile)
	if err != nil {
		t.Fatal(err)
	}
	stock := newStockIndex(t, readTestCorpus(t))
	baseline, err := searchtest.Evaluate(context.Background(), stock, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("success@1: verbund %.2f, stock de %.2f", ours.SuccessAt(1), baseline.SuccessAt(1))
	t.Logf("success@3: verbund %.2f, stock de %.2f", ours.SuccessAt(3), baseline.SuccessAt(3))
	if ours.SuccessAt(3) < baseline.SuccessAt(3) {
		t.Errorf("success@3 %.2f is below the stock analyzer's %.2f", ours.SuccessAt(3), baseline.SuccessAt(3))
	}
}

// stockIndex indexes every page on its own with its base text's text,
// with bleve's stock "de" analyzer, the way a first attempt would.
type stockIndex struct {
	index bleve.Index
}

func newStockIndex(t *testing.T, c *search.Corpus) *stockIndex {
	t.Helper()
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = de.AnalyzerName
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	bases := map[string]search.Base{}
	for _, b := range c.Bases {
		bases[b.ID] = b
	}
	for _, p := range c.Pages {
		text := p.Text
		if b, ok := bases[p.Base]; ok {
			text = b.Text + "\n\n" + p.Text
		}
		err := idx.Index(p.URL, map[string]any{
			"title": p.Title, "keywords": strings.Join(p.Keywords, ", "),
			"summary": p.Summary, "text": text, "url": p.URL, "site": p.Site,
			"category": p.Category,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return &stockIndex{index: idx}
}

// Search runs the query as a disjunction of match queries over the
// fields, with the same boosts the verbund index gives them.
func (s *stockIndex) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	var fields []query.Query
	for name, boost := range map[string]float64{"title": 5, "keywords": 3, "summary": 1.5, "text": 1} {
		q := query.NewMatchQuery(r.Query)
		q.SetField(name)
		q.SetBoost(boost)
		fields = append(fields, q)
	}
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(fields), 10, 0, false)
	req.Fields = []string{"title", "url", "site", "category"}
	req.SortBy([]string{"-_score", "_id"})
	res, err := s.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &search.Result{Query: r.Query, Total: int(res.Total)}
	for _, h := range res.Hits {
		hit := search.Hit{}
		hit.Title, _ = h.Fields["title"].(string)
		hit.URL, _ = h.Fields["url"].(string)
		hit.Site, _ = h.Fields["site"].(string)
		hit.Category, _ = h.Fields["category"].(string)
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}
