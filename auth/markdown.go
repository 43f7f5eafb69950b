package auth

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMessageMarkdown returns the renderer of message bodies. Raw HTML is
// left out (goldmark's default without html.WithUnsafe), and so are
// links with dangerous schemes such as javascript:. Images become their
// alternative text, since a remote image would tell its host when the
// citizen reads the message. Headings start at level 2 below the page's
// own h1, and links open without sending a referrer.
func newMessageMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify,
			messageExtension{}),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
}

// renderMessage turns a message body into HTML that is safe to embed.
func (s *Service) renderMessage(body string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.markdown.Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("rendering message body: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// messageExtension shifts headings, marks links and replaces images.
type messageExtension struct{}

func (messageExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(messageTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(imageAsText{}, 100)))
}

type messageTransformer struct{}

func (messageTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+1, 6)
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte("noopener noreferrer nofollow"))
		}
		return ast.WalkContinue, nil
	})
}

// imageAsText renders an image as its alternative text in brackets.
type imageAsText struct{}

func (imageAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString("[Bild: ")
			return ast.WalkContinue, nil
		}
		w.WriteString("]")
		return ast.WalkContinue, nil
	})
}
