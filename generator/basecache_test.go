package generator

import (
	"html/template"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/verbund/verbund/diag"
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

// TestRenderPartSharesSection checks that the pages of a base text share
// the section of a part that is the same on every portal, and that a
// part rendered for one portal and the forms get sections of their own.
func TestRenderPartSharesSection(t *testing.T) {
	tmpl := template.Must(template.New("service").Parse(
		`{{define "part"}}<section id="{{.ID}}">{{.HTML}}{{range .Forms}}<a href="{{.URL}}">{{.Title}}</a>{{end}}</section>{{end}}` +
			`{{define "toc-item"}}<li>{{.Title}}</li>{{end}}`))
	r := &pageRenderer{theme: &theme{templates: map[string]*template.Template{"service": tmpl}},
		tocItems: make([]renderedOnce, len(Parts))}
	shared := &cachedPart{html: "<p>37 Euro</p>"}
	render := func(part renderedPart) renderedPart {
		var diags diag.List
		r.renderPart(&part, &diags)
		if len(diags) > 0 {
			t.Fatalf("rendering part %s: %v", part.Key, diags)
		}
		return part
	}

	first := render(renderedPart{Key: "fees", Title: "Gebühren", ID: "gebuehren", HTML: shared.html, number: 5, shared: shared})
	if first.Section != `<section id="gebuehren"><p>37 Euro</p></section>` || first.TocItem != "<li>Gebühren</li>" {
		t.Fatalf("section %q and item %q", first.Section, first.TocItem)
	}
	// A second page of the base text gets the first page's section.
	second := render(renderedPart{Key: "fees", Title: "Gebühren", ID: "gebuehren", HTML: "<p>anders</p>", number: 5, shared: shared})
	if second.Section != first.Section {
		t.Errorf("second page's section %q, want the shared %q", second.Section, first.Section)
	}
	own := render(renderedPart{Key: "fees", Title: "Gebühren", ID: "gebuehren", HTML: "<p>40 Euro</p>", number: 5})
	if own.Section != `<section id="gebuehren"><p>40 Euro</p></section>` {
		t.Errorf("section of a part of the page's own %q", own.Section)
	}
	// renderService shares a forms part only where the forms are the base
	// text's (baseForms), so here each page renders its own.
	for _, url := range []string{"https://formulare.example/a.pdf", "https://formulare.example/b.pdf"} {
		forms := render(renderedPart{Key: "forms", Title: "Formulare", ID: "formulare", HTML: shared.html, number: 8,
			Forms: []Form{{Title: "Antrag", URL: url}}})
		if !strings.Contains(string(forms.Section), url) {
			t.Errorf("forms section %q lacks the page's form %s", forms.Section, url)
		}
	}
}

func TestBaseForms(t *testing.T) {
	web := []Form{{Title: "Antrag", URL: "https://formulare.example/antrag.pdf"}}
	mail := []Form{{Title: "Antrag", URL: "mailto:post@example.org"}}
	service := []Form{{Title: "Antrag", URL: "leistung:reisepass"}}
	path := []Form{{Title: "Antrag", URL: "/formulare/antrag.pdf"}}
	base := func(forms []Form) *Base { return &Base{ID: "reisepass", serviceMatter: serviceMatter{Forms: forms}} }
	tests := []struct {
		name string
		svc  *Service
		want bool
	}{
		{"no base text", &Service{Matter: serviceMatter{Forms: web}}, false},
		{"the base text's web forms", &Service{Base: base(web), Matter: serviceMatter{Forms: web}}, true},
		{"the base text's mail forms", &Service{Base: base(mail), Matter: serviceMatter{Forms: mail}}, true},
		{"no forms on either side", &Service{Base: base(nil)}, true},
		{"forms of the page's own", &Service{Base: base(web), Matter: serviceMatter{Forms: slices.Clone(web)}}, false},
		{"forms where the base text has none", &Service{Base: base(nil), Matter: serviceMatter{Forms: web}}, false},
		{"the base text's service link", &Service{Base: base(service), Matter: serviceMatter{Forms: service}}, false},
		{"the base text's root-relative path", &Service{Base: base(path), Matter: serviceMatter{Forms: path}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := baseForms(tt.svc); got != tt.want {
				t.Errorf("baseForms = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPortalLinksAutoLinks checks that the references of a cached part
// include the web addresses of autolinks, which each portal checks again,
// and leave out the other autolinks.
func TestPortalLinksAutoLinks(t *testing.T) {
	src := []byte("Die Satzung: <https://nordstadt.example/dateien/satzung.pdf>, " +
		"<ftp://nordstadt.example/x> und <post@nordstadt.example>.\n")
	root := newMarkdown().md.Parser().Parse(text.NewReader(src))
	links, varies := portalLinks([]ast.Node{root}, src)
	want := []reference{{dest: "https://nordstadt.example/dateien/satzung.pdf"}}
	if !slices.Equal(links, want) {
		t.Errorf("links = %v, want %v", links, want)
	}
	if varies {
		t.Error("a web address is taken for a link that varies by portal")
	}
}
