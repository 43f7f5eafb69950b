package german

import "strings"

// minStem is the shortest stem, in bytes. The stemmer leaves words of
// this length alone and never cuts a word shorter, so that short words
// such as "ehe" or "amt" keep their shape.
const minStem = 3

// inflections are the German plural and case endings the stemmer removes,
// longest first. "s" and "n" have rules of their own in stripInflection.
var inflections = []string{"ern", "em", "en", "er", "es", "e"}

// derivations are suffixes that turn a verb or an adjective into a noun,
// or a noun into an adjective. Removing them joins "Anmeldung" with
// "anmelden" and "polizeilich" with "Polizei".
var derivations = []string{"ung", "lich", "heit", "keit"}

// Stem reduces a folded word (see Fold) to the stem the index stores. It
// is a light stemmer written for search. It removes one inflectional
// ending, then one derivational suffix and the ending that this uncovers,
// and never leaves fewer than three letters.
//
//	anmeldung, anmeldungen, anmelden -> anmeld
//	einburgerung, einburgern         -> einburg
//	hunde, hund                      -> hund
//	kitas, kita                      -> kita
func Stem(folded string) string {
	if len(folded) <= minStem {
		return folded
	}
	word := stripInflection(folded)
	for _, suffix := range derivations {
		rest, ok := strings.CutSuffix(word, suffix)
		if ok && len(rest) >= minStem {
			return stripInflection(rest)
		}
	}
	return word
}

func stripInflection(word string) string {
	for _, suffix := range inflections {
		rest, ok := strings.CutSuffix(word, suffix)
		if ok && len(rest) >= minStem {
			return rest
		}
	}
	if len(word) <= minStem {
		return word
	}
	last, before := word[len(word)-1], word[len(word)-2]
	switch {
	case last == 'n' && (before == 'r' || before == 'l'):
		// "steurn" (steuern) -> "steur", "wandeln" -> "wandel"
		return word[:len(word)-1]
	case last == 's' && endsGenitiveOrPlural(before):
		// "fahrzeugs" -> "fahrzeug", "kitas" -> "kita", but "ausweis"
		// and "reisepass" keep their s.
		return word[:len(word)-1]
	}
	return word
}

// endsGenitiveOrPlural reports whether a final s after the letter c is
// likely a genitive or plural ending rather than part of the stem.
func endsGenitiveOrPlural(c byte) bool {
	switch c {
	case 'b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'r', 't', 'a', 'o', 'w', 'y':
		return true
	}
	return false
}
