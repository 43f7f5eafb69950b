package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// TestTopHitsKeepsBest adds hits with many equal scores in random order,
// directly and as document matches, and compares what topHits keeps with
// the best of all hits sorted.
func TestTopHitsKeepsBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{0, 1, 7, 50} {
		var all []windowHit
		docs := make([]*docInfo, 200)
		ranks := make([]int, 200)
		for i := range 200 {
			doc := &docInfo{id: string(rune('a' + i%26)), rank: rng.IntN(1000)}
			docs[i], ranks[i] = doc, doc.rank
			all = append(all, windowHit{score: float64(rng.IntN(20)), rank: doc.rank, doc: doc, slot: int32(i)})
		}
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		added := &topHits{size: size}
		top := &topHits{size: size, docs: docs, ranks: ranks}
		for _, h := range all {
			added.add(h)
			n := uint64(slices.Index(docs, h.doc))
			d := &bsearch.DocumentMatch{Score: h.score, IndexInternalID: index.NewIndexInternalID(nil, n)}
			if err := top.keep(d, nil); err != nil {
				t.Fatal(err)
			}
		}
		slices.SortFunc(all, compareHits)
		added.sort()
		top.sort()
		if !slices.Equal(added.heap, all[:size]) {
			t.Errorf("size %d: added, kept %v, want %v", size, added.heap, all[:size])
		}
		if !slices.Equal(top.heap, all[:size]) {
			t.Errorf("size %d: as document matches, kept %v, want %v", size, top.heap, all[:size])
		}
	}
}

// TestSnippetsSkipTextsWithoutTerms checks that the snippets are the same
// whether texts without a query term are skipped or analysed.
func TestSnippetsSkipTextsWithoutTerms(t *testing.T) {
	ix := openInternalTestIndex(t)
	skipped, matched := 0, 0
	for _, q := range []string{"hund", "gemeinsamer text", "hundesteuer", "hundemarke", "fundbüro", "text a"} {
		plan, err := planQuery(q, ix.analyzer, ix.synonyms)
		if err != nil {
			t.Fatal(err)
		}
		ix.markKnownWords(plan)
		sc := &scratch{indexOf: map[int]int32{}}
		hits, typos, err := ix.find(context.Background(), plan, Request{}, sc)
		if err != nil {
			t.Fatal(err)
		}
		m := newMatcher(plan, typos)
		terms, exact := m.exactTerms()
		if !exact {
			t.Fatalf("%q: matcher with typos; the test needs words of the index", q)
		}
		gr := ix.groupHits(hits, "", sc)
		var best []*docInfo
		for _, g := range gr.groups {
			best = append(best, gr.hits[g.best].doc)
		}
		withTerms, err := ix.textsWithTerms(context.Background(), best, terms)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range best {
			got, err := ix.snippetOf(m, d, withTerms[d])
			if err != nil {
				t.Fatal(err)
			}
			want, err := ix.snippetOf(m, d, true)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%q, %s: snippet %q, want %q as from the analysed text", q, d.id, got, want)
			}
			if withTerms[d] {
				matched++
			} else {
				skipped++
			}
		}
	}
	if skipped == 0 || matched == 0 {
		t.Errorf("%d texts skipped and %d with terms; the test needs some of each", skipped, matched)
	}
}

// TestFacetsCountSitesMissingFromFederation gives a document a site that
// the federation's list lacks and checks that the portal facet counts it.
func TestFacetsCountSitesMissingFromFederation(t *testing.T) {
	ix := openInternalTestIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "hundesteuer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits for hundesteuer; the test needs one")
	}
	changed := 0
	for _, p := range ix.partitions {
		for _, d := range p.docs {
			if d != nil && strings.Contains(d.name, "Hundesteuer") {
				d.siteList += " fremd"
				changed++
			}
		}
	}
	ix.indexDocuments()

	res, err = ix.Search(context.Background(), Request{Query: "hundesteuer"})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Facets.Commune, func(v FacetValue) bool { return v.ID == "fremd" })
	if i < 0 {
		t.Fatalf("portal facet %v lacks the site fremd of %d documents", res.Facets.Commune, changed)
	}
	if got := res.Facets.Commune[i].Count; got < 1 || got > res.Total {
		t.Errorf("site fremd counted %d times, want 1 to %d", got, res.Total)
	}
}
