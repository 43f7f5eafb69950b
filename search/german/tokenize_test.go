package german

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestAppendWordsMatchesRunes compares appendWords with a plain reading
// of the text rune by rune, on German text and on random bytes.
func TestAppendWordsMatchesRunes(t *testing.T) {
	texts := []string{
		"", " ", "Hund", "Gewerbe-Anmeldung, z.B. 2024!",
		"Maße×Größe÷Übel ÀÖØàöøÿ", "naïve Ελληνικά кириллица", "a\u0301b c\xffd \xc3",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aZ09 -.\xc3\xa4\x97\xb7\xe2\x80\x93\xcc\x81\xff")
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		got := appendWords(nil, []byte(text))
		if want := runeWords(text); !slices.Equal(got, want) {
			t.Fatalf("appendWords(%q) = %v, want %v", text, got, want)
		}
	}
}

// runeWords cuts text into words as nextWord documents it: runs of
// letters, digits and combining marks, with invalid UTF-8 separating.
func runeWords(text string) []span {
	var words []span
	start := -1
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(text[i:])
		}
		valid := r != utf8.RuneError || size > 1
		inWord := valid && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			words = append(words, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, span{start, len(text)})
	}
	return words
}

// appendWords appends the byte ranges of the words of text to dst, as
// nextWord finds them one by one.
func appendWords(dst []span, text []byte) []span {
	for s, ok := nextWord(text, 0); ok; s, ok = nextWord(text, s.end) {
		dst = append(dst, s)
	}
	return dst
}
