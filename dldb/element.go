package dldb

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// inlineElement converts an element in running text to inline nodes.
func inlineElement(n *html.Node, pre bool) []*inlineNode {
	switch {
	case isSkipped(n):
		return nil
	case n.DataAtom == atom.Br:
		return []*inlineNode{{kind: breakInline}}
	case n.DataAtom == atom.Strong || n.DataAtom == atom.B:
		return []*inlineNode{{kind: strongInline, children: inlineChildren(n, pre)}}
	case n.DataAtom == atom.Em || n.DataAtom == atom.I:
		return []*inlineNode{{kind: emphasisInline, children: inlineChildren(n, pre)}}
	case n.DataAtom == atom.A:
		children := inlineChildren(n, pre)
		href := linkTarget(attr(n, "href"))
		if href == "" {
			return children
		}
		return []*inlineNode{{kind: linkInline, href: href, children: children}}
	case isBlock(n) || headingLevel(n) > 0 || isListOrTable(n):
		// A block inside running text, such as in a heading or a table
		// cell, becomes text separated by spaces.
		nodes := []*inlineNode{{kind: textInline, text: " "}}
		nodes = append(nodes, inlineChildren(n, pre || n.DataAtom == atom.Pre)...)
		return append(nodes, &inlineNode{kind: textInline, text: " "})
	default:
		return inlineChildren(n, pre)
	}
}

// inlineChildren converts the children of n to inline nodes.
func inlineChildren(n *html.Node, pre bool) []*inlineNode {
	var nodes []*inlineNode
	for child := range n.ChildNodes() {
		switch child.Type {
		case html.TextNode:
			nodes = append(nodes, textInlines(child.Data, pre)...)
		case html.ElementNode:
			nodes = append(nodes, inlineElement(child, pre)...)
		}
	}
	return nodes
}

// textInlines converts the text of a text node: it normalizes spaces as
// normalizeRune does and collapses runs of them, except that inside pre
// each newline becomes a line break.
func textInlines(text string, pre bool) []*inlineNode {
	if !pre {
		return []*inlineNode{{kind: textInline, text: collapseSpaces(text)}}
	}
	var nodes []*inlineNode
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if i > 0 {
			nodes = append(nodes, &inlineNode{kind: breakInline})
		}
		nodes = append(nodes, &inlineNode{kind: textInline, text: collapseSpaces(line)})
	}
	return nodes
}

// collapseSpaces normalizes s with normalizeRune and collapses runs of
// spaces into one, keeping a leading and a trailing space, which separate
// s from its neighbours.
func collapseSpaces(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		r = normalizeRune(r)
		switch {
		case r < 0:
		case r == ' ':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// linkTarget returns href if it is an absolute http, https, mailto or tel
// URL, else "". Relative links point into the exporting portal and would
// break on ours, and other schemes, such as javascript:, are unsafe.
func linkTarget(href string) string {
	href = strings.TrimFunc(href, isHTMLSpace)
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto", "tel":
		if u.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return href
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// headingLevel returns 1 to 6 for h1 to h6, else 0.
func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// isSpan reports whether n is an element with a Markdown span form.
func isSpan(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Strong, atom.B, atom.Em, atom.I, atom.A:
		return true
	}
	return false
}

func isListOrTable(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Ul, atom.Ol, atom.Li, atom.Table, atom.Tr, atom.Td, atom.Th, atom.Blockquote:
		return true
	}
	return false
}

// isBlock reports whether n is an element that starts a new paragraph
// and renders its children as blocks.
func isBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header,
		atom.Footer, atom.Aside, atom.Nav, atom.Address, atom.Figure,
		atom.Figcaption, atom.Details, atom.Summary, atom.Fieldset, atom.Legend,
		atom.Form, atom.Dl, atom.Dt, atom.Dd, atom.Li, atom.Center, atom.Hr,
		atom.Pre, atom.Caption, atom.Html, atom.Body:
		return true
	}
	return false
}

// hasBlockDescendant reports whether an element below n starts blocks.
func hasBlockDescendant(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && !isSkipped(d) && (isBlock(d) || headingLevel(d) > 0 || isListOrTable(d)) {
			return true
		}
	}
	return false
}

// isSkipped reports whether n is an element whose content is no text for
// readers: scripts, styles, embedded objects, images and form controls.
func isSkipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Head, atom.Title,
		atom.Noscript, atom.Iframe, atom.Object, atom.Embed, atom.Svg,
		atom.Math, atom.Canvas, atom.Video, atom.Audio, atom.Img, atom.Picture,
		atom.Input, atom.Select, atom.Textarea, atom.Button, atom.Meta,
		atom.Link, atom.Base, atom.Map, atom.Wbr, atom.Noembed, atom.Noframes,
		atom.Frameset:
		return true
	}
	// Elements in the SVG and MathML namespaces have no DataAtom of
	// their own once nested, so check the namespace too.
	return n.Namespace != ""
}
