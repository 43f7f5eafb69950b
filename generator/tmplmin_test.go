package generator

import (
	"bytes"
	"context"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
)

func TestMinifyTemplate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		ok   bool
	}{{
		name: "white space between block elements",
		in:   "<main>\n  <h1>{{.Title}}</h1>\n  <p>{{.Lead}}</p>\n</main>\n",
		want: "<main><h1>{{.Title}}</h1><p>{{.Lead}}</p></main>",
		ok:   true,
	}, {
		name: "conditional attribute keeps its own space",
		in:   `<a href="{{.URL}}"{{if .Active}} aria-current="page"{{end}}>{{.Title}}</a>`,
		want: `<a href="{{.URL}}"{{if .Active}} aria-current="page"{{end}}>{{.Title}}</a>`,
		ok:   true,
	}, {
		name: "space before an action in a tag stays",
		in:   `<input type="search" {{if .Required}}required{{end}}>`,
		want: `<input type="search" {{if .Required}}required{{end}}>`,
		ok:   true,
	}, {
		name: "text around an action keeps its spaces",
		in:   "<p>Zuständig ist der {{.Office}}, Telefon {{.Phone}}.</p>",
		want: "<p>Zuständig ist der {{.Office}}, Telefon {{.Phone}}.</p>",
		ok:   true,
	}, {
		name: "action next to a block element loses the line break",
		in:   "<div>\n{{range .Parts}}\n<section>{{.}}</section>\n{{end}}\n</div>",
		want: "<div>{{range .Parts}}<section>{{.}}</section>{{end}}</div>",
		ok:   true,
	}, {
		name: "script content is left to the template",
		in:   `<script type="application/ld+json">{{.JSONLD}}</script>`,
		want: `<script type="application/ld+json">{{.JSONLD}}</script>`,
		ok:   true,
	}, {
		name: "comments and trim markers stay as written",
		in:   "<ul>\n{{- /* the items */ -}}\n<li>a</li></ul>",
		// The white space that trim markers remove is theirs to remove.
		want: "<ul>\n{{- /* the items */ -}}\n<li>a</li></ul>",
		ok:   true,
	}, {
		name: "define blocks",
		in:   "{{define \"main\"}}\n<article>\n<h1>{{.Title}}</h1>\n</article>\n{{end}}\n",
		want: "{{define \"main\"}}<article><h1>{{.Title}}</h1></article>{{end}}",
		ok:   true,
	}, {
		name: "text with the placeholder mark is left alone",
		in:   "<p>" + placeholderMark + "0" + placeholderMark + " {{.X}}</p>\n\n",
		want: "<p>" + placeholderMark + "0" + placeholderMark + " {{.X}}</p>\n\n",
		ok:   false,
	}, {
		name: "a template that does not parse is left alone",
		in:   "<p>{{if .X}}</p>\n",
		want: "<p>{{if .X}}</p>\n",
		ok:   false,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := minifyTemplate("t.html", tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("minifyTemplate(%q)\n got %q, %v\nwant %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok {
				if _, err := template.New("t.html").Parse(got); err != nil {
					t.Errorf("minified template does not parse: %v", err)
				}
			}
		})
	}
}

func TestTidyPage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"line break between block tags", "<p>a</p>\n<p>b</p>", "<p>a</p><p>b</p>"},
		{"line break after a block tag", "<ul>\n  <li>a</li></ul>", "<ul><li>a</li></ul>"},
		{"line break between inline tags stays", "<a>x</a>\n<b>y</b>", "<a>x</a>\n<b>y</b>"},
		{"line break in text stays", "<p>ein\nText</p>", "<p>ein\nText</p>"},
		{"space after the last tag goes", "<html></html>\n\n", "<html></html>"},
		{"preformatted text keeps its lines", "<pre><b>a</b>\n<p>b</p></pre>\n<p>c</p>", "<pre><b>a</b>\n<p>b</p></pre><p>c</p>"},
		{"textarea keeps its lines", "<textarea><p>\n</p></textarea>", "<textarea><p>\n</p></textarea>"},
		{"unclosed pre keeps its lines to the end", "<p>a</p>\n<pre><b>a</b>\n<p>b</p>", "<p>a</p><pre><b>a</b>\n<p>b</p>"},
		{"second pre keeps its lines", "<pre>a</pre>\n<p>b</p>\n<pre><b>c</b>\n<p>d</p></pre>", "<pre>a</pre><p>b</p><pre><b>c</b>\n<p>d</p></pre>"},
		{"no line break", "<p>a</p> <p>b</p>", "<p>a</p> <p>b</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tidyPage([]byte(tt.in))); got != tt.want {
				t.Errorf("tidyPage(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPagesAsMinified checks that the pages of the example federation,
// written from minified templates without minifying the page, are what
// the minifier makes of them.
func TestPagesAsMinified(t *testing.T) {
	out := t.TempDir()
	_, err := Build(context.Background(), Options{
		ConfigPath: filepath.Join("..", "sites.toml"),
		ThemeDir:   themeDir,
		SkipIndex:  true,
		Override: func(cfg *federation.Config) {
			cfg.OutputDir = out
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := newMinifier()
	pages := 0
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == IndexDir {
			// The search endpoint's page layouts keep a comment that
			// marks where results go.
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pages++
		min, err := m.Bytes("text/html", data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if !bytes.Equal(min, data) {
			t.Errorf("%s is not minified: %d bytes, %d minified", p, len(data), len(min))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 100 {
		t.Fatalf("the example federation has %d pages, want at least 100", pages)
	}
}

// markdownSamples are Markdown texts for the tests of tidyEnough: plain
// ones that skip the minifier and ones that need it.
var markdownSamples = []string{
	"Ein Absatz.\n\nNoch einer mit *Betonung* und **mehr**.",
	"## Titel\n\nText\nüber zwei Zeilen.\n\n- a\n- b\n\n  weiter\n\n1. eins\n2. zwei",
	"| A | B |\n|---|:-:|\n| 1 | 2 |",
	"> Zitat\n> zwei\n\n---\n\n### Unter",
	"[Link](https://a.de/x \"Titel\") ![Bild](/b.png) <https://x.de> ~~weg~~ `c d`",
	"Ein \"Zitat\" und 'so' & mehr  mit  Leerzeichen.\nZweite Zeile  \nHarter Umbruch\\\nnoch einer",
	"```\ncode <b>\n\n  x\n```\n\n    eingerückt\n",
	"Text <b>roh</b> und <!-- k -->\n\n<div>block</div>",
	"[Link](https://a.de/?a=1&b=2) Zeile&nbsp;mit &copy; &lt;tag&gt;",
	"Ein [Link](HTTP://x.de).",
	"![Bild](HTTPS://x.de/b.png)",
	"![Bild](data:image/png;base64,YWJj)",
	"Das ![Rathaus am Markt](https://x.de/rathaus.png \"Rathaus\") steht hier.",
}

// TestTidyEnoughMatchesMinifier renders Markdown samples and checks that
// a page with a piece that tidyEnough lets skip the minifier comes out
// of tidyPage as it does with the minified piece.
func TestTidyEnoughMatchesMinifier(t *testing.T) {
	skipped := 0
	for _, src := range markdownSamples {
		if checkTidyEnough(t, src) {
			skipped++
		}
	}
	if skipped == 0 || skipped == len(markdownSamples) {
		t.Errorf("%d of %d samples skip the minifier, want some but not all", skipped, len(markdownSamples))
	}
}

func FuzzTidyEnough(f *testing.F) {
	for _, src := range markdownSamples {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkTidyEnough(t, src)
	})
}

// checkTidyEnough renders src and, if tidyEnough lets the result skip
// the minifier, compares a page with it and one with it minified, both
// after tidyPage. It reports whether the result skips the minifier.
func checkTidyEnough(t *testing.T, src string) bool {
	t.Helper()
	var raw bytes.Buffer
	if err := newMarkdown().md.Convert([]byte(src), &raw); err != nil {
		t.Fatal(err)
	}
	if !tidyEnough(raw.Bytes()) {
		return false
	}
	var minified bytes.Buffer
	if err := minifyHTMLFragmentTo(&minified, bytes.NewBuffer(slices.Clone(raw.Bytes()))); err != nil {
		t.Fatal(err)
	}
	page := func(piece []byte) string {
		return string(tidyPage([]byte("<section><h2>Teil</h2>\n<div class=\"prose\">" + string(piece) + "\n</div>\n</section>")))
	}
	if got, want := page(raw.Bytes()), page(minified.Bytes()); got != want {
		t.Errorf("Markdown %q renders as %q, which skips the minifier, but the page\n%q\ndiffers from the one with the minified piece\n%q",
			src, raw.String(), got, want)
	}
	return true
}
