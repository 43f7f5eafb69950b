package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textGen writes German-like Markdown from the word lists. All randomness
// comes from rng, so the same seed gives the same text.
type textGen struct {
	rng *rand.Rand
}

func pick[T any](rng *rand.Rand, list []T) T {
	return list[rng.IntN(len(list))]
}

// between returns a number in [lo, hi].
func between(rng *rand.Rand, lo, hi int) int {
	return lo + rng.IntN(hi-lo+1)
}

// sentencePatterns are templates of one sentence: N noun, A adjective,
// V verb, P preposition, D adverb. Every pattern starts with a word that
// may be capitalised.
var sentencePatterns = []string{
	"die A N V Sie D P der N",
	"Sie V die A N D",
	"für die N V Sie die A N P der A N",
	"die N und die N V Sie D P der N",
	"wenn Sie eine A N V , V Sie D die N",
	"bitte V Sie die A N und die N D",
	"die A N V die N P der N",
	"ohne die A N V die N die N nicht",
	"Sie V D eine A N oder die N P der A N",
	"nach der N V die A N die N D",
}

// sentence returns one sentence of about 6 to 16 words.
func (g *textGen) sentence() string {
	words := strings.Fields(pick(g.rng, sentencePatterns))
	out := make([]string, 0, len(words))
	for _, w := range words {
		switch w {
		case "N":
			w = pick(g.rng, nouns)
		case "A":
			w = pick(g.rng, adjectives)
		case "V":
			w = pick(g.rng, verbs)
		case "P":
			w = pick(g.rng, prepositions)
		case "D":
			w = pick(g.rng, adverbs)
		}
		out = append(out, w)
	}
	s := strings.ReplaceAll(strings.Join(out, " "), " ,", ",")
	return capitalise(s) + "."
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// paragraph returns sentences of at least words words in total.
func (g *textGen) paragraph(words int) string {
	var b strings.Builder
	for n := 0; n < words; {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		s := g.sentence()
		n += strings.Count(s, " ") + 1
		b.WriteString(s)
	}
	return b.String()
}

// phrase returns a short noun phrase for list items and table cells.
func (g *textGen) phrase() string {
	return capitalise(pick(g.rng, adjectives) + " " + pick(g.rng, nouns))
}

// list returns a Markdown list of n items, numbered when ordered is set.
func (g *textGen) list(n int, ordered bool) string {
	var b strings.Builder
	for i := range n {
		marker := "-"
		if ordered {
			marker = fmt.Sprintf("%d.", i+1)
		}
		item := g.phrase()
		if g.rng.IntN(3) == 0 {
			item += ": " + strings.TrimSuffix(g.sentence(), ".")
		}
		fmt.Fprintf(&b, "%s %s\n", marker, item)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// feeTable returns a Markdown table of n fees.
func (g *textGen) feeTable(n int) string {
	var b strings.Builder
	b.WriteString("| Leistung | Gebühr | Hinweis |\n|---|--:|---|\n")
	for range n {
		euros := between(g.rng, 5, 250)
		cents := []string{"00", "50", "00", "20", "80"}[g.rng.IntN(5)]
		fmt.Fprintf(&b, "| %s | %d,%s Euro | %s |\n", g.phrase(), euros, cents, pick(g.rng, adverbs))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// legalList returns a list of legal bases with links to the statutes.
func (g *textGen) legalList(n int) string {
	var b strings.Builder
	for range n {
		law := pick(g.rng, laws)
		slug := strings.ToLower(strings.ReplaceAll(law, " ", "_"))
		fmt.Fprintf(&b, "- [§ %d Abs. %d %s](https://www.gesetze-im-internet.de/%s/)\n",
			between(g.rng, 1, 120), between(g.rng, 1, 6), law, slug)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// linkSentence returns a sentence that links to dest with the link text
// title.
func (g *textGen) linkSentence(title, dest string) string {
	forms := []string{
		"Mehr dazu lesen Sie unter [%s](%s).",
		"Beachten Sie auch die Leistung [%s](%s).",
		"Häufig gehört dazu: [%s](%s).",
		"Informationen zu [%s](%s) finden Sie auf einer eigenen Seite.",
	}
	return fmt.Sprintf(pick(g.rng, forms), title, dest)
}

// keywords returns n distinct nouns.
func (g *textGen) keywords(n int) []string {
	seen := map[string]bool{}
	var out []string
	for tries := 0; len(out) < n && tries < 10*n; tries++ {
		w := pick(g.rng, nouns)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// wordCount counts the words of Markdown text, roughly as a reader would.
func wordCount(s string) int {
	return len(strings.Fields(s))
}
