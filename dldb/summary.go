package dldb

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxSummary is the maximum length of a summary in characters (runes).
const maxSummary = 200

// summarize returns the first sentence of an HTML description as plain
// text, at most maxSummary characters long, or "" when the description
// has no text. It passes over leading blocks that only label the text
// below them: headings and lines in bold. A longer sentence is cut at a
// word boundary and ends with "…".
func summarize(description string) (string, error) {
	nodes, err := parseFragment(description)
	if err != nil {
		return "", err
	}
	blocks := plainBlocks(nodes)
	if len(blocks) == 0 {
		return "", nil
	}
	text := blocks[0].text
	for _, b := range blocks {
		if !b.label {
			text = b.text
			break
		}
	}
	return truncate(firstSentence(text), maxSummary), nil
}

// plainBlock is the plain text of a block of HTML.
type plainBlock struct {
	text string
	// label is set on a heading and on a block all of whose text is
	// strong.
	label bool
}

// plainBlocks returns the text of the nodes as plain text, split where a
// block element or a line break separates it. Each block has its spaces
// collapsed and trimmed, and empty blocks are left out.
func plainBlocks(nodes []*html.Node) []plainBlock {
	var blocks []plainBlock
	var current strings.Builder
	plain := false // whether the current block has text outside strong
	strong := 0    // depth of enclosing strong, b and heading elements
	end := func() {
		if text := cleanText(current.String()); text != "" {
			blocks = append(blocks, plainBlock{text: text, label: !plain})
		}
		current.Reset()
		plain = false
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			current.WriteString(n.Data)
			if strong == 0 && cleanText(n.Data) != "" {
				plain = true
			}
			return
		case n.Type != html.ElementNode || isSkipped(n):
			return
		case n.DataAtom == atom.Br:
			end()
			return
		}

		block := !isSpan(n) && (isBlock(n) || headingLevel(n) > 0 || isListOrTable(n))
		emphasis := n.DataAtom == atom.Strong || n.DataAtom == atom.B || headingLevel(n) > 0
		if block {
			end()
		}
		if emphasis {
			strong++
		}
		for child := range n.ChildNodes() {
			walk(child)
		}
		if emphasis {
			strong--
		}
		if block {
			end()
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	end()
	return blocks
}

// abbreviations are German abbreviations, in lower case and without
// their final period, after which a period does not end a sentence.
var abbreviations = map[string]bool{
	"abs": true, "anm": true, "art": true, "bspw": true, "bzgl": true, "bzw": true,
	"ca": true, "dr": true, "evtl": true, "gem": true, "ggf": true, "inkl": true,
	"insb": true, "lt": true, "max": true, "min": true, "mind": true, "nr": true,
	"prof": true, "sog": true, "st": true, "str": true, "tel": true, "vgl": true,
	"z.b": true, "ziff": true, "zzgl": true, "d.h": true, "u.a": true, "i.d.r": true,
}

// firstSentence returns text up to the end of its first sentence: a ".",
// "!" or "?", with any closing quotes or brackets, followed by a space.
// A period does not end a sentence after a known abbreviation, a single
// letter (as in "z. B."), a number of one or two digits (as in
// "1. Januar"), or when the next word starts in lower case.
func firstSentence(text string) string {
	for i, r := range text {
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i + 1
		for end < len(text) {
			closing, size := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(`"')]»«“”’`, closing) {
				break
			}
			end += size
		}
		if end >= len(text) {
			return text
		}
		if text[end] != ' ' {
			continue
		}
		if r == '.' && !endsSentence(text[:i], text[end+1:]) {
			continue
		}
		return text[:end]
	}
	return text
}

// endsSentence reports whether a period between before and after ends a
// sentence.
func endsSentence(before, after string) bool {
	word := before[strings.LastIndexByte(before, ' ')+1:]
	word = strings.TrimLeftFunc(word, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	next, _ := utf8.DecodeRuneInString(after)
	switch {
	case unicode.IsLower(next):
		return false
	case utf8.RuneCountInString(word) == 1 && unicode.IsLetter([]rune(word)[0]):
		return false
	case len(word) <= 2 && isDigits(word):
		return false
	}
	return !abbreviations[strings.ToLower(word)]
}

// truncate shortens text to at most limit runes, cutting at the last
// space that leaves room for a closing "…".
func truncate(text string, limit int) string {
	runes := []rune(text)
	if len(runes) <= limit {
		return text
	}
	cut := string(runes[:limit-1])
	// Keep the last word if a space follows it, else cut before it.
	if runes[limit-1] != ' ' {
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
	}
	cut = strings.TrimRightFunc(cut, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == ':' || r == '-' || r == '–'
	})
	return cut + "…"
}
