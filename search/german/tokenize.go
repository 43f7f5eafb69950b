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

// nextWord returns the byte range of the first word of text at or after
// byte from, and false if there is none. A word is a run of letters,
// digits and combining marks; everything else (spaces, punctuation,
// hyphens, symbols) separates words, so "Gewerbe-Anmeldung" is two
// words. Invalid UTF-8 separates words too. ASCII, most of a
// German text, is classified inline, and other characters by wordCharAt.
func nextWord[T string | []byte](text T, from int) (span, bool) {
	i := from
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if asciiWordChars[c] {
				break
			}
			i++
			continue
		}
		inWord, size := wordCharAt(text, i)
		if inWord {
			break
		}
		i += size
	}
	if i >= len(text) {
		return span{}, false
	}
	start := i
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiWordChars[c] {
				return span{start, i}, true
			}
			i++
			continue
		}
		inWord, size := wordCharAt(text, i)
		if !inWord {
			return span{start, i}, true
		}
		i += size
	}
	return span{start, len(text)}, true
}

// asciiWordChars marks the ASCII letters and digits.
var asciiWordChars = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// wordCharAt reports whether the character at byte i of text belongs to
// a word, and returns its length in bytes.
func wordCharAt[T string | []byte](text T, i int) (bool, int) {
	c := text[i]
	switch {
	case c < utf8.RuneSelf:
		return asciiWordChars[c], 1
	case c == 0xC3 && i+1 < len(text) && text[i+1]&0xC0 == 0x80:
		// U+00C0 to U+00FF, the Latin-1 letters with umlauts and
		// accents and ß, all letters but × and ÷.
		return text[i+1] != 0x97 && text[i+1] != 0xB7, 2
	}
	r, size := decodeRune(text[i:])
	valid := r != utf8.RuneError || size > 1
	return valid && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)), size
}

// decodeRune decodes the first character of text as
// utf8.DecodeRuneInString does. A character has at most utf8.UTFMax
// bytes, so only those are converted.
func decodeRune[T string | []byte](text T) (rune, int) {
	return utf8.DecodeRuneInString(string(text[:min(len(text), utf8.UTFMax)]))
}
