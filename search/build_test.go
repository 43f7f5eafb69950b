package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPartitionBalancesText(t *testing.T) {
	var docs []document
	for i := range 100 {
		docs = append(docs, document{id: fmt.Sprint(i), fields: map[string]any{
			fieldText: strings.Repeat("x", 10+i*7),
		}})
	}
	parts := partition(docs, 2)
	if len(parts) != 2 {
		t.Fatalf("got %d parts, want 2", len(parts))
	}
	count, sizes := 0, []int{}
	for _, p := range parts {
		size := 0
		for _, d := range p {
			size += d.textBytes()
		}
		count += len(p)
		sizes = append(sizes, size)
	}
	if count != len(docs) {
		t.Errorf("parts hold %d documents, want %d", count, len(docs))
	}
	if d := sizes[0] - sizes[1]; d > 700 || d < -700 {
		t.Errorf("part sizes %v differ by more than the largest document", sizes)
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
	for i, part := range partition(documents(testCorpus()), 2) {
		for _, d := range part {
			where[d.id] = i
		}
	}
	if where[baseIDPrefix+"hundesteuer"] == where["https://b.example/hundesteuer/"] {
		t.Fatal("base text and page B share a partition; the test needs them apart")
	}

	dir := t.TempDir()
	if err := build(context.Background(), dir, testCorpus(), 2); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if len(ix.partitions) != 2 {
		t.Fatalf("opened %d partitions, want 2", len(ix.partitions))
	}
	res, err := ix.Search(context.Background(), Request{Query: "hundesteuer", Site: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want the one service", len(res.Hits))
	}
	h := res.Hits[0]
	if h.Site != "b" || h.Title != "Hundesteuer in B" || len(h.OfferedBy) != 2 {
		t.Errorf("hit %+v, want B's page of the service offered by a and b", h)
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
