package search

import (
	"context"
	"testing"
)

// TestStoredTextFromSegments reads the text of every document of an
// updated index, whose partitions have several segments and deleted
// documents, from the segments and through the reader's Document, and
// compares the two.
func TestStoredTextFromSegments(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
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
	defer ix.Close()

	segments, compared := 0, 0
	for i := range ix.partitions {
		p := &ix.partitions[i]
		segments = max(segments, len(p.segments))
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
	if segments < 2 {
		t.Errorf("at most %d segment per partition; the test needs an index with several", segments)
	}
	if compared == 0 {
		t.Error("no document compared")
	}
}
