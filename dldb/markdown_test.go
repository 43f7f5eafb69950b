package dldb

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var markdownCases = []struct {
	name, html, want string
}{
	// Paragraphs and line breaks.
	{"empty", "", ""},
	{"only spaces", " <p> \u00a0 </p> ", ""},
	{"paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
	{"text without paragraph", "Plain text", "Plain text"},
	{"spaces collapse", "<p>  a \n\t b  </p>", "a b"},
	{"line break", "<p>a<br>b</p>", "a\\\nb"},
	{"trailing breaks dropped", "<p>a<br><br></p>", "a"},
	{"leading break dropped", "<p><br>a</p>", "a"},
	{"double break splits paragraph", "<p>a<br><br>b</p>", "a\n\nb"},
	{"blank paragraphs collapse", "<p>a</p><p></p><p><br></p><p>b</p>", "a\n\nb"},
	{"div is a block", "<div>a</div><div>b</div>", "a\n\nb"},
	{"text around block", "a<p>b</p>c", "a\n\nb\n\nc"},

	// Strong text and emphasis.
	{"strong", "<p>a <strong>b</strong> c</p>", "a **b** c"},
	{"b", "<b>b</b>", "**b**"},
	{"em", "<p>a <em>b</em></p>", "a *b*"},
	{"i", "<i>b</i>", "*b*"},
	{"spaces move outside markers", "<p>a<strong> b </strong>c</p>", "a **b** c"},
	{"empty strong dropped", "<p>a<strong> </strong>b</p>", "a b"},
	{"punctuation moves outside markers", "<p><strong>Hinweis:</strong>Text</p>", "**Hinweis**:Text"},
	{"leading punctuation moves outside", "<p>x<em>(y)</em>z</p>", "x(*y*)z"},
	{"punctuation only stays inside", "<p><strong>!</strong></p>", "**!**"},
	{"nested strong merges", "<p><strong>a <b>b</b> c</strong></p>", "**a b c**"},
	{"adjacent strong merges", "<p><b>a</b><b>b</b></p>", "**ab**"},
	{"adjacent strong with space", "<p><b>a</b><b> b</b></p>", "**a** **b**"},
	{"strong and em nest", "<p><strong>a <em>b</em></strong></p>", "**a *b***"},
	{"strong across break", "<p><strong>a<br>b</strong></p>", "**a\\\nb**"},
	{"strong across paragraph split", "<p><strong>a<br><br>b</strong></p>", "**a**\n\n**b**"},
	{"strong around paragraphs", "<strong><p>a</p><p>b</p></strong>", "a\n\nb"},

	// Links.
	{"link", `<a href="https://example.org/a">text</a>`, "[text](https://example.org/a)"},
	{"mailto link", `<a href="mailto:info@example.org">mail</a>`, "[mail](mailto:info@example.org)"},
	{"javascript link dropped", `<a href="javascript:alert(1)">text</a>`, "text"},
	{"javascript with spaces dropped", `<a href=" JavaScript:alert(1)">text</a>`, "text"},
	{"empty href dropped", `<a href="">text</a>`, "text"},
	{"missing href dropped", `<a name="x">text</a>`, "text"},
	{"relative link dropped", `<a href="/service/1">text</a>`, "text"},
	{"fragment link dropped", `<a href="#top">text</a>`, "text"},
	{"empty link text dropped", `<p>a <a href="https://example.org"> </a> b</p>`, "a b"},
	{"link destination encoded", `<a href="https://example.org/a b(c)|d">x</a>`, "[x](https://example.org/a%20b%28c%29%7Cd)"},
	{"link text escaped", `<a href="https://example.org">a]b</a>`, `[a\]b](https://example.org)`},
	{"strong around link moves inside", `<strong><a href="https://example.org">x</a></strong>`, "[**x**](https://example.org)"},
	{"link around block keeps destination", `<a href="https://example.org"><div>a</div><div>b</div></a>`, "[a b](https://example.org)"},
	{"entity in href decoded", `<a href="https://example.org/?a=1&amp;b=2">x</a>`, "[x](https://example.org/?a=1&b=2)"},

	// Lists.
	{"bullet list", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
	{"ordered list", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"},
	{"ordered list start", `<ol start="9"><li>a</li><li>b</li></ol>`, "9. a\n10. b"},
	{"empty items dropped", "<ul><li>a</li><li> </li><li>b</li></ul>", "- a\n- b"},
	{"empty list dropped", "<ul><li></li></ul>", ""},
	{"nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"},
	{"nested ordered in bullet", "<ul><li>a<ol><li>b</li><li>c</li></ol></li></ul>", "- a\n  1. b\n  2. c"},
	{"nested three levels", "<ol><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ol>", "1. a\n   - b\n     - c"},
	{"line break in item", "<ol><li><strong>a</strong><br>b</li></ol>", "1. **a**\\\n   b"},
	{"paragraphs in item", "<ul><li><p>a</p><p>b</p></li></ul>", "- a\n\n  b"},
	{"list without li nests", "<ul><li>a</li><ul><li>b</li></ul></ul>", "- a\n  - b"},
	{"ordered list after paragraph in item", `<ul><li>a<ol start="2"><li>b</li></ol></li></ul>`, "- a\n\n  2. b"},
	{"list between paragraphs", "<p>a</p><ul><li>b</li></ul><p>c</p>", "a\n\n- b\n\nc"},

	// Headings.
	{"h1 becomes level 3", "<h1>Title</h1><p>a</p>", "### Title\n\na"},
	{"only h2 becomes level 3", "<h2>Title</h2>", "### Title"},
	{"only h3 becomes level 3", "<h3>Title</h3>", "### Title"},
	{"h2 and h3 become 3 and 4", "<h2>a</h2><h3>b</h3><h2>c</h2>", "### a\n\n#### b\n\n### c"},
	{"skipped level closed", "<h2>a</h2><h4>b</h4>", "### a\n\n#### b"},
	{"levels below 6 stay 6", "<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5>",
		"### a\n\n#### b\n\n##### c\n\n###### d\n\n###### e"},
	{"heading line break becomes space", "<h2>a<br>b</h2>", "### a b"},
	{"heading trailing hash escaped", "<h2>C#</h2>", "### C\\#"},
	{"empty heading dropped", "<h2> </h2>", ""},

	// Tables.
	{"table", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
		"| A | B |\n| --- | --- |\n| 1 | 2 |"},
	{"table with sections", "<table><thead><tr><td>A</td></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
		"| A |\n| --- |\n| 1 |"},
	{"table rows padded", "<table><tr><td>A</td></tr><tr><td>1</td><td>2</td></tr></table>",
		"| A |  |\n| --- | --- |\n| 1 | 2 |"},
	{"table cell pipe escaped", "<table><tr><td>a|b</td><td>c</td></tr></table>", "| a\\|b | c |\n| --- | --- |"},
	{"table cell blocks on one line", "<table><tr><td><p>a</p><p>b<br>c</p></td><td>d</td></tr></table>",
		"| a b c | d |\n| --- | --- |"},
	{"single cell table unwrapped", "<table><tr><td><p>a</p><p>b</p></td></tr></table>", "a\n\nb"},
	{"empty table dropped", "<table></table>", ""},
	{"table of empty cells dropped", "<table><tr><td> </td><td></td></tr><tr><td><br></td></tr></table>", ""},
	{"table caption", "<table><caption>Fees</caption><tr><td>A</td><td>B</td></tr></table>",
		"Fees\n\n| A | B |\n| --- | --- |"},

	// Normalised characters and entities.
	{"non-breaking space", "<p>a&nbsp;b\u00a0c\u202fd</p>", "a b c d"},
	{"zero-width characters removed", "<p>\u200bab\ufeffc\u2060d</p>", "abcd"},
	{"entities decoded", "<p>&auml;&szlig;&euro; &#8211; &quot;x&quot;</p>", "äß€ – \"x\""},
	{"literal entity escaped", "<p>&amp;copy; &amp; a&amp;b</p>", "\\&copy; & a\\&b"},

	// Escaping.
	{"emphasis characters escaped", "<p>*a* _b_ **c**</p>", `\*a\* \_b\_ \*\*c\*\*`},
	{"gender star escaped", "<p>Bürger*innen</p>", `Bürger\*innen`},
	{"brackets escaped", "<p>[a](b) ![c]</p>", `\[a\](b) !\[c\]`},
	{"backslash escaped", `<p>a\b</p>`, `a\\b`},
	{"code and tilde escaped", "<p>`a` ~~b~~</p>", "\\`a\\` \\~\\~b\\~\\~"},
	{"angle bracket escaped", "<p>&lt;b&gt;x&lt;/b&gt; &lt;https://x.org&gt;</p>", `\<b>x\</b> \<https://x.org>`},
	{"pipe escaped", "<p>a | b</p>", `a \| b`},
	{"heading marker at start escaped", "<p># a</p>", `\# a`},
	{"heading marker inside kept", "<p>a # b</p>", "a # b"},
	{"quote marker at start escaped", "<p>&gt; a</p>", `\> a`},
	{"bullet at start escaped", "<p>- a</p><p>+ b</p>", "\\- a\n\n\\+ b"},
	{"ordered marker at start escaped", "<p>1. Januar</p><p>2) b</p>", "1\\. Januar\n\n2\\) b"},
	{"marker after break escaped", "<p>a<br>- b<br>3. c</p>", "a\\\n\\- b\\\n3\\. c"},
	{"setext underline escaped", "<p>a<br>===</p>", "a\\\n\\==="},
	{"thematic break escaped", "<p>***</p><p>---</p>", "\\*\\*\\*\n\n\\---"},
	{"marker in list item escaped", "<ul><li>- a</li><li>1. b</li></ul>", "- \\- a\n- 1\\. b"},

	// Markup without a Markdown form.
	{"span kept as text", `<p><span style="color:red">a</span> b</p>`, "a b"},
	{"underline kept as text", "<p><u>a</u></p>", "a"},
	{"script dropped", "<p>a<script>alert(1)</script></p>", "a"},
	{"style dropped", "<style>p{}</style><p>a</p>", "a"},
	{"image dropped", `<p>a<img src="x.png" alt="x">b</p>`, "ab"},
	{"comment dropped", "<p>a<!-- note -->b</p>", "ab"},
	{"svg dropped", "<p>a<svg><text>t</text></svg>b</p>", "ab"},
	{"iframe dropped", `<iframe src="https://example.org"></iframe><p>a</p>`, "a"},
	{"unknown tag kept as text", "<p><custom-tag>a</custom-tag></p>", "a"},
	{"pre keeps lines", "<pre>a\nb</pre>", "a\\\nb"},
	{"blockquote", "<blockquote><p>a</p><p>b</p></blockquote>", "> a\n>\n> b"},
	{"horizontal rule dropped", "<p>a</p><hr><p>b</p>", "a\n\nb"},

	// Broken HTML.
	{"unclosed paragraph", "<p>a<p>b", "a\n\nb"},
	{"unclosed strong", "<p><strong>a</p><p>b", "**a**\n\n**b**"},
	{"stray end tags", "a</b></div>b", "ab"},
	{"stray paragraph end tag", "a</p>b", "a\n\nb"},
	{"unclosed list", "<ul><li>a<li>b", "- a\n- b"},
	{"unclosed link", `<a href="https://example.org">a`, "[a](https://example.org)"},
	{"misnested tags", "<b>a<i>b</b> c</i>", "**a*b*** *c*"},
	{"broken tag as text", "<p>a < b</p>", `a \< b`},
	{"unterminated tag dropped", "<p>a<b", "a"},
}

func TestMarkdown(t *testing.T) {
	for _, tc := range markdownCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := markdown(tc.html)
			if err != nil {
				t.Fatalf("markdown(%q): %v", tc.html, err)
			}
			if got != tc.want {
				t.Errorf("markdown(%q)\n got: %q\nwant: %q", tc.html, got, tc.want)
			}
		})
	}
}

// TestMarkdownRendersAsIntended renders Markdown output with goldmark, the
// engine of the site build, and compares the HTML it gives.
func TestMarkdownRendersAsIntended(t *testing.T) {
	cases := []struct{ name, html, want string }{
		{"strong before letter", "<p><strong>Hinweis:</strong>Text</p>", "<p><strong>Hinweis</strong>:Text</p>"},
		{"escapes render as text", "<p>*a* &lt;b&gt; [c](d) 1. e</p>", "<p>*a* &lt;b&gt; [c](d) 1. e</p>"},
		{"line start markers render as text", "<p># a<br>- b<br>1. c<br>===</p>",
			"<p># a<br>\n- b<br>\n1. c<br>\n===</p>"},
		{"link with encoded destination", `<a href="https://example.org/a b">x</a>`,
			`<p><a href="https://example.org/a%20b">x</a></p>`},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li></ul>",
			"<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"},
		{"table", "<table><tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>",
			"<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			md, err := markdown(tc.html)
			if err != nil {
				t.Fatalf("markdown(%q): %v", tc.html, err)
			}
			if got := renderMarkdown(t, md); got != tc.want {
				t.Errorf("rendering %q\n got: %q\nwant: %q", md, got, tc.want)
			}
		})
	}
}

// renderMarkdown renders Markdown to HTML with goldmark and GFM tables,
// raw HTML disabled, and trims the result.
func renderMarkdown(t testing.TB, md string) string {
	t.Helper()
	var out bytes.Buffer
	renderer := goldmark.New(goldmark.WithExtensions(extension.Table))
	if err := renderer.Convert([]byte(md), &out); err != nil {
		t.Fatalf("rendering %q: %v", md, err)
	}
	return strings.TrimSpace(out.String())
}
