package german

import (
	"unicode"
	"unicode/utf8"
)

// MaxWordBytes is the length above which a word is dropped instead of
// indexed or searched. German words rarely reach it, but URLs, hashes
// and runs of letters without spaces do.
const MaxWordBytes = 64

// span is a word's byte range in the text it was cut from.
type span struct {
	start, end int
}

// appendWords appends the byte ranges of the words of text to dst. A word
// is a run of letters, digits and combining marks; everything else
// (spaces, punctuation, hyphens, symbols) separates words, so
// "Gewerbe-Anmeldung" is two words. Invalid UTF-8 separates words too.
func appendWords(dst []span, text []byte) []span {
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		size := 1
		inWord := false
		switch {
		case c < utf8.RuneSelf:
			inWord = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		case c == 0xC3 && i+1 < len(text) && text[i+1]&0xC0 == 0x80:
			// U+00C0 to U+00FF, the Latin-1 letters with umlauts and
			// accents and ß, all letters but × and ÷.
			size = 2
			inWord = text[i+1] != 0x97 && text[i+1] != 0xB7
		default:
			var r rune
			r, size = utf8.DecodeRune(text[i:])
			valid := r != utf8.RuneError || size > 1
			inWord = valid && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
		}
		if inWord && start < 0 {
			start = i
		}
		if !inWord && start >= 0 {
			dst = append(dst, span{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, span{start, len(text)})
	}
	return dst
}
