package searchtest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/search"
)

func TestParseCorpusInherits(t *testing.T) {
	c, err := ReadCorpus("../testdata/federation.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sites) != 4 || len(c.Categories) != 6 {
		t.Errorf("got %d sites and %d categories, want 4 and 6", len(c.Sites), len(c.Categories))
	}
	var page *search.Page
	for i := range c.Pages {
		if c.Pages[i].URL == "https://www.lingen.example/leistungen/hundesteuer/" {
			page = &c.Pages[i]
		}
	}
	if page == nil {
		t.Fatal("Lingen's Hundesteuer page is missing")
	}
	if page.Title != "Hundesteuer" || page.Category != "finanzen" || page.Base != "hundesteuer" {
		t.Errorf("page did not inherit from its base text: %+v", page)
	}
	if !strings.Contains(page.Text, "96 Euro") || strings.Contains(page.Text, "Steuermarke") {
		t.Errorf("page text %q should hold only its own part", page.Text)
	}
}

func TestParseCorpusErrors(t *testing.T) {
	tests := []struct {
		archive, want string
	}{
		{"-- bases/x.md --\ntitle = 1\n", "missing front matter"},
		{"-- bases/x.md --\n+++\ntitle = 1\n", "not closed"},
		{"-- bases/x.md --\n+++\ncolour = \"red\"\n+++\n", "unknown key colour"},
		{"-- nowhere/x.md --\n+++\n+++\n", `unknown site "nowhere"`},
		{"-- sites.toml --\n[[site]]\nid = \"a\"\n-- a/x.md --\n+++\nbase = \"y\"\n+++\n", `unknown base text "y"`},
	}
	for _, tt := range tests {
		_, err := ParseCorpus([]byte(tt.archive))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCorpus(%q) = %v, want an error containing %q", tt.archive, err, tt.want)
		}
	}
}

func TestMatchHit(t *testing.T) {
	hit := search.Hit{Title: "Führerschein umtauschen", URL: "https://a.example/x/", Site: "a",
		Category: "verkehr", OfferedBy: []search.Offer{{Site: "b", URL: "https://b.example/x/"}}}
	tests := []struct {
		expect map[string]string
		want   bool
	}{
		{map[string]string{"title": "fuehrerschein umtauschen"}, true},
		{map[string]string{"name": "Führerschein umtauschen", "site": "a"}, true},
		{map[string]string{"url": "https://b.example/x/"}, true},
		{map[string]string{"title": "Führerschein umtauschen", "category": "familie"}, false},
		{map[string]string{"site": "b"}, false},
	}
	for _, tt := range tests {
		got, err := MatchHit(tt.expect, hit)
		if err != nil || got != tt.want {
			t.Errorf("MatchHit(%v) = %v, %v; want %v", tt.expect, got, err, tt.want)
		}
	}
	if _, err := MatchHit(map[string]string{"id": "1063441"}, hit); err == nil {
		t.Error("MatchHit accepted the unknown key id")
	}
}

func TestSyntheticIsReproducible(t *testing.T) {
	cfg := SyntheticConfig{Sites: 5, Pages: 300, Seed: 7}
	a, b := Synthetic(cfg), Synthetic(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same config gave two different corpora")
	}
	if len(a.Sites) != 5 || len(a.Pages) != 300 {
		t.Errorf("got %d sites and %d pages, want 5 and 300", len(a.Sites), len(a.Pages))
	}
	if c := Synthetic(SyntheticConfig{Sites: 5, Pages: 300, Seed: 8}); reflect.DeepEqual(a, c) {
		t.Error("another seed gave the same corpus")
	}
}

func TestEvaluateAndLoad(t *testing.T) {
	c := Synthetic(SyntheticConfig{Sites: 3, Pages: 150, Seed: 1})
	dir := t.TempDir()
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	cases := []Case{
		{Q: c.Bases[0].Title, Expect: map[string]string{"title": c.Bases[0].Title}},
		{Q: "xylophonorchester", Expect: map[string]string{"title": "Nichts"}},
	}
	report, err := Evaluate(context.Background(), ix, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := report.SuccessAt(3); got != 0.5 {
		t.Errorf("success@3 = %.2f, want 0.50", got)
	}

	load, err := RunLoad(context.Background(), ix, SyntheticQueries(c), 2, 40)
	if err != nil {
		t.Fatal(err)
	}
	if load.Queries != 40 || load.Errors != 0 {
		t.Errorf("load ran %d queries with %d errors, want 40 and 0", load.Queries, load.Errors)
	}
	if load.P50 <= 0 || load.Max < load.P99 || load.P99 < load.P50 {
		t.Errorf("latencies out of order: %v", load)
	}
	if _, err := RunLoad(context.Background(), ix, nil, 2, 10); err == nil {
		t.Error("RunLoad without requests returned no error")
	}
}

// timedSearcher reports a latency of its own that differs from the time
// its searches take.
type timedSearcher struct {
	latency time.Duration
}

func (s timedSearcher) Search(context.Context, search.Request) (*search.Result, error) {
	return &search.Result{}, nil
}

func (s timedSearcher) SearchTimed(context.Context, search.Request) (time.Duration, error) {
	return s.latency, nil
}

func TestRunLoadTimedSearcher(t *testing.T) {
	const latency = 7 * time.Second
	requests := []search.Request{{Query: "hund"}}
	load, err := RunLoad(context.Background(), timedSearcher{latency: latency}, requests, 2, 20)
	if err != nil {
		t.Fatal(err)
	}
	if load.P50 != latency || load.Max != latency {
		t.Errorf("p50 %v, max %v, want the searcher's own latency %v", load.P50, load.Max, latency)
	}
}

func TestMergeLoads(t *testing.T) {
	var runs []LoadResult
	for _, latency := range []time.Duration{time.Millisecond, 3 * time.Millisecond} {
		requests := []search.Request{{Query: "hund"}}
		load, err := RunLoad(context.Background(), timedSearcher{latency: latency}, requests, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, load)
	}
	m := MergeLoads(runs...)
	if m.Queries != 100 {
		t.Errorf("merged queries = %d, want 100", m.Queries)
	}
	if m.P50 != 3*time.Millisecond {
		t.Errorf("merged p50 = %v, want 3ms", m.P50)
	}
	if m.P95 != 3*time.Millisecond || m.Max != 3*time.Millisecond {
		t.Errorf("merged p95 %v and max %v, want 3ms", m.P95, m.Max)
	}
	if got := MergeLoads(runs[0]); got.P99 != time.Millisecond {
		t.Errorf("p99 of one run = %v, want 1ms", got.P99)
	}
}
