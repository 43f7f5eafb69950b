package search_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// The benchmarks use a synthetic federation of 20 portals and 10,000
// pages. They are not part of a plain go test run; run them with
//
//	go test -run '^$' -bench . -benchtime 3x ./search/

var syntheticCorpus = sync.OnceValue(func() *search.Corpus {
	return searchtest.Synthetic(searchtest.SyntheticConfig{Seed: 1})
})

// BenchmarkBuild builds the index of the synthetic federation.
func BenchmarkBuild(b *testing.B) {
	c := syntheticCorpus()
	for b.Loop() {
		if err := search.Build(context.Background(), b.TempDir(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildStock builds a naive index of the same federation for
// comparison: every page with its base text's text, bleve's stock "de"
// analyzer, bleve's offline builder.
func BenchmarkBuildStock(b *testing.B) {
	c := syntheticCorpus()
	bases := map[string]search.Base{}
	for _, base := range c.Bases {
		bases[base.ID] = base
	}
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = de.AnalyzerName
	for b.Loop() {
		builder, err := bleve.NewBuilder(filepath.Join(b.TempDir(), "stock"), m, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range c.Pages {
			text := p.Text
			if base, ok := bases[p.Base]; ok {
				text = base.Text + "\n\n" + p.Text
			}
			err := builder.Index(p.URL, map[string]any{
				"title": p.Title, "summary": p.Summary, "text": text,
				"keywords": strings.Join(p.Keywords, ", "), "site": p.Site,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := builder.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch runs citizen-like searches against the synthetic
// federation's index, one at a time.
func BenchmarkSearch(b *testing.B) {
	dir := b.TempDir()
	if err := search.Build(context.Background(), dir, syntheticCorpus()); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	requests := searchtest.SyntheticQueries(syntheticCorpus())
	i := 0
	for b.Loop() {
		if _, err := ix.Search(context.Background(), requests[i%len(requests)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSuggest completes prefixes against the synthetic federation.
func BenchmarkSuggest(b *testing.B) {
	dir := b.TempDir()
	if err := search.Build(context.Background(), dir, syntheticCorpus()); err != nil {
		b.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	prefixes := []string{"hu", "reis", "führ", "gewerbe an", "antrag ver", "mü"}
	i := 0
	for b.Loop() {
		if _, err := ix.Suggest(context.Background(), prefixes[i%len(prefixes)], 8); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
