package generator

import (
	"sync/atomic"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// TestUsedBaseReleasesAfterLastPage checks that a base text's parsed
// parts and cached HTML stay until its last page is written.
func TestUsedBaseReleasesAfterLastPage(t *testing.T) {
	b := &Base{ID: "personalausweis", src: source{hash: 7, body: []byte("text")}}
	doc := &document{src: b.src, intro: []ast.Node{ast.NewParagraph()},
		parts: map[string][]ast.Node{"fees": {ast.NewParagraph()}}}
	cache := &baseCache{parts: map[baseKey]*cachedPart{
		{b.ID, 7, "intro"}:       {html: "<p>Einleitung</p>"},
		{b.ID, 7, "fees"}:        {html: "<p>37 Euro</p>"},
		{"reisepass", 3, "fees"}: {html: "<p>70 Euro</p>"},
	}}
	uses := new(atomic.Int32)
	uses.Store(2)
	parsed := &parsedText{src: b.src, doc: doc}
	parsed.once.Do(func() {})
	r := &pageRenderer{bases: map[string]*parsedText{b.ID: parsed}, baseHTML: cache,
		baseUses: map[string]*atomic.Int32{b.ID: uses}}

	r.usedBase(b)
	if r.baseDocument(b) != doc {
		t.Fatal("first of two pages released the base text")
	}
	if len(cache.parts) != 3 {
		t.Fatalf("first of two pages left %d cached parts, want 3", len(cache.parts))
	}

	r.usedBase(b)
	if parsed.doc != nil {
		t.Error("last page kept the parsed base text")
	}
	if len(cache.parts) != 1 {
		t.Errorf("last page left %d cached parts, want 1 of another base text", len(cache.parts))
	}
	if _, ok := cache.parts[baseKey{"reisepass", 3, "fees"}]; !ok {
		t.Error("last page dropped the parts of another base text")
	}
}

// TestBaseDocumentParsesOnce checks that the pages of a base text that
// was not kept parsed share one parse of it.
func TestBaseDocumentParsesOnce(t *testing.T) {
	b := &Base{ID: "hundesteuer", src: source{path: "content/_shared/hundesteuer.md", hash: 5,
		body: []byte("Wer einen Hund hält, zahlt Hundesteuer.\n\n## Gebühren\n\n96 Euro im Jahr.\n")}}
	r := &pageRenderer{md: newMarkdown(), bases: map[string]*parsedText{b.ID: {src: b.src}}}

	first := r.baseDocument(b)
	if first == nil || len(first.intro) == 0 || !first.has("fees") {
		t.Fatalf("parsed base text %+v, want an introduction and the part fees", first)
	}
	if r.baseDocument(b) != first {
		t.Error("second page parsed the base text again")
	}
	if r.baseDocument(&Base{ID: "unbekannt"}) != nil {
		t.Error("unknown base text has a parsed text")
	}
}
