package german

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed parts.txt
var defaultParts string

const (
	// minPart is the shortest word part, in bytes of its folded spelling.
	minPart = 3
	// minCompound is the shortest word that the decompounder tries to split.
	minCompound = 2 * minPart
	// maxSplitDepth bounds how often a part is split again
	// ("kinderreisepass" into "kind" and "reisepass", then "reisepass"
	// into "reise" and "pass").
	maxSplitDepth = 3
)

// linkingElements are the letters German puts between the parts of a
// compound (Geburtsurkunde, Hundesteuer, Kinderreisepass).
var linkingElements = []string{"", "s", "es", "n", "en", "er", "e", "ns", "ens", "nen"}

// Decompounder splits compound words into word parts of a dictionary. It
// is safe for concurrent use.
type Decompounder struct {
	// trie holds the folded parts letter by letter; node 0 is the root.
	trie []trieNode
	// stems are the stems of the parts, for inflected last parts.
	stems map[string]bool
}

// trieNode is a node of the parts trie. Words of the trie consist of the
// letters a to z only.
type trieNode struct {
	next [26]int32 // child per letter, 0 for none
	part bool      // a part ends here
}

// NewDecompounder returns a decompounder for the given word parts. Parts
// are folded as the index folds words; parts shorter than three letters
// or with letters outside a to z after folding are ignored.
func NewDecompounder(parts []string) *Decompounder {
	d := &Decompounder{trie: make([]trieNode, 1), stems: map[string]bool{}}
	for _, part := range parts {
		folded := Fold(strings.TrimSpace(part))
		if len(folded) < minPart || !isLetters([]byte(folded)) {
			continue
		}
		d.stems[Stem(folded)] = true
		d.insert(folded)
	}
	return d
}

func (d *Decompounder) insert(word string) {
	node := int32(0)
	for i := 0; i < len(word); i++ {
		c := word[i] - 'a'
		if d.trie[node].next[c] == 0 {
			d.trie = append(d.trie, trieNode{})
			d.trie[node].next[c] = int32(len(d.trie) - 1)
		}
		node = d.trie[node].next[c]
	}
	d.trie[node].part = true
}

// ParseParts reads a word-part list: one part a line, blank lines and
// lines starting with # ignored.
func ParseParts(r io.Reader) ([]string, error) {
	var parts []string
	scanner := bufio.NewScanner(r)
	line := 0
	for scanner.Scan() {
		line++
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !utf8.ValidString(text) || strings.ContainsAny(text, " \t,") {
			return nil, fmt.Errorf("line %d: invalid word part %q: want one word", line, text)
		}
		parts = append(parts, text)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading word parts: %w", err)
	}
	return parts, nil
}

// DefaultDecompounder returns the decompounder for the word-part list
// that ships with the package (parts.txt).
var DefaultDecompounder = sync.OnceValue(func() *Decompounder {
	parts, err := ParseParts(strings.NewReader(defaultParts))
	if err != nil {
		// The list is embedded at compile time and checked by a test.
		panic(fmt.Sprintf("german: embedded parts.txt: %v", err))
	}
	return NewDecompounder(parts)
})

// Split returns the parts of a compound word in folded spelling (see
// Fold), outer parts first and then the parts of those parts, without
// duplicates. It returns nil for a word that is no compound of known parts.
//
//	Hundesteuer     -> hund, steur
//	Kinderreisepass -> kind, reisepass, reise, pass
func (d *Decompounder) Split(word string) []string {
	lower := appendLowerFolded(nil, []byte(word))
	return d.appendSplit(nil, lower, 0)
}

// appendSplit appends the folded parts of lower, a word in lower case
// without diacritics (appendLowerFolded), and of its parts, to dst.
func (d *Decompounder) appendSplit(dst []string, lower []byte, depth int) []string {
	if len(lower) < minCompound || depth >= maxSplitDepth || !isLetters(lower) {
		return dst
	}
	cuts := d.segment(lower)
	if len(cuts) < 2 {
		return dst
	}
	first := len(dst)
	for _, c := range cuts {
		part := string(appendDigraphFolded(nil, lower[c.start:c.end]))
		if !contains(dst[first:], part) {
			dst = append(dst, part)
		}
	}
	for _, c := range cuts {
		for _, sub := range d.appendSplit(nil, lower[c.start:c.end], depth+1) {
			if !contains(dst[first:], sub) {
				dst = append(dst, sub)
			}
		}
	}
	return dst
}

// choice is the best way found to split the rest of a word from some
// position on: its first part ends at end, the next part starts at next.
type choice struct {
	ok         bool
	parts      int
	links      int
	end, next  int
	firstBytes int
}

// better reports whether c splits a word better than o: into fewer parts,
// then with fewer linking elements, then with a longer first part.
func (c choice) better(o choice) bool {
	switch {
	case !o.ok:
		return true
	case c.parts != o.parts:
		return c.parts < o.parts
	case c.links != o.links:
		return c.links < o.links
	}
	return c.firstBytes > o.firstBytes
}

// segment returns the byte ranges of the parts of the best split of lower
// into at least two parts, or nil. It finds the best split of every
// suffix, from the end of the word to its start.
func (d *Decompounder) segment(lower []byte) []span {
	n := len(lower)
	best := make([]choice, n+1)
	var ends []int
	for i := n - minPart; i >= 0; i-- {
		ends = d.partEnds(lower, i, ends[:0])
		for _, j := range ends {
			if j == n {
				if i == 0 {
					// A part that covers the whole word is no split.
					continue
				}
				c := choice{ok: true, parts: 1, end: j, next: n, firstBytes: j - i}
				if c.better(best[i]) {
					best[i] = c
				}
				continue
			}
			for _, link := range linkingElements {
				k := j + len(link)
				if k+minPart > n || !best[k].ok || string(lower[j:k]) != link {
					continue
				}
				c := choice{ok: true, parts: 1 + best[k].parts, links: best[k].links,
					end: j, next: k, firstBytes: j - i}
				if link != "" {
					c.links++
				}
				if c.better(best[i]) {
					best[i] = c
				}
			}
		}
	}
	if !best[0].ok {
		return nil
	}
	var cuts []span
	for i := 0; i < n; i = best[i].next {
		cuts = append(cuts, span{i, best[i].end})
	}
	return cuts
}

// partEnds appends to ends each j for which lower[i:j] is a word part.
// Inside the word, a part may lack its final e ("schul" of Schule). At
// the end of the word, a part may be inflected ("steuern"). It walks the
// trie along lower[i:] folded as Fold folds it, so "fuehrer" finds the
// part "führer".
func (d *Decompounder) partEnds(lower []byte, i int, ends []int) []int {
	node := int32(0)
	for k := i; k < len(lower); k++ {
		c := lower[k]
		if c == 'e' && k > i && isDigraphE(lower[i:k+1]) {
			// The e of ae, oe or ue folds away; the node stays.
		} else {
			node = d.trie[node].next[c-'a']
			if node == 0 {
				break
			}
		}
		j := k + 1
		if j-i < minPart {
			continue
		}
		n := &d.trie[node]
		switch {
		case n.part:
			ends = append(ends, j)
		case j < len(lower) && n.next['e'-'a'] != 0 && d.trie[n.next['e'-'a']].part:
			ends = append(ends, j)
		}
	}
	if rest := len(lower) - i; rest >= minPart && (len(ends) == 0 || ends[len(ends)-1] != len(lower)) {
		folded := string(appendDigraphFolded(nil, lower[i:]))
		if d.stems[Stem(folded)] {
			ends = append(ends, len(lower))
		}
	}
	return ends
}

// isDigraphE reports whether the final e of s folds away in
// appendDigraphFolded: it follows a, o or u, but not the u of "qu".
func isDigraphE(s []byte) bool {
	k := len(s) - 1
	prev := s[k-1]
	if prev != 'a' && prev != 'o' && prev != 'u' {
		return false
	}
	return !(prev == 'u' && k > 1 && s[k-2] == 'q')
}

func isLetters(word []byte) bool {
	for _, c := range word {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
