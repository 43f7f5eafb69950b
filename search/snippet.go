package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

const (
	// snippetBytes is the length of a snippet's text, before escaping.
	snippetBytes = 240
	// snippetLead is how much text a snippet shows before its first match.
	snippetLead = 50
)

// snippetOf returns the snippet of a document: its summary if the query
// matches there, else the part of its text with the most matches, else
// its summary or the start of its text. With textMatches false, the text
// is known to have no match (textsWithTerms), and is neither loaded nor
// analysed unless the document has no summary.
func (ix *Index) snippetOf(m *matcher, d *docInfo, textMatches bool) (string, error) {
	if r := m.ranges(ix.analyzer, d.abstract); len(r) > 0 {
		return highlight(d.abstract, r), nil
	}
	if d.abstract != "" && !textMatches {
		return highlight(d.abstract, nil), nil
	}
	text, err := ix.storedText(d)
	if err != nil {
		return "", err
	}
	if textMatches {
		if r := m.ranges(ix.analyzer, text); len(r) > 0 {
			return highlight(text, r), nil
		}
	}
	if d.abstract != "" {
		return highlight(d.abstract, nil), nil
	}
	return highlight(text, nil), nil
}

// textsWithTerms returns which of docs have one of terms in their text
// field. The field is indexed with the analyzer that snippets use, from
// the text that it stores, so a text without any of the terms has no
// word that a matcher for exactly these terms marks. Looking the terms
// up in the postings costs a small part of analysing the texts.
func (ix *Index) textsWithTerms(ctx context.Context, docs []*docInfo, terms []string) (map[*docInfo]bool, error) {
	found := map[*docInfo]bool{}
	for i := range ix.partitions {
		var own []*docInfo
		for _, d := range docs {
			if d.partition == i && !slices.Contains(own, d) {
				own = append(own, d)
			}
		}
		if len(own) == 0 {
			continue
		}
		// Postings are read in the order of document numbers.
		slices.SortFunc(own, func(a, b *docInfo) int { return cmp.Compare(a.number, b.number) })
		for _, t := range terms {
			if err := ix.partitions[i].findTextTerm(ctx, t, own, found); err != nil {
				return nil, err
			}
		}
	}
	return found, nil
}

// findTextTerm adds the documents of docs, which are in the order of
// their numbers, that have term in their text field to found.
func (p *indexPartition) findTextTerm(ctx context.Context, term string, docs []*docInfo, found map[*docInfo]bool) error {
	postings, err := p.reader.TermFieldReader(ctx, []byte(term), fieldText, false, false, false)
	if err != nil {
		return fmt.Errorf("reading postings of %q: %w", term, err)
	}
	defer postings.Close()
	var id index.IndexInternalID
	var next index.TermFieldDoc
	for _, d := range docs {
		if found[d] {
			continue
		}
		id = index.NewIndexInternalID(id, d.number)
		doc, err := postings.Advance(id, &next)
		if err != nil {
			return fmt.Errorf("reading postings of %q: %w", term, err)
		}
		if doc == nil {
			return nil
		}
		if doc.ID.Value() == d.number {
			found[d] = true
		}
	}
	return nil
}

// span is a byte range.
type span struct {
	start, end int
}

// highlight returns about snippetBytes of text around the densest run of
// matches as HTML: escaped, with each match in a <mark> element and "…"
// where text was cut. Cuts fall between words where possible and always
// between characters.
func highlight(text string, matches []span) string {
	start, end := snippetWindow(text, matches)
	var b strings.Builder
	b.Grow(end - start + len(matches)*len("<mark></mark>") + 16)
	if start > 0 {
		b.WriteString("…")
	}
	pos := start
	for _, m := range matches {
		if m.start < start || m.end > end {
			continue
		}
		writeEscaped(&b, text[pos:m.start])
		b.WriteString("<mark>")
		writeEscaped(&b, text[m.start:m.end])
		b.WriteString("</mark>")
		pos = m.end
	}
	writeEscaped(&b, text[pos:end])
	if end < len(text) {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String())
}

// snippetWindow returns the byte range of text that a snippet shows: the
// window of snippetBytes that holds the most matches, starting a little
// before the first of them.
func snippetWindow(text string, matches []span) (start, end int) {
	if len(text) <= snippetBytes {
		return 0, len(text)
	}
	bestCount := 0
	for i, m := range matches {
		from := max(m.start-snippetLead, 0)
		count := 0
		for _, n := range matches[i:] {
			if n.end > from+snippetBytes {
				break
			}
			count++
		}
		if count > bestCount {
			bestCount, start = count, from
		}
	}
	end = min(start+snippetBytes, len(text))
	first, last := len(text), 0
	for _, m := range matches {
		if m.start >= start && m.end <= end {
			first, last = min(first, m.start), max(last, m.end)
		}
	}
	if start > 0 {
		start = wordStartAfter(text, start, first)
	}
	if end < len(text) {
		end = wordEndBefore(text, end, last)
	}
	return start, end
}

// wordStartAfter moves i forward to the start of the next word, but not
// past limit, and to a character boundary in any case.
func wordStartAfter(text string, i, limit int) int {
	if j := strings.IndexFunc(text[i:], unicode.IsSpace); j >= 0 && i+j < limit {
		i += j
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// wordEndBefore moves i back to the end of the previous word, but not
// before limit, and to a character boundary in any case.
func wordEndBefore(text string, i, limit int) int {
	if j := strings.LastIndexFunc(text[:i], unicode.IsSpace); j >= 0 && j >= limit {
		i = j
	}
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// writeEscaped writes s to b escaped for HTML, as html.EscapeString
// escapes it, with each run of white space joined into one space. In a
// string with white space, invalid UTF-8 becomes U+FFFD.
func writeEscaped(b *strings.Builder, s string) {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		writeEscapedRunes(b, s, false)
		return
	}
	writeEscapedRunes(b, s, true)
}

// writeEscapedRunes writes s escaped for HTML. With collapse set it
// joins runs of white space into one space and writes invalid UTF-8 as
// U+FFFD, else it copies everything but the escaped characters as is.
func writeEscapedRunes(b *strings.Builder, s string, collapse bool) {
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if collapse && asciiSpace[c] {
				if !space {
					b.WriteByte(' ')
				}
				space = true
				continue
			}
			space = false
			switch c {
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '&':
				b.WriteString("&amp;")
			case '\'':
				b.WriteString("&#39;")
			case '"':
				b.WriteString("&#34;")
			default:
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !collapse:
			b.WriteString(s[i : i+size])
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			i += size
			continue
		default:
			// An invalid byte decodes as utf8.RuneError, which is
			// written as U+FFFD.
			b.WriteRune(r)
		}
		space = false
		i += size
	}
}

// asciiSpace marks the ASCII characters that unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
