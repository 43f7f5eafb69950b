package dldb

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// droppedContent lists what markdown leaves out of an HTML fragment that
// readers would miss, one description each: links whose destination
// linkTarget rejects, whose text stays, and images and embedded media.
func droppedContent(fragment string) ([]string, error) {
	nodes, err := parseFragment(fragment)
	if err != nil {
		return nil, err
	}
	var dropped []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.A:
			href := strings.TrimFunc(attr(n, "href"), isHTMLSpace)
			if href != "" && linkTarget(href) == "" {
				text := cleanText(plainText(n))
				dropped = append(dropped, fmt.Sprintf("link to %q removed and its text %q kept, "+
					"because only absolute http, https, mailto and tel links are imported", href, text))
			}
		case atom.Img:
			dropped = append(dropped, fmt.Sprintf("image %q (alt text %q) removed, because the import takes no images",
				attr(n, "src"), attr(n, "alt")))
			return
		case atom.Picture, atom.Video, atom.Audio, atom.Iframe, atom.Object, atom.Embed:
			dropped = append(dropped, fmt.Sprintf("%s element removed, because the import takes no embedded media", n.Data))
			return
		}
		if isSkipped(n) {
			return
		}
		for child := range n.ChildNodes() {
			walk(child)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return dropped, nil
}

// plainText returns the text under n.
func plainText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if isSkipped(n) {
				return
			}
			for child := range n.ChildNodes() {
				walk(child)
			}
		}
	}
	walk(n)
	return b.String()
}
