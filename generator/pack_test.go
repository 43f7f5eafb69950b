package generator

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/verbund/verbund/publish"
	"github.com/verbund/verbund/search"
)

func TestPackerCopiesContent(t *testing.T) {
	matter := serviceMatter{
		Title: "Reisepass beantragen", Summary: "Einen Reisepass beantragen Sie im Bürgerbüro.",
		LeiKa: Strings{"99088021000000"}, Category: "ausweise-dokumente", Tier: TierLocal,
		Keywords: []string{"Pass", "Ausweis", ""}, Reviewed: Date{time.Date(2025, 6, 9, 0, 0, 0, 0, time.UTC)},
		Office: "buergerbuero", Online: "https://online.example/pass",
		Forms: []Form{{Title: "Antrag", URL: "/dateien/antrag.pdf"}, {Title: "Vollmacht"}},
		Base:  "reisepass", Source: "99088021", Aliases: []string{}, Lang: "de-x-ls",
	}
	src := source{path: "content/lingen/services/pass.md", frontMatter: []byte("title = \"Reisepass\"\n"),
		bodyLine: 12, hash: 7, file: "/srv/content/lingen/services/pass.md", bodyStart: 40}
	svc := &Service{Slug: "reisepass", URL: "/leistungen/reisepass/", src: src, Matter: matter, number: 3}
	base := &Base{ID: "reisepass", src: src, serviceMatter: matter}
	off := &Office{Slug: "rathaus", URL: "/aemter/rathaus/", src: src, officeMatter: officeMatter{
		Name: "Rathaus", Street: "Markt 1", PostalCode: "49808", City: "Lingen",
		Hours:   []Hours{{Days: []string{"Mo", "Di"}, Opens: "08:00", Closes: "12:00"}, {}},
		Aliases: []string{"/rathaus/"},
	}}
	page := &Page{Slug: "impressum", URL: "/impressum/", src: source{path: "content/lingen/pages/impressum.md", body: []byte{}},
		pageMatter: pageMatter{Title: "Impressum", Lang: "en"}}

	var p packer
	tests := []struct {
		name      string
		orig, got any
	}{
		{"service", svc, p.service(svc)},
		{"base", base, p.base(base)},
		{"office", off, p.office(off)},
		{"page", page, p.page(page)},
	}
	for _, tt := range tests {
		if tt.got == tt.orig {
			t.Errorf("%s: got the original record, want a copy", tt.name)
		}
		if !reflect.DeepEqual(tt.got, tt.orig) {
			t.Errorf("%s: packed copy differs:\ngot  %+v\nwant %+v", tt.name, tt.got, tt.orig)
		}
	}
}

func TestPackerSharesBlocks(t *testing.T) {
	var p packer
	a := p.service(&Service{URL: "/leistungen/a/", Matter: serviceMatter{Keywords: []string{"eins", "zwei"}}})
	b := p.service(&Service{URL: "/leistungen/b/", Matter: serviceMatter{Keywords: []string{"drei"}}})

	// The second record, its strings and its list follow the first in
	// the same blocks.
	if &p.services[0] != a {
		t.Error("the first record is not in the block")
	}
	if &p.services[1] != b {
		t.Error("the second record does not follow the first in the block")
	}
	if got, want := len(p.text), len("/leistungen/a/"+"eins"+"zwei"+"/leistungen/b/"+"drei"); got != want {
		t.Errorf("text block contains %d bytes, want %d", got, want)
	}
	if got := len(p.strings); got != 3 {
		t.Errorf("list block contains %d strings, want 3", got)
	}

	// Appending to one packed list must not overwrite the next.
	_ = append(a.Matter.Keywords, "überschrieben")
	if b.Matter.Keywords[0] != "drei" {
		t.Errorf("appending to a packed list changed the next one: %q", b.Matter.Keywords)
	}
	grown := append(p.bytes([]byte("ab")), 'c')
	if next := p.str("de"); next != "de" || string(grown) != "abc" {
		t.Errorf("appending to packed bytes changed the next string: %q", next)
	}
}

func TestPackerLargeAndEmptyValues(t *testing.T) {
	var p packer
	long := strings.Repeat("x", packTextBlock/4+1)
	if got := p.str(long); got != long || len(p.text) != 0 {
		t.Errorf("a string longer than a quarter block went into the block (%d bytes there)", len(p.text))
	}
	list := make([]string, packListBlock/4+1)
	list[0] = "a"
	got := p.list(list)
	if !reflect.DeepEqual(got, list) || len(p.strings) != 0 {
		t.Errorf("a long list went into the list block (%d strings there)", len(p.strings))
	}
	if p.list(nil) != nil {
		t.Error("a nil list became empty")
	}
	if p.list([]string{}) == nil {
		t.Error("an empty list became nil")
	}
	if p.bytes(nil) != nil {
		t.Error("nil bytes became empty")
	}
	if p.bytes([]byte{}) == nil {
		t.Error("empty bytes became nil")
	}
}

func TestPackerSliceSharesStrings(t *testing.T) {
	var p packer
	list := []string{"Pass", "Ausweis"}
	got := p.slice(list)
	if !reflect.DeepEqual(got, list) {
		t.Fatalf("slice = %q, want %q", got, list)
	}
	if &got[0] == &list[0] {
		t.Error("slice returned the list itself, want a copy")
	}
	if unsafe.StringData(got[0]) != unsafe.StringData(list[0]) {
		t.Error("slice copied the strings, want them shared")
	}
	if len(p.text) != 0 {
		t.Errorf("slice put %d bytes into the text block, want none", len(p.text))
	}
	if cap(got) != len(got) {
		t.Errorf("slice left room for %d more strings", cap(got)-len(got))
	}

	var none *packer
	if got := none.slice(list); &got[0] != &list[0] {
		t.Error("slice of a nil packer copied the list")
	}
	if got := none.join("/leistungen/", "pass", "/"); got != "/leistungen/pass/" {
		t.Errorf("join of a nil packer = %q", got)
	}
}

func TestPackerJobOutput(t *testing.T) {
	files := []outFile{{path: "nordstadt/leistungen/pass/index.html",
		entry: publish.Entry{Size: 120, SHA256: strings.Repeat("ab", 32)}}}
	pages := []search.Page{{Site: "nordstadt", URL: "https://nordstadt.example/leistungen/pass/",
		Kind: KindService, Title: "Reisepass", Keywords: []string{"Pass"}}}
	refs := []string{"antrag.pdf"}
	j := &job{files: slices.Clone(files), pages: slices.Clone(pages), fileRefs: slices.Clone(refs)}

	var p packer
	p.output(j)
	if !reflect.DeepEqual(j.files, files) {
		t.Errorf("files = %+v, want %+v", j.files, files)
	}
	if !reflect.DeepEqual(j.pages, pages) {
		t.Errorf("pages = %+v, want %+v", j.pages, pages)
	}
	if !reflect.DeepEqual(j.fileRefs, refs) {
		t.Errorf("file references = %q, want %q", j.fileRefs, refs)
	}
	if &j.files[0] != &p.files[0] {
		t.Error("the file records are not in the packer's block")
	}
	if &j.pages[0] != &p.docs[0] {
		t.Error("the search pages are not in the packer's block")
	}
	if unsafe.StringData(j.pages[0].URL) == unsafe.StringData(pages[0].URL) {
		t.Error("the page's URL was not copied into the packer")
	}
}
