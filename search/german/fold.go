package german

import (
	"unicode"
	"unicode/utf8"
)

// appendLowerFolded appends word to dst in lower case with diacritics
// removed: ä, ö and ü become a, o and u, ß becomes ss, and other Latin
// letters with accents lose them. Letters it does not know, such as Greek
// or Cyrillic, are only lowered.
func appendLowerFolded(dst []byte, word []byte) []byte {
	for i := 0; i < len(word); {
		c := word[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(word[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		dst = appendFoldedRune(dst, unicode.ToLower(r))
	}
	return dst
}

// appendFoldedRune appends the ASCII spelling of a lower-case letter with a
// diacritic, or the rune itself when it has none.
func appendFoldedRune(dst []byte, r rune) []byte {
	switch r {
	case 'ä', 'à', 'á', 'â', 'ã', 'å', 'ā', 'ă', 'ą':
		return append(dst, 'a')
	case 'ö', 'ò', 'ó', 'ô', 'õ', 'ø', 'ō', 'ő':
		return append(dst, 'o')
	case 'ü', 'ù', 'ú', 'û', 'ū', 'ů', 'ű':
		return append(dst, 'u')
	case 'ß', 'ẞ':
		return append(dst, 's', 's')
	case 'æ':
		return append(dst, 'a', 'e')
	case 'œ':
		return append(dst, 'o', 'e')
	case 'ç', 'ć', 'č':
		return append(dst, 'c')
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return append(dst, 'e')
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return append(dst, 'i')
	case 'ñ', 'ń', 'ň':
		return append(dst, 'n')
	case 'ý', 'ÿ':
		return append(dst, 'y')
	case 'š', 'ś', 'ş':
		return append(dst, 's')
	case 'ž', 'ź', 'ż':
		return append(dst, 'z')
	case 'ł':
		return append(dst, 'l')
	case 'đ', 'ď':
		return append(dst, 'd')
	case 'ř':
		return append(dst, 'r')
	case 'ť':
		return append(dst, 't')
	case 'ğ':
		return append(dst, 'g')
	}
	return utf8.AppendRune(dst, r)
}

// appendDigraphFolded appends s to dst with the digraph spellings of the
// umlauts joined to their base vowel: ae, oe and ue become a, o and u, so
// that "fuehrerschein" and "führerschein" (already folded to
// "fuhrerschein") meet. The u of "qu" keeps a following e ("quelle").
func appendDigraphFolded(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 'e' && i > 0 {
			prev := s[i-1]
			quoted := prev == 'u' && i > 1 && s[i-2] == 'q'
			if (prev == 'a' || prev == 'o' || prev == 'u') && !quoted {
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// Fold returns word in the spelling that the index compares: lower case,
// without diacritics, with ß spelt ss and the umlaut digraphs ae, oe and
// ue joined to their vowel. "Führerschein", "Fuehrerschein" and
// "fuhrerschein" all fold to "fuhrerschein".
func Fold(word string) string {
	lower := appendLowerFolded(nil, []byte(word))
	return string(appendDigraphFolded(make([]byte, 0, len(lower)), lower))
}
