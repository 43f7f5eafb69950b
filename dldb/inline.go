package dldb

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// inlineKind is the kind of an inline node.
type inlineKind int

const (
	textInline inlineKind = iota
	breakInline
	strongInline
	emphasisInline
	linkInline
)

// inlineNode is a node of the simplified inline tree that the HTML
// converter builds before it writes Markdown: text, a line break, or a
// span of strong text, emphasis or a link around child nodes.
type inlineNode struct {
	kind inlineKind
	// text is the raw text of a text node, with spaces normalized.
	text string
	// href is the destination of a link.
	href     string
	children []*inlineNode
}

// normalizeInline prepares inline nodes for writing: it merges adjacent
// text, removes spans nested in a span of the same kind, puts links
// outside of emphasis that wraps nothing else, and moves punctuation at
// the edges of emphasis outside of it. CommonMark does not recognise
// emphasis whose inner edge is punctuation next to a letter outside, as
// in **Note:**Text, so the moved form **Note**:Text keeps it bold.
func normalizeInline(nodes []*inlineNode, outer map[inlineKind]bool) []*inlineNode {
	var result []*inlineNode
	for _, n := range nodes {
		if n.kind == textInline || n.kind == breakInline {
			result = append(result, n)
			continue
		}
		if outer[n.kind] {
			result = append(result, normalizeInline(n.children, outer)...)
			continue
		}

		inner := make(map[inlineKind]bool, len(outer)+1)
		for kind := range outer {
			inner[kind] = true
		}
		inner[n.kind] = true
		span := &inlineNode{kind: n.kind, href: n.href, children: normalizeInline(n.children, inner)}
		if span.kind != linkInline && len(span.children) == 1 && span.children[0].kind == linkInline {
			// Move the link out: [**text**](url) instead of **[text](url)**.
			link := span.children[0]
			span.children = link.children
			span = &inlineNode{kind: linkInline, href: link.href, children: []*inlineNode{span}}
		}
		if span.kind == strongInline || span.kind == emphasisInline {
			result = append(result, movePunctuation(span)...)
		} else {
			result = append(result, span)
		}
	}
	return mergeText(result)
}

// movePunctuation returns span with the punctuation and spaces at the
// start of its first text child and the end of its last text child moved
// into text nodes before and after it. It leaves a span that consists of
// punctuation alone as it is.
func movePunctuation(span *inlineNode) []*inlineNode {
	if !hasWordCharacter(span) {
		return []*inlineNode{span}
	}
	var before, after *inlineNode
	if first := span.children[0]; first.kind == textInline {
		cut := strings.IndexFunc(first.text, func(r rune) bool { return !isEdgeRune(r) })
		if cut < 0 {
			cut = len(first.text)
		}
		if cut > 0 {
			before = &inlineNode{kind: textInline, text: first.text[:cut]}
			span.children[0] = &inlineNode{kind: textInline, text: first.text[cut:]}
		}
	}
	if last := span.children[len(span.children)-1]; last.kind == textInline {
		cut := 0
		if i := strings.LastIndexFunc(last.text, func(r rune) bool { return !isEdgeRune(r) }); i >= 0 {
			_, size := utf8.DecodeRuneInString(last.text[i:])
			cut = i + size
		}
		if cut < len(last.text) {
			after = &inlineNode{kind: textInline, text: last.text[cut:]}
			span.children[len(span.children)-1] = &inlineNode{kind: textInline, text: last.text[:cut]}
		}
	}
	span.children = mergeText(span.children)

	result := make([]*inlineNode, 0, 3)
	if before != nil {
		result = append(result, before)
	}
	result = append(result, span)
	if after != nil {
		result = append(result, after)
	}
	return result
}

// isEdgeRune reports whether r is a space or a punctuation character in
// CommonMark's sense, which includes Unicode symbols.
func isEdgeRune(r rune) bool {
	return r == ' ' || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// hasWordCharacter reports whether the text under n has a character that
// is neither a space nor punctuation.
func hasWordCharacter(n *inlineNode) bool {
	if n.kind == textInline {
		return strings.IndexFunc(n.text, func(r rune) bool { return !isEdgeRune(r) }) >= 0
	}
	for _, c := range n.children {
		if hasWordCharacter(c) {
			return true
		}
	}
	return false
}

// mergeText drops empty text and joins adjacent text nodes, so that no
// entity or other markup can form across a node boundary unnoticed by the
// escaping. It also joins adjacent spans of the same kind and
// destination, whose markers would otherwise touch, as in **a****b**.
func mergeText(nodes []*inlineNode) []*inlineNode {
	var result []*inlineNode
	for _, n := range nodes {
		if n.kind == textInline && n.text == "" {
			continue
		}
		k := len(result) - 1
		if k < 0 || result[k].kind != n.kind {
			result = append(result, n)
			continue
		}
		switch prev := result[k]; n.kind {
		case textInline:
			result[k] = &inlineNode{kind: textInline, text: prev.text + n.text}
		case strongInline, emphasisInline, linkInline:
			if n.href != prev.href {
				result = append(result, n)
				continue
			}
			children := append(append([]*inlineNode(nil), prev.children...), n.children...)
			result[k] = &inlineNode{kind: n.kind, href: n.href, children: mergeText(children)}
		default:
			result = append(result, n)
		}
	}
	return result
}

// inlineWriter writes inline nodes as Markdown paragraphs. It delays a
// span's opening marker, and any space or line break, until the next
// visible character. Spaces therefore end up outside markers, and empty
// spans vanish, as do spaces and breaks at the start or end of a
// paragraph.
type inlineWriter struct {
	// singleLine turns line breaks into spaces, for headings and table
	// cells.
	singleLine    bool
	paragraphs    []string
	buf           strings.Builder
	pendingSpace  bool
	pendingBreaks int
	open          []*openSpan
}

// openSpan is a span whose children the writer is writing.
type openSpan struct {
	opener, closer string
	// written is set once the opener is in the current paragraph.
	written bool
}

// writeInline renders nodes and returns the Markdown paragraphs, split
// where the nodes hold two or more consecutive line breaks.
func writeInline(nodes []*inlineNode, singleLine bool) []string {
	w := &inlineWriter{singleLine: singleLine}
	w.nodes(normalizeInline(nodes, nil))
	w.endParagraph()
	return w.paragraphs
}

// writeInlineLine renders nodes on one line, for headings and table
// cells.
func writeInlineLine(nodes []*inlineNode) string {
	return strings.Join(writeInline(nodes, true), " ")
}

func (w *inlineWriter) nodes(nodes []*inlineNode) {
	for _, n := range nodes {
		switch n.kind {
		case textInline:
			w.text(n.text)
		case breakInline:
			w.pendingBreaks++
		default:
			span := &openSpan{opener: "**", closer: "**"}
			switch n.kind {
			case emphasisInline:
				span.opener, span.closer = "*", "*"
			case linkInline:
				span.opener, span.closer = "[", "]("+linkDestination(n.href)+")"
			}
			w.open = append(w.open, span)
			w.nodes(n.children)
			w.open = w.open[:len(w.open)-1]
			// NOTE: a closer that touches the opener of a span of another
			// kind, as in **a*b****c* from <b>a<i>b</b>c</i>, forms one
			// delimiter run that CommonMark may split differently, and
			// some asterisks then show as text.
			if span.written {
				w.buf.WriteString(span.closer)
			}
		}
	}
}

// text writes raw text, word by word.
func (w *inlineWriter) text(s string) {
	for s != "" {
		if s[0] == ' ' {
			w.pendingSpace = true
			s = s[1:]
			continue
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		w.visible()
		w.buf.WriteString(escapeText(s[:end]))
		s = s[end:]
	}
}

// visible writes what has to come before the next visible character:
// pending spaces or breaks, then the openers of spans not yet opened.
func (w *inlineWriter) visible() {
	if w.buf.Len() > 0 {
		switch {
		case w.pendingBreaks > 0 && w.singleLine:
			w.buf.WriteByte(' ')
		case w.pendingBreaks == 1:
			w.buf.WriteString("\\\n")
		case w.pendingBreaks > 1:
			w.splitParagraph()
		case w.pendingSpace:
			w.buf.WriteByte(' ')
		}
	}
	w.pendingSpace = false
	w.pendingBreaks = 0
	for _, span := range w.open {
		if !span.written {
			w.buf.WriteString(span.opener)
			span.written = true
		}
	}
}

// splitParagraph closes the open spans, ends the paragraph and marks the
// spans for reopening in the next one.
func (w *inlineWriter) splitParagraph() {
	for i := len(w.open) - 1; i >= 0; i-- {
		if w.open[i].written {
			w.buf.WriteString(w.open[i].closer)
			w.open[i].written = false
		}
	}
	w.endParagraph()
}

func (w *inlineWriter) endParagraph() {
	if w.buf.Len() > 0 {
		p := w.buf.String()
		if !w.singleLine {
			p = escapeLineStarts(p)
		}
		w.paragraphs = append(w.paragraphs, p)
	}
	w.buf.Reset()
}

// escapeText escapes the characters of raw text that Markdown could read
// as markup anywhere in a line. These are backslashes, code and emphasis
// markers, link brackets, the "<" of HTML and autolinks, table pipes and
// strikethrough tildes, and an "&" that could start an entity reference.
func escapeText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '|', '~':
			b.WriteByte('\\')
		case '&':
			if i+1 < len(s) && (s[i+1] == '#' || isASCIILetter(s[i+1])) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// escapeLineStarts escapes the characters that Markdown reads as the
// start of a block when they begin a line of a paragraph: headings,
// block quotes, list items, thematic breaks and setext underlines.
func escapeLineStarts(paragraph string) string {
	lines := strings.Split(paragraph, "\n")
	for i, line := range lines {
		lines[i] = escapeLineStart(line)
	}
	return strings.Join(lines, "\n")
}

func escapeLineStart(line string) string {
	if line == "" {
		return line
	}
	switch line[0] {
	case '#', '>', '-', '+', '=':
		return "\\" + line
	}
	// An ordered list marker is up to nine digits and "." or ")".
	digits := 0
	for digits < len(line) && digits <= 9 && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits <= 9 && digits < len(line) && (line[digits] == '.' || line[digits] == ')') {
		return line[:digits] + "\\" + line[digits:]
	}
	return line
}

// linkDestination percent-encodes the characters of a URL that would end
// or break a Markdown link destination or a table row: spaces, control
// characters, parentheses, angle brackets, backslashes, backticks and
// pipes.
func linkDestination(url string) string {
	var b strings.Builder
	for _, r := range url {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("()<>\\`|", r) {
			var encoded [utf8.UTFMax]byte
			n := utf8.EncodeRune(encoded[:], r)
			for _, c := range encoded[:n] {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
