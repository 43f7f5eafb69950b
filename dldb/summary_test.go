package dldb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummarize(t *testing.T) {
	long := strings.Repeat("Wort ", 60) + "Ende."
	cases := []struct{ name, html, want string }{
		{"empty", "", ""},
		{"no text", "<p>\u00a0</p><p><br></p>", ""},
		{"first sentence", "<p>Erster Satz. Zweiter Satz.</p>", "Erster Satz."},
		{"markup removed", "<p>Ein <strong>fetter</strong> <a href=\"https://example.org\">Link</a>. Mehr.</p>", "Ein fetter Link."},
		{"question", "<p>Was tun? So geht es.</p>", "Was tun?"},
		{"exclamation", "<p>Achtung! Mehr.</p>", "Achtung!"},
		{"whole block without period", "<p>Kein Satzende</p><p>Zweiter Absatz.</p>", "Kein Satzende"},
		{"line break ends block", "<p>Erste Zeile<br>Zweite Zeile.</p>", "Erste Zeile"},
		{"abbreviation", "<p>Bringen Sie z. B. Ihren Ausweis mit. Mehr.</p>", "Bringen Sie z. B. Ihren Ausweis mit."},
		{"abbreviation without spaces", "<p>Dokumente, z.B. Pässe, mitbringen. Mehr.</p>", "Dokumente, z.B. Pässe, mitbringen."},
		{"known abbreviation", "<p>Die Gebühr beträgt ca. 10 Euro bzw. Nr. 5 der Liste. Mehr.</p>", "Die Gebühr beträgt ca. 10 Euro bzw. Nr. 5 der Liste."},
		{"ordinal number", "<p>Ab dem 1. Januar gilt das. Mehr.</p>", "Ab dem 1. Januar gilt das."},
		{"lower case continues", "<p>Die Zahl 2025. ist falsch. Mehr.</p>", "Die Zahl 2025. ist falsch."},
		{"closing quote", "<p>Er sagt „Ja.“ Dann geht er.</p>", "Er sagt „Ja.“"},
		{"bold label skipped", "<p><strong>Ablauf</strong></p><p>Sie brauchen ein Visum. Mehr.</p>", "Sie brauchen ein Visum."},
		{"heading skipped", "<h2>Titel</h2><p>Text hier. Mehr.</p>", "Text hier."},
		{"only labels", "<p><strong>Nur fett.</strong> </p>", "Nur fett."},
		{"zero-width space removed", "<p>\u200bSie haben ein Gewerbe. Mehr.</p>", "Sie haben ein Gewerbe."},
		{"list item", "<ul><li>Erster Punkt</li><li>Zweiter</li></ul>", "Erster Punkt"},
		{"long sentence cut", "<p>" + long + "</p>", strings.TrimSpace(strings.Repeat("Wort ", 40)) + "…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := summarize(tc.html)
			if err != nil {
				t.Fatalf("summarize(%q): %v", tc.html, err)
			}
			if got != tc.want {
				t.Errorf("summarize(%q)\n got: %q\nwant: %q", tc.html, got, tc.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		name, text string
		limit      int
		want       string
	}{
		{"short", "a b c", 10, "a b c"},
		{"exact", "abcde", 5, "abcde"},
		{"word boundary", "aaa bbb ccc", 7, "aaa…"},
		{"complete last word", "aaa bbb ccc", 8, "aaa bbb…"},
		{"trailing comma dropped", "aaa, bbb ccc", 8, "aaa…"},
		{"one long word", "abcdefghij", 5, "abcd…"},
		{"multibyte", "ääää öööö", 6, "ääää…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := truncate(tc.text, tc.limit)
			if got != tc.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tc.text, tc.limit, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.limit {
				t.Errorf("truncate(%q, %d) has %d characters", tc.text, tc.limit, n)
			}
		})
	}
}
