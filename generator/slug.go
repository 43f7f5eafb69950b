package generator

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Slugify turns a German title or file name into a readable URL path
// segment: lower case, umlauts spelt out (ä to ae, ß to ss), accents
// dropped, and every other run of characters that are not ASCII letters
// or digits turned into one hyphen.
func Slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFC.String(strings.ToLower(s)) {
		rep, ok := transliteration[r]
		if !ok {
			rep = stripAccent(r)
		}
		if rep == "" {
			if b.Len() > 0 {
				hyphen = true
			}
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteString(rep)
	}
	return b.String()
}

var transliteration = map[rune]string{
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'œ': "oe", 'ø': "o", 'å': "a", 'ð': "d", 'þ': "th", 'ł': "l",
}

// stripAccent returns the ASCII letter or digit r is based on, or "".
func stripAccent(r rune) string {
	if r < 128 {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return string(r)
		}
		return ""
	}
	for _, d := range norm.NFD.String(string(r)) {
		if d >= 'a' && d <= 'z' {
			return string(d)
		}
	}
	return ""
}
