package dldb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMarkdown checks that the HTML conversion never fails or panics, is
// deterministic, and leaves no raw HTML: every "<" in the output is
// escaped, and goldmark renders no raw HTML from it.
func FuzzMarkdown(f *testing.F) {
	for _, tc := range markdownCases {
		f.Add(tc.html)
	}
	f.Add("<ul><li><table><tr><td><ol><li><h1>x</h1></li></ol></td></tr></table></li></ul>")
	f.Add("<b><a href='https://x.org/(a)'><i>*</i></a></b>&lt;script&gt;")
	f.Add("<pre>  - a\n1. b\n<b>c</b></pre>")

	f.Fuzz(func(t *testing.T, fragment string) {
		md, err := markdown(fragment)
		if err != nil {
			t.Fatalf("markdown(%q): %v", fragment, err)
		}
		if again, _ := markdown(fragment); again != md {
			t.Fatalf("markdown(%q) differs between calls: %q and %q", fragment, md, again)
		}
		if !utf8.ValidString(md) {
			t.Fatalf("markdown(%q) = %q, not valid UTF-8", fragment, md)
		}
		if i := unescapedLess(md); i >= 0 {
			t.Fatalf("markdown(%q) = %q has an unescaped < at byte %d", fragment, md, i)
		}
		if html := renderMarkdown(t, md); strings.Contains(html, "raw HTML omitted") {
			t.Fatalf("markdown(%q) = %q renders raw HTML: %q", fragment, md, html)
		}
	})
}

// unescapedLess returns the index of the first "<" in s that no
// backslash escapes, or -1.
func unescapedLess(s string) int {
	backslashes := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			backslashes++
			continue
		case '<':
			if backslashes%2 == 0 {
				return i
			}
		}
		backslashes = 0
	}
	return -1
}

func TestUnescapedLess(t *testing.T) {
	cases := []struct {
		s    string
		want int
	}{
		{"a", -1},
		{`\<b>`, -1},
		{`\\<b>`, 2},
		{`\\\<b>`, -1},
		{"<b>", 0},
	}
	for _, tc := range cases {
		if got := unescapedLess(tc.s); got != tc.want {
			t.Errorf("unescapedLess(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
