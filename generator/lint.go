package generator

import (
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/verbund/verbund/diag"
)

// vagueLinkTexts are link texts that do not say where a link leads
// (WCAG 2.1 success criterion 2.4.4), lower case.
var vagueLinkTexts = map[string]bool{
	"hier": true, "hier klicken": true, "klicken sie hier": true, "mehr": true,
	"mehr erfahren": true, "mehr informationen": true, "weiter": true, "weiterlesen": true,
	"link": true, "diesen link": true, "details": true, "click here": true, "here": true,
	"read more": true, "more": true,
}

// lintContent reports content that hinders readers: images without alt
// text, vague link texts, skipped heading levels and tables without a
// header row. top is the level of the heading the content sits under.
func (d *document) lintContent(nodes []ast.Node, top int, diags *diag.List) {
	level := top
	for _, n := range nodes {
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.Heading:
				if n.Level > level+1 {
					line, _ := d.position(nodeOffset(n))
					diags.Warnf(d.src.path, line, 1, "heading-skip",
						"use the next level down, such as "+strings.Repeat("#", level+1),
						"heading level %d follows level %d", n.Level, level)
				}
				level = n.Level
			case *ast.Image:
				if strings.TrimSpace(plainText(n, d.src.body)) == "" {
					line, col := d.position(max(linkOffset(d.src.body, n.Destination, n), 0))
					diags.Warnf(d.src.path, line, col, "image-alt",
						"describe the image: ![what it shows](...)", "image without alt text")
				}
			case *ast.Link:
				text := strings.ToLower(strings.Trim(plainText(n, d.src.body), " .:!"))
				if vagueLinkTexts[text] {
					line, col := d.position(max(nodeOffset(n), 0))
					diags.Warnf(d.src.path, line, col, "vague-link",
						"let the link text say where it leads, such as \"Antrag auf Wohngeld (PDF)\"",
						"link text %q does not say where the link leads", text)
				}
			case *east.Table:
				if n.FirstChild() == nil || n.FirstChild().Kind() != east.KindTableHeader ||
					strings.TrimSpace(plainText(n.FirstChild(), d.src.body)) == "" {
					line, _ := d.position(nodeOffset(n))
					diags.Warnf(d.src.path, line, 1, "table-header",
						"give the table a header row that names its columns", "table without header")
				}
			}
			return ast.WalkContinue, nil
		})
	}
}

// linkOffset finds where a link or image destination is written after
// the node's text, or where the node starts. For a node without text,
// such as an image without alt text, it searches from the start of the
// block that contains the node.
func linkOffset(body, dest []byte, n ast.Node) int {
	start := nodeOffset(n)
	for p := n.Parent(); start < 0 && p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			start = p.Lines().At(0).Start
		}
	}
	if start < 0 {
		return -1
	}
	if i := strings.Index(string(body[start:]), "]("+string(dest)); i >= 0 {
		return start + i + 2
	}
	return start
}

// emptyPart returns the first of docs that has a heading for the part
// key but nothing under it, or nil.
func emptyPart(key string, docs ...*document) *document {
	for _, d := range docs {
		if d != nil && d.headingLines[key] > 0 && !d.has(key) {
			return d
		}
	}
	return nil
}

// requiredParts are the parts every published service description
// needs, so citizens learn what to bring, what it costs and on what law
// it rests.
var requiredParts = []string{"documents", "fees", "legal"}

// lintService reports parts a service page lacks after layering, and a
// review older than maxAge (zero: no limit), counted from now.
func lintService(svc *Service, own, base *document, maxAge time.Duration, now time.Time, diags *diag.List) {
	src := svc.src
	if src.path == "" && svc.Base != nil {
		src = svc.Base.src
	}
	for _, key := range requiredParts {
		if (own != nil && own.has(key)) || (base != nil && base.has(key)) {
			continue
		}
		title := ""
		for _, p := range Parts {
			if p.Key == key {
				title = p.Title
			}
		}
		if d := emptyPart(key, own, base); d != nil {
			diags.Warnf(d.src.path, d.headingLines[key], 1, "missing-part",
				"write the part's text under the heading",
				"part %q of service %q is empty", title, svc.Matter.Title)
			continue
		}
		diags.Warnf(src.path, 1, 1, "missing-part", "add a section ## "+title,
			"service %q has no part %q", svc.Matter.Title, title)
	}
	if maxAge > 0 && !svc.Matter.Reviewed.IsZero() && now.Sub(svc.Matter.Reviewed.Time) > maxAge {
		p := keyPos(src, "reviewed")
		diags.Warnf(src.path, p.Line, p.Column, "review-due",
			"check the page and set reviewed to today's date",
			"last reviewed on %s, more than %d days ago", svc.Matter.Reviewed, int(maxAge.Hours()/24))
	}
}
