package search

import (
	"context"
	"testing"
)

// openUpdatedIndex builds the test federation, changes the text of every
// page with an update and opens the result. The update adds a segment to
// each partition and deletes the old documents in the first one, unless
// bleve's background merger joins the segments before the update ends.
// So it tries up to maxAttempts times for an index with a partition of
// several segments.
func openUpdatedIndex(t *testing.T) *Index {
	t.Helper()
	const maxAttempts = 10
	ctx := context.Background()
	for range maxAttempts {
		dir := t.TempDir()
		if err := build(ctx, dir, testCorpus(), 2); err != nil {
			t.Fatal(err)
		}
		c := testCorpus()
		for i := range c.Pages {
			c.Pages[i].Text += " Geändert."
		}
		if err := UpdateDir(ctx, dir, testCorpus(), c); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ix.partitions {
			if len(p.segments) > 1 {
				return ix
			}
		}
		ix.Close()
	}
	t.Fatalf("no updated index with several segments in a partition in %d attempts", maxAttempts)
	return nil
}

// TestStoredTextFromSegments reads the text of every document of an
// updated index, whose partitions have several segments and deleted
// documents, from the segments and through the reader's Document, and
// compares the two.
func TestStoredTextFromSegments(t *testing.T) {
	ix := openUpdatedIndex(t)
	defer ix.Close()

	compared := 0
	for i := range ix.partitions {
		p := &ix.partitions[i]
		for _, d := range p.docs {
			if d == nil {
				continue
			}
			got, err := ix.storedText(d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := p.documentText(d)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: text %q from its segment, want %q", d.id, got, want)
			}
			compared++
		}
	}
	if compared == 0 {
		t.Error("no document compared")
	}
}
