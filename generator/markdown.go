package generator

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/verbund/verbund/diag"
)

// Part is one structured part of a service description.
type Part struct {
	// Key is the part's stable name, such as "fees".
	Key string
	// Title is the heading editors write and citizens read.
	Title string
	// ID is the HTML id of the part's heading.
	ID string
}

// Parts lists the structured parts of a German service description in
// the order they are shown.
var Parts = []Part{
	{"documents", "Erforderliche Unterlagen", "erforderliche-unterlagen"},
	{"prerequisites", "Voraussetzungen", "voraussetzungen"},
	{"procedure", "Verfahrensablauf", "verfahrensablauf"},
	{"fees", "Gebühren", "gebuehren"},
	{"deadlines", "Fristen", "fristen"},
	{"duration", "Bearbeitungsdauer", "bearbeitungsdauer"},
	{"forms", "Formulare", "formulare"},
	{"legal", "Rechtsgrundlagen", "rechtsgrundlagen"},
	{"remedy", "Rechtsbehelf", "rechtsbehelf"},
	{"hints", "Hinweise", "hinweise"},
}

// partByTitle maps a lower-case heading to its part; "Kosten" is a common
// alternative for fees.
var partByTitle = func() map[string]Part {
	m := map[string]Part{}
	for _, p := range Parts {
		m[strings.ToLower(p.Title)] = p
	}
	m["kosten"] = Parts[3]
	return m
}()

// markdown is the configured Markdown engine. Raw HTML is not rendered;
// the walk in parseMarkdown warns about it.
type markdown struct {
	md goldmark.Markdown
}

func newMarkdown() *markdown {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(linkRenderer{}, 100)),
		),
	)
	return &markdown{md: md}
}

// document is a parsed Markdown body split into its full text and
// structured parts.
type document struct {
	src    source
	intro  []ast.Node
	parts  map[string][]ast.Node
	titles map[string]string // part key to heading as written
	// headingLines are the lines of the parts' headings, by part key.
	headingLines map[string]int
	// lineStarts are the byte offsets of each line of the body.
	lineStarts []int
}

// parseMarkdown parses a body. With structured set, second-level
// headings must name parts; otherwise the whole body is the intro.
func (m *markdown) parseMarkdown(src source, structured bool, diags *diag.List) *document {
	body, err := src.readBody()
	if err != nil {
		diags.Errorf(src.path, 0, 0, "read", "", "reading the body: %v", err)
	}
	src.body = body
	if i := bytes.IndexByte(body, 0); i >= 0 {
		line, col := offsetPosition(body, i)
		diags.Errorf(src.path, src.bodyLine+line-1, col, "encoding", saveAsUTF8,
			"file contains a NUL byte, so it is no UTF-8 text; it may be UTF-16 or binary")
	} else if i := invalidUTF8(body); i >= 0 {
		line, col := offsetPosition(body, i)
		reportInvalidByte(src.path, src.bodyLine+line-1, col, body[i], diags)
	}
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	root := m.md.Parser().Parse(text.NewReader(src.body), parser.WithContext(ctx))
	d := &document{src: src, parts: map[string][]ast.Node{}, titles: map[string]string{},
		headingLines: map[string]int{}}
	d.lineStarts = append(d.lineStarts, 0)
	for i, c := range src.body {
		if c == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}

	current := ""
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && structured && h.Level <= 2 {
			title := strings.TrimSpace(plainText(h, src.body))
			line, _ := d.position(nodeOffset(h))
			col := 1
			if h.Level == 1 {
				diags.Errorf(src.path, line, col, "heading-level",
					"the page title comes from front matter; start parts with ## and subheadings with ###",
					"first-level heading %q in a service page", title)
				continue
			}
			p, ok := partByTitle[strings.ToLower(title)]
			if !ok {
				diags.Errorf(src.path, line, col, "unknown-part",
					"use one of: "+partTitles()+"; use ### for other headings",
					"unknown part %q", title)
				current = "-"
				continue
			}
			if first, dup := d.titles[p.Key]; dup {
				name := fmt.Sprintf("%q", p.Title)
				if first != title {
					// "Kosten" and "Gebühren", or two spellings.
					name = fmt.Sprintf("%q (as %q and %q)", p.Title, first, title)
				}
				diags.Errorf(src.path, line, col, "duplicate-part",
					"merge the two sections", "part %s appears twice", name)
			}
			current = p.Key
			d.titles[p.Key] = title
			d.headingLines[p.Key] = line
			continue
		}
		switch current {
		case "":
			d.intro = append(d.intro, n)
		case "-":
		default:
			d.parts[current] = append(d.parts[current], n)
		}
	}
	d.warnRawHTML(root, diags)
	return d
}

func partTitles() string {
	var ts []string
	for _, p := range Parts {
		ts = append(ts, "## "+p.Title)
	}
	return strings.Join(ts, ", ")
}

// warnRawHTML reports HTML in the Markdown, which is left out of the page.
func (d *document) warnRawHTML(root ast.Node, diags *diag.List) {
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		off := -1
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				off = n.Lines().At(0).Start
			}
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				off = n.Segments.At(0).Start
			}
		}
		if off >= 0 {
			line, col := d.position(off)
			diags.Warnf(d.src.path, line, col, "raw-html",
				"write it in Markdown; raw HTML is not published",
				"raw HTML left out of the page")
		}
		return ast.WalkContinue, nil
	})
}

// position turns a byte offset in the body into a line of the file and a
// column counted in characters (Unicode code points), so that an umlaut
// counts once.
func (d *document) position(off int) (line, col int) {
	i := sort.Search(len(d.lineStarts), func(i int) bool { return d.lineStarts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	start := min(d.lineStarts[i], len(d.src.body))
	end := min(max(off, start), len(d.src.body))
	col = utf8.RuneCount(d.src.body[start:end]) + 1
	// An offset past the body, which holds no characters, counts bytes.
	col += max(off-end, 0)
	return d.src.bodyLine + i, col
}

// nodeOffset returns the byte offset where n's text starts in the
// source, or -1.
func nodeOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
		if off := nodeOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

// plainText returns the text of n and its descendants, with block
// boundaries as spaces.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	writePlain(&b, n, src)
	return strings.TrimSpace(b.String())
}

func writePlain(b *strings.Builder, n ast.Node, src []byte) {
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.CodeSpan:
			if entering {
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					if t, ok := c.(*ast.Text); ok {
						b.Write(t.Segment.Value(src))
					}
				}
				return ast.WalkSkipChildren, nil
			}
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		default:
			if !entering && n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
}

// linkResolver turns a link destination or, with image set, an image
// source written in Markdown into the URL published, or reports why it
// cannot.
type linkResolver func(dest string, image bool) (string, error)

// renderWriter carries the link resolver and diagnostics of one render
// through goldmark's renderer, which only passes a writer along.
type renderWriter struct {
	*bufio.Writer
	resolve linkResolver
	doc     *document
	diags   *diag.List
}

var writerPool = sync.Pool{
	New: func() any { return &renderWriter{Writer: bufio.NewWriterSize(nil, 4096)} },
}

// renderNodes renders nodes to HTML, resolving links with resolve.
func (m *markdown) renderNodes(d *document, nodes []ast.Node, resolve linkResolver, diags *diag.List) template.HTML {
	if len(nodes) == 0 {
		return ""
	}
	buf := fragmentBuffers.Get().(*bytes.Buffer)
	defer fragmentBuffers.Put(buf)
	buf.Reset()
	w := writerPool.Get().(*renderWriter)
	w.Reset(buf)
	w.resolve, w.doc, w.diags = resolve, d, diags
	for _, n := range nodes {
		if err := m.md.Renderer().Render(w, d.src.body, n); err != nil {
			diags.Errorf(d.src.path, 0, 0, "render", "", "rendering Markdown: %v", err)
		}
	}
	_ = w.Flush()
	w.resolve, w.doc, w.diags = nil, nil, nil
	w.Reset(nil)
	writerPool.Put(w)
	// Pages are written as their templates leave them, so the HTML
	// they insert comes minified, unless tidyPage minifies it as well.
	if tidyEnough(buf.Bytes()) {
		return template.HTML(buf.String())
	}
	minified := fragmentBuffers.Get().(*bytes.Buffer)
	defer fragmentBuffers.Put(minified)
	minified.Reset()
	if err := minifyHTMLFragmentTo(minified, buf); err != nil {
		diags.Errorf(d.src.path, 0, 0, "render", "", "rendering Markdown: %v", err)
		return template.HTML(buf.String())
	}
	return template.HTML(minified.String())
}

// fragmentBuffers hold rendered Markdown before and after minifying, and
// the output of the theme's blocks (executeNamed).
var fragmentBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// linkRenderer renders links with destinations resolved per portal.
type linkRenderer struct{}

func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindAutoLink, renderAutoLink)
}

func renderLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	dest := string(n.Destination)
	if rw, ok := w.(*renderWriter); ok && rw.resolve != nil {
		resolved, err := rw.resolve(dest, false)
		if err != nil {
			line, col := rw.doc.position(max(nodeOffset(n), 0))
			if off := linkDestOffset(rw.doc.src.body, n); off >= 0 {
				line, col = rw.doc.position(off)
			}
			rw.diags.Errorf(rw.doc.src.path, line, col, errorID(err, "broken-link"), errorHint(err, linkHint), "%v", err)
		}
		dest = resolved
	}
	_, _ = w.WriteString(`<a href="`)
	if !html.IsDangerousURL([]byte(dest)) {
		_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(dest), true)))
	}
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		_, _ = w.Write(util.EscapeHTML(n.Title))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

const linkHint = "link to a page that exists: /leistungen/<slug>/, <site>:/path/ or leistung:<base id>"

// renderImage renders an image with its source resolved for the portal,
// through goldmark's image renderer.
func renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	rw, ok := w.(*renderWriter)
	if !entering || !ok || rw.resolve == nil {
		return defaultImage(w, src, node, entering)
	}
	dest := string(n.Destination)
	resolved, err := rw.resolve(dest, true)
	if err != nil {
		line, col := rw.doc.position(max(linkOffset(rw.doc.src.body, n.Destination, n), 0))
		rw.diags.Errorf(rw.doc.src.path, line, col, errorID(err, "broken-image"),
			errorHint(err, linkHint), "%v", err)
	}
	if resolved == dest {
		return defaultImage(w, src, node, entering)
	}
	// The parsed document is shared by the pages that render it, so the
	// renderer gets a copy of the node with the resolved source.
	resolvedImage := *n
	resolvedImage.Destination = []byte(resolved)
	return defaultImage(w, src, &resolvedImage, entering)
}

// renderAutoLink checks a web address written as an autolink, such as
// <https://www.lingen.de/dateien/plan.pdf>, like a link with that
// destination, so that a portal publishes the shared file it names. It
// renders the autolink as goldmark does, because a web address resolves
// to itself.
func renderAutoLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.AutoLink)
	rw, ok := w.(*renderWriter)
	if entering && ok && rw.resolve != nil && webAutoLink(n, src) {
		if _, err := rw.resolve(string(n.URL(src)), false); err != nil {
			line, col := rw.doc.position(max(autoLinkOffset(src, n), 0))
			rw.diags.Errorf(rw.doc.src.path, line, col, errorID(err, "broken-link"), errorHint(err, linkHint), "%v", err)
		}
	}
	return defaultAutoLink(w, src, node, entering)
}

// autoLinkOffset returns where the URL of the autolink n is written, else
// the start of its block, or -1. The node records no position of its own.
func autoLinkOffset(src []byte, n *ast.AutoLink) int {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() != ast.TypeBlock || p.Lines().Len() == 0 {
			continue
		}
		start := p.Lines().At(0).Start
		if i := bytes.Index(src[start:], append([]byte("<"), n.URL(src)...)); i >= 0 {
			return start + i + 1
		}
		return start
	}
	return -1
}

// webAutoLink reports whether n is an autolink to an http or https URL.
// Other autolinks, such as <ftp://…> or an e-mail address, are not
// checked.
func webAutoLink(n *ast.AutoLink, src []byte) bool {
	if n.AutoLinkType != ast.AutoLinkURL {
		return false
	}
	u := strings.ToLower(string(n.URL(src)))
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// defaultImage and defaultAutoLink are goldmark's HTML renderers of
// images and autolinks.
var defaultImage, defaultAutoLink = func() (renderer.NodeRendererFunc, renderer.NodeRendererFunc) {
	c := &renderFuncs{funcs: map[ast.NodeKind]renderer.NodeRendererFunc{}}
	html.NewRenderer().RegisterFuncs(c)
	return c.funcs[ast.KindImage], c.funcs[ast.KindAutoLink]
}()

// renderFuncs collects the functions that a node renderer registers.
type renderFuncs struct {
	funcs map[ast.NodeKind]renderer.NodeRendererFunc
}

func (c *renderFuncs) Register(kind ast.NodeKind, f renderer.NodeRendererFunc) {
	c.funcs[kind] = f
}

// linkDestOffset finds where n's destination is written, so a broken link
// is reported at its target rather than its text.
func linkDestOffset(body []byte, n *ast.Link) int {
	start := nodeOffset(n)
	if start < 0 {
		return -1
	}
	i := bytes.Index(body[start:], append([]byte("]("), n.Destination...))
	if i < 0 {
		return start
	}
	return start + i + 2
}

// headingIDs generates readable, unique heading ids from German text.
type headingIDs struct {
	used map[string]bool
}

func newHeadingIDs() *headingIDs {
	used := map[string]bool{}
	// Part headings and page landmarks use these ids.
	for _, p := range Parts {
		used[p.ID] = true
	}
	for _, id := range []string{"inhalt", "beschreibung", "suche", "navigation"} {
		used[id] = true
	}
	return &headingIDs{used: used}
}

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slugify(string(value))
	if base == "" {
		base = "abschnitt"
	}
	id := base
	for i := 2; h.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) {
	h.used[string(value)] = true
}
