package search

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestPartitionOfSpreadsDocuments(t *testing.T) {
	counts := make([]int, 2)
	for i := range 1000 {
		counts[partitionOf(fmt.Sprintf("https://portal.example/leistungen/seite-%d/", i), 2)]++
	}
	for i, n := range counts {
		if n < 400 || n > 600 {
			t.Errorf("partition %d got %d of 1000 documents, want 400 to 600", i, n)
		}
	}
	if partitionCount(minPartitionDocs-1) != 1 || partitionCount(minPartitionDocs) != maxPartitions {
		t.Errorf("partitionCount switches at the wrong size")
	}
}

// TestPartitionedIndex builds the small test corpus into two partitions,
// as large federations are built, and checks that a service whose base
// text and pages lie in different partitions is still one result.
func TestPartitionedIndex(t *testing.T) {
	where := map[string]int{}
	for _, d := range documents(testCorpus()) {
		where[d.id] = partitionOf(d.id, 2)
	}
	if where[baseIDPrefix+"hundesteuer"] == where["https://a.example/hundesteuer/"] {
		t.Fatal("base text and page A share a partition; the test needs them apart")
	}

	ix := openInternalTestIndex(t)
	if len(ix.partitions) != 2 {
		t.Fatalf("opened %d partitions, want 2", len(ix.partitions))
	}
	res, err := ix.Search(context.Background(), Request{Query: "hundesteuer", Site: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want the one service", len(res.Hits))
	}
	h := res.Hits[0]
	if h.Site != "a" || h.URL != "https://a.example/hundesteuer/" || len(h.OfferedBy) != 2 {
		t.Errorf("hit %+v, want A's page of the service offered by a and b", h)
	}
	got, err := ix.Suggest(context.Background(), "hunde", 5)
	if err != nil || len(got) == 0 {
		t.Errorf("Suggest over partitions = %q, %v", got, err)
	}
}

// TestSearchTooBroad lowers the term limit so far that typo tolerance
// and then the plain query exceed it: the search must fall back and
// finally reject the query, not fail.
func TestSearchTooBroad(t *testing.T) {
	dir := t.TempDir()
	if err := Build(context.Background(), dir, testCorpus()); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	ix.termLimit = 12
	res, err := ix.Search(context.Background(), Request{Query: "hundesteuer"})
	if err != nil {
		t.Fatalf("with typo tolerance over the limit: %v, want the search without it", err)
	}
	if res.Total != 1 {
		t.Errorf("total %d, want 1", res.Total)
	}

	ix.termLimit = 1
	_, err = ix.Search(context.Background(), Request{Query: "hundesteuer"})
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Errorf("error = %v, want a *QueryError", err)
	}
	if _, err := ix.Suggest(context.Background(), "hu", 5); err != nil {
		t.Errorf("Suggest over the limit: %v, want no suggestions", err)
	}
}
