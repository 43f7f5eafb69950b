package dldb

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// letterSpellings spells out, after lower-casing, the German letters
// that verbund slugs replace by two ASCII letters, and the Latin letters
// that Unicode does not decompose into a base letter and an accent.
var letterSpellings = strings.NewReplacer(
	"ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ẞ", "ss",
	"æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ı", "i",
)

// slugify turns a name into a URL slug: lower case, German umlauts and ß
// spelt out, accents of other Latin letters removed, and every run of
// other characters than ASCII letters and digits replaced by one "-".
// The result has no leading or trailing "-" and is empty when the name
// has no letter or digit that maps to ASCII.
func slugify(name string) string {
	s := letterSpellings.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining accent that NFD split from its letter.
			continue
		case r < unicode.MaxASCII && (unicode.IsLower(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// uniqueSlugs returns a slug for each record, given the records' names and
// ids in the same order. When the names of several records have the same
// slug, the record with the lowest id keeps it, and the others get
// "-<id>" appended. A record thus keeps its slug when the export's order
// changes.
// A name without a usable slug falls back to the id alone. An empty
// string marks a record that has no usable slug at all.
func uniqueSlugs(names, ids []string) []string {
	slugs := make([]string, len(names))
	owner := make(map[string]int) // slug -> index of the record that keeps it
	for i, name := range names {
		slug := slugify(name)
		if slug == "" {
			slug = slugify(ids[i])
		}
		slugs[i] = slug
		if slug == "" {
			continue
		}
		if j, ok := owner[slug]; !ok || idLess(ids[i], ids[j]) {
			owner[slug] = i
		}
	}

	used := make(map[string]bool, len(names))
	for slug := range owner {
		used[slug] = true
	}
	for i, slug := range slugs {
		if slug == "" || owner[slug] == i {
			continue
		}
		suffix := slugify(ids[i])
		candidate := joinSlug(slug, suffix)
		// At most len(names) candidates are taken, so the loop ends.
		for n := 2; used[candidate]; n++ {
			candidate = joinSlug(slug, suffix, strconv.Itoa(n))
		}
		used[candidate] = true
		slugs[i] = candidate
	}
	return slugs
}

// joinSlug joins the non-empty parts with "-".
func joinSlug(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "-")
}

// idLess orders record ids: numerically when both are decimal numbers,
// otherwise as strings.
func idLess(a, b string) bool {
	if isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) < len(b)
		}
	}
	return a < b
}

// isDigits reports whether s is non-empty and consists of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
