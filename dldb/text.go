package dldb

import (
	"strings"
	"unicode"
)

// normalizeRune maps the invisible and spacing characters that text
// pasted into a web editor contains. It returns -1 for zero-width spaces,
// word joiners, byte-order marks, soft hyphens and control characters,
// which are dropped. It returns ' ' for every kind of space, including
// the non-breaking ones, and other runes unchanged.
func normalizeRune(r rune) rune {
	switch r {
	case '\u200b', '\u2060', '\ufeff', '\u00ad':
		return -1
	case '\t', '\n', '\r', '\f', '\v':
		return ' '
	}
	switch {
	case unicode.IsSpace(r), unicode.Is(unicode.Zs, r):
		return ' '
	case unicode.IsControl(r):
		return -1
	}
	return r
}

// cleanText normalizes s with normalizeRune, collapses runs of spaces and
// trims it, for names and other one-line values.
func cleanText(s string) string {
	return strings.Join(strings.Fields(strings.Map(normalizeRune, s)), " ")
}

// cleanList splits s at commas and returns the cleaned, non-empty items
// without repeats, compared case-insensitively; the first spelling wins.
func cleanList(s string) []string {
	return uniqueStrings(strings.Split(s, ","))
}

// uniqueStrings returns the cleaned, non-empty values without repeats,
// compared case-insensitively, in their first order.
func uniqueStrings(values []string) []string {
	var result []string
	seen := make(map[string]bool)
	for _, v := range values {
		v = cleanText(v)
		key := strings.ToLower(v)
		if v == "" || seen[key] {
			continue
		}
		seen[key] = true
		result = append(result, v)
	}
	return result
}
