package search

import (
	"context"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
		ok   bool
	}{
		{"hundesteuer", "hundesteuer", 0, 0, true},
		{"reisepas", "reisepass", 2, 1, true},
		{"sperzreit", "sperrzeit", 2, 1, true}, // two letters swapped
		{"sperzreit", "sperrzeit", 0, 1, false},
		{"abcd", "badc", 2, 2, true},
		{"ca", "abc", 2, 3, false}, // a swapped pair is not edited again
		{"hundsteur", "hundesteuer", 2, 2, true},
		{"gebuhr", "gebühr", 1, 1, true}, // characters, not bytes
		{"grüße", "gruße", 1, 1, true},
		{"grüße", "grusse", 2, 3, false},
		{"kurz", "kurzzeitkennzeichen", 2, 15, false},
		{"", "ab", 2, 2, true},
	}
	for _, tt := range tests {
		d, ok := editDistance(tt.a, tt.b, tt.max)
		if ok != tt.ok {
			t.Errorf("editDistance(%q, %q, %d) within = %v, want %v", tt.a, tt.b, tt.max, ok, tt.ok)
		}
		if ok && d != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, d, tt.want)
		}
		if !ok && d > tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d beyond max, want a lower bound of %d", tt.a, tt.b, tt.max, d, tt.want)
		}
	}
}

// TestMarkKnownWords checks that typo tolerance stays on only for words
// that the index does not contain.
func TestMarkKnownWords(t *testing.T) {
	ix := openInternalTestIndex(t)
	plan, err := planQuery("Hundemarken Fundbüro Hundsteuer gemeinsam xyzzyplugh", ix.analyzer, ix.synonyms)
	if err != nil {
		t.Fatal(err)
	}
	ix.markKnownWords(plan)
	want := map[string]bool{
		"hundemark":  false, // the stem of a keyword
		"fundburo":   false, // a title's word
		"hundsteur":  true,  // a typo of Hundesteuer
		"gemeinsam":  false, // a word of a text
		"xyzzyplugh": true,
	}
	got := map[string]bool{}
	for _, u := range plan.units {
		for i, w := range u.words {
			got[w.Term] = u.typos[i]
		}
	}
	for term, typos := range want {
		tolerant, ok := got[term]
		switch {
		case !ok:
			t.Errorf("%s: not a word of the plan %v", term, got)
		case tolerant != typos:
			t.Errorf("%s: typo tolerance %v, want %v", term, tolerant, typos)
		}
	}
}

// openInternalTestIndex builds the small test corpus into two partitions
// and opens it.
func openInternalTestIndex(t *testing.T) *Index {
	t.Helper()
	dir := t.TempDir()
	if err := build(context.Background(), dir, testCorpus(), 2); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
