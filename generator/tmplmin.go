package generator

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
)

// The build minifies a theme's templates once, when the theme loads, and
// then writes pages without minifying each. The HTML around the actions
// is minified already. What the actions insert is either text, which the
// template escapes, or HTML that the build minified before.

// templateMinifier minifies the HTML of templates. It has no minifier for
// other types, so it leaves the content of script elements as it is,
// because in a template that content is an action, such as a page's JSON-LD.
var templateMinifier = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	return m
}()

// placeholderMark starts and ends the words that stand for actions while
// minifying. Lower-case letters and digits survive minification in every
// place an action can stand: text, attribute values and attribute names.
const placeholderMark = "vbdtmpl"

// minifyTemplate returns text, the source of a template file, with the
// HTML between its actions minified and the actions unchanged. It
// replaces each stretch of actions and comments with a placeholder word,
// minifies the result as HTML and puts the actions back. It reports false
// when the source does not parse or the minifier moved, dropped or
// duplicated a placeholder, and the caller then uses text as it is.
func minifyTemplate(name, text string) (string, bool) {
	min, _, ok := minifyTemplateMapped(name, text)
	return min, ok
}

// movedAction is the place of an action in a template's source and in
// its minified text.
type movedAction struct {
	// from and to are the action's offsets in the source and in the
	// minified text, and length its length in bytes.
	from, to, length int
}

// minifyTemplateMapped is minifyTemplate that also returns where each
// action landed, so that an error of the minified template can be placed
// in its source.
func minifyTemplateMapped(name, text string) (string, []movedAction, bool) {
	spans, ok := templateTextSpans(name, text)
	if !ok {
		return text, nil, false
	}
	marked, actions := markActions(text, spans)
	if strings.Count(marked, placeholderMark) != 2*len(actions) {
		// The template's own text contains the mark.
		return text, nil, false
	}

	min, err := templateMinifier.String("text/html", marked)
	if err != nil {
		return text, nil, false
	}
	return restoreActions(min, text, actions)
}

// action is a stretch of template syntax: actions, comments and the white
// space that trim markers remove. start is its offset in the template.
type action struct {
	text  string
	start int
}

// placeholder returns the word that stands for the i-th action.
func placeholder(i int) string {
	return placeholderMark + strconv.Itoa(i) + placeholderMark
}

// markActions returns text with each stretch between the plain text
// spans replaced by a placeholder, and the stretches it replaced.
func markActions(text string, spans []span) (string, []action) {
	var (
		b       strings.Builder
		actions []action
		at      int
	)
	for _, s := range spans {
		if s.start > at {
			b.WriteString(placeholder(len(actions)))
			actions = append(actions, action{text[at:s.start], at})
		}
		b.WriteString(text[s.start:s.end])
		at = s.end
	}
	if at < len(text) {
		b.WriteString(placeholder(len(actions)))
		actions = append(actions, action{text[at:], at})
	}
	return b.String(), actions
}

// restoreActions puts the actions of text back in place of their
// placeholders in min, the minified marked text, and returns where they
// landed. It reports false when a placeholder is missing or out of
// order.
func restoreActions(min, text string, actions []action) (string, []movedAction, bool) {
	var out strings.Builder
	moved := make([]movedAction, 0, len(actions))
	out.Grow(len(min) + len(text))
	rest := min
	inTag := false
	for i, a := range actions {
		p := placeholder(i)
		j := strings.Index(rest, p)
		if j < 0 {
			return text, nil, false
		}
		html := rest[:j]
		if k := strings.LastIndexAny(html, "<>"); k >= 0 {
			inTag = html[k] == '<'
		}
		if inTag {
			// Inside a tag the minifier separates a placeholder from the
			// attribute before it by a space. An action written right
			// after an attribute, such as a conditional attribute, keeps
			// its own leading space, so that space goes.
			if strings.HasSuffix(html, " ") && !precededBySpace(text, a.text, a.start) {
				html = html[:len(html)-1]
			}
		} else {
			html = trimBlockSpace(html, i > 0, true)
		}
		out.WriteString(html)
		moved = append(moved, movedAction{from: a.start, to: out.Len(), length: len(a.text)})
		out.WriteString(a.text)
		rest = rest[j+len(p):]
	}
	if strings.Contains(rest, placeholderMark) {
		return text, nil, false
	}

	out.WriteString(trimBlockSpace(rest, len(actions) > 0, false))
	return out.String(), moved, true
}

// precededBySpace reports whether the action a, at offset start of text,
// begins with white space or follows it.
func precededBySpace(text, a string, start int) bool {
	if a != "" && isSpace(a[0]) {
		return true
	}
	return start > 0 && isSpace(text[start-1])
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// trimBlockSpace removes from html, minified text next to actions, the
// white space that the minifier kept beside a placeholder but would have
// removed beside the HTML the action writes: space between the
// placeholder and the tag of a block element, such as a newline between
// an action and <section>. afterAction and beforeAction report whether an
// action comes before or after html. White space between two actions stays,
// because it may separate two words.
func trimBlockSpace(html string, afterAction, beforeAction bool) string {
	body := strings.TrimLeft(html, spaceChars)
	if body == "" {
		return html
	}
	if afterAction && len(body) < len(html) && blockTagAt([]byte(body)) {
		html = body
	}
	body = strings.TrimRight(html, spaceChars)
	if beforeAction && len(body) < len(html) && blockTagBefore([]byte(body)) {
		html = body
	}
	return html
}

const spaceChars = " \t\n\r\f"

// blockTagAt reports whether html starts with the opening or closing
// tag of a block element.
func blockTagAt(html []byte) bool {
	if len(html) == 0 || html[0] != '<' {
		return false
	}
	return isBlockTag(tagName(html[1:]))
}

// blockTagBefore reports whether html ends with the opening or closing
// tag of a block element.
func blockTagBefore(html []byte) bool {
	if len(html) == 0 || html[len(html)-1] != '>' {
		return false
	}
	k := bytes.LastIndexByte(html, '<')
	if k < 0 {
		return false
	}
	return isBlockTag(tagName(html[k+1:]))
}

// tagName returns the element name at the start of html, the text after
// a tag's "<", without the "/" of a closing tag.
func tagName(html []byte) []byte {
	html = bytes.TrimPrefix(html, []byte("/"))
	end := 0
	for end < len(html) && end < 16 && isNameByte(html[end]) {
		end++
	}
	return html[:end]
}

// isBlockTag reports whether name, as written in a tag, names an element
// of blockElements.
func isBlockTag(name []byte) bool {
	if blockElements[string(name)] {
		return true
	}
	return bytes.ContainsFunc(name, unicode.IsUpper) && blockElements[string(bytes.ToLower(name))]
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// blockElements are the elements beside whose tags white space does not
// show. Elements that keep white space, such as pre and textarea, are
// not among them.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true,
	"dd": true, "details": true, "dialog": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"head": true, "header": true, "hgroup": true, "hr": true, "html": true, "li": true,
	"link": true, "main": true, "meta": true, "nav": true, "ol": true, "p": true,
	"script": true, "section": true, "summary": true, "table": true, "tbody": true,
	"td": true, "tfoot": true, "th": true, "thead": true, "title": true, "tr": true, "ul": true,
}

// tidyPage removes the line breaks that minified templates leave next to
// actions from page, as the minifier would have removed them from the
// whole page. It removes white space with a line break between two tags
// when one of them belongs to a block element, and white space after the
// last tag. Preformatted elements keep their white space. tidyPage
// changes page in place.
func tidyPage(page []byte) []byte {
	pre := preformatted(page)
	out := page[:0]
	at := 0 // page[at:] is not copied to out yet
	for i := 0; i < len(page); {
		n := bytes.IndexByte(page[i:], '\n')
		if n < 0 {
			break
		}
		start, end := i+n, i+n+1
		for start > 0 && isSpace(page[start-1]) {
			start--
		}
		for end < len(page) && isSpace(page[end]) {
			end++
		}
		i = end
		if start == 0 || page[start-1] != '>' || (end < len(page) && page[end] != '<') {
			continue
		}
		if end < len(page) && !blockTagBefore(page[:start]) && !blockTagAt(page[end:]) {
			continue
		}
		if inRanges(pre, start) {
			continue
		}
		out = append(out, page[at:start]...)
		at = end
	}
	return append(out, page[at:]...)
}

// preformatted returns the byte ranges of the pre and textarea elements
// of html, in which white space shows. It makes one pass over the tags
// instead of one for each element name.
func preformatted(html []byte) []span {
	var l []span
	for i := 0; ; {
		k := bytes.IndexByte(html[i:], '<')
		if k < 0 {
			return l
		}
		start := i + k
		i = start + 1
		var end []byte
		switch {
		case bytes.HasPrefix(html[i:], preName):
			end = preEnd
		case bytes.HasPrefix(html[i:], textareaName):
			end = textareaEnd
		default:
			continue
		}
		e := bytes.Index(html[start:], end)
		if e < 0 {
			return append(l, span{start, len(html)})
		}
		l = append(l, span{start, start + e})
		i = start + e
	}
}

var (
	preName, preEnd           = []byte("pre"), []byte("</pre>")
	textareaName, textareaEnd = []byte("textarea"), []byte("</textarea>")
)

func inRanges(l []span, at int) bool {
	for _, s := range l {
		if at >= s.start && at < s.end {
			return true
		}
	}
	return false
}

// span is a byte range of a template's source.
type span struct{ start, end int }

// templateTextSpans returns the byte ranges of the plain text of a
// template source, in order: the parts that are neither actions nor
// comments. It reports false when the source does not parse.
func templateTextSpans(name, text string) ([]span, bool) {
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(text, "", "", trees); err != nil {
		return nil, false
	}

	c := spanCollector{text: text}
	seen := map[*parse.Tree]bool{}
	for _, tr := range append([]*parse.Tree{t}, slices.Collect(maps.Values(trees))...) {
		if seen[tr] || tr.Root == nil {
			continue
		}
		seen[tr] = true
		if !c.walk(tr.Root) {
			return nil, false
		}
	}

	slices.SortFunc(c.spans, func(a, b span) int { return a.start - b.start })
	for i := 1; i < len(c.spans); i++ {
		if c.spans[i].start < c.spans[i-1].end {
			return nil, false
		}
	}
	return c.spans, true
}

// spanCollector gathers the text nodes of parsed templates as spans of
// their source text.
type spanCollector struct {
	text  string
	spans []span
}

// walk adds the text nodes under n. It reports false when a node's text
// is not at its position in the source.
func (c *spanCollector) walk(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return true
		}
		for _, child := range n.Nodes {
			if !c.walk(child) {
				return false
			}
		}
	case *parse.TextNode:
		start := int(n.Pos)
		end := start + len(n.Text)
		if start < 0 || end > len(c.text) || c.text[start:end] != string(n.Text) {
			return false
		}
		c.spans = append(c.spans, span{start, end})
	case *parse.IfNode:
		return c.walk(n.List) && c.walk(n.ElseList)
	case *parse.RangeNode:
		return c.walk(n.List) && c.walk(n.ElseList)
	case *parse.WithNode:
		return c.walk(n.List) && c.walk(n.ElseList)
	}
	return true
}

// htmlMimetype is the media type of HTML as the minifier names it.
var htmlMimetype = []byte("text/html")

// minifyHTMLFragmentTo writes src, a piece of HTML such as rendered
// Markdown, minified to dst. The minifier reads src's bytes in place.
func minifyHTMLFragmentTo(dst io.Writer, src *bytes.Buffer) error {
	// The minifier's parser ends its input with a zero byte, which
	// needs a copy of the input unless it has room for one more byte.
	src.Grow(1)
	if err := templateMinifier.MinifyMimetype(htmlMimetype, dst, src, nil); err != nil {
		return fmt.Errorf("minifying HTML: %w", err)
	}
	return nil
}

// tidyEnough reports whether tidyPage, which runs over every page, leaves
// html, a piece of rendered Markdown, as minified as the minifier would,
// so that the minifier can skip it. Most rendered Markdown is text in
// block elements with a line break after each tag of a block element,
// and tidyPage removes these line breaks. tidyEnough rejects what the
// minifier would shorten or drop. These are character references,
// comments, pre and textarea elements, br tags and runs of white space.
// They are also white space at the start or end of a block's text and
// attribute values that the minifier shortens.
func tidyEnough(html []byte) bool {
	if len(html) == 0 || html[0] != '<' {
		return false
	}
	// atStart is true where the minifier drops white space: at the start
	// of a block's text, after its tags and inline tags that follow them.
	atStart := true
	for i := 0; i < len(html); i++ {
		switch c := html[i]; c {
		case '&', '\t', '\r', '\f', '\v':
			return false
		case '<':
			end := bytes.IndexByte(html[i:], '>')
			if end < 0 {
				return false
			}
			tag := html[i+1 : i+end]
			name := tagName(tag)
			if !tidyTag(tag, name) {
				return false
			}
			if isBlockTag(name) {
				atStart = true
			}
			i += end
		case ' ', '\n':
			if c == '\n' && tidyRemoves(html, i) {
				continue
			}
			next := i + 1
			if atStart || next == len(html) || html[next] == ' ' || html[next] == '\n' ||
				html[next] == '<' && (next+1 < len(html) && html[next+1] == '/' || blockTagAt(html[next:])) {
				return false
			}
			atStart = true
		default:
			atStart = false
		}
	}
	return true
}

// tidyTag reports whether the minifier leaves tag, the text between a
// tag's angle brackets, as it is. name is the tag's element name. The
// minifier shortens character references, empty attribute values and
// values that start or end with a space, and it rewrites link and image
// addresses with a scheme in upper case or a data scheme. Comments and
// pre, textarea and br elements are left to the minifier too.
func tidyTag(tag, name []byte) bool {
	if bytes.IndexByte(tag, '&') >= 0 || bytes.Contains(tag, emptyValue) ||
		bytes.Contains(tag, spaceQuote) || bytes.Contains(tag, quoteSpaceValue) ||
		bytes.Contains(tag, doubleSpace) || bytes.HasPrefix(tag, commentStart) ||
		bytes.Equal(name, preName) || bytes.Equal(name, textareaName) || bytes.Equal(name, brName) {
		return false
	}
	for _, attr := range addressAttributes {
		if k := bytes.Index(tag, attr); k >= 0 && !plainScheme(tag[k+len(attr):]) {
			return false
		}
	}
	return true
}

// plainScheme reports whether the attribute value at the start of value
// has no scheme, or one in lower case other than data.
func plainScheme(value []byte) bool {
	for i, c := range value {
		switch {
		case c == ':':
			return !bytes.EqualFold(value[:i], dataScheme)
		case 'A' <= c && c <= 'Z':
			return false
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '-', c == '.':
		default:
			// No scheme: the value ends, or a path or query starts.
			return true
		}
	}
	return true
}

// tidyRemoves reports whether tidyPage removes the line break at i in
// html, which it does between two tags when one of them belongs to a
// block element.
func tidyRemoves(html []byte, i int) bool {
	if i == 0 || html[i-1] != '>' || i+1 < len(html) && html[i+1] != '<' {
		return false
	}
	return blockTagBefore(html[:i]) || blockTagAt(html[i+1:])
}

var (
	brName, commentStart = []byte("br"), []byte("!--")
	// addressAttributes start the addresses of rendered Markdown, those
	// of links and images, and dataScheme is the scheme the minifier
	// re-encodes.
	addressAttributes = [][]byte{[]byte(` href="`), []byte(` src="`)}
	dataScheme        = []byte("data")
	// The minifier shortens attributes with these: empty values, and
	// values that start or end with a space.
	emptyValue, spaceQuote       = []byte(`=""`), []byte(` "`)
	quoteSpaceValue, doubleSpace = []byte(`=" `), []byte("  ")
)
