package generator

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/diag"
)

func TestFileNameProblem(t *testing.T) {
	tests := []struct {
		name string
		// problem is part of the problem, or "" for a good name; hint
		// is part of the hint.
		problem, hint string
	}{
		{"antrag-wohngeld.pdf", "", ""},
		{"foto_2026.jpg", "", ""},
		{"2026-haushalt.xlsx", "", ""},
		{"Antrag.pdf", "character 'A'", `rename it to "antrag.pdf"`},
		{"antrag.PDF", "character 'P'", `rename it to "antrag.pdf"`},
		{"bürgerbüro.jpg", "character 'ü'", `rename it to "buergerbuero.jpg"`},
		{"stadt plan.png", "character ' '", `rename it to "stadt-plan.png"`},
		{"plan.v2.pdf", "more than one dot", `rename it to "plan-v2.pdf"`},
		{"_entwurf.odt", "does not start with a letter or digit", `rename it to "entwurf.odt"`},
		{"liesmich", "no extension", "portals publish images"},
		{"_liesmich", "no extension and does not start with a letter or digit",
			"start it with a letter or digit and add the extension"},
		{"_headers", "writes each portal's _headers itself", "delete it"},
		{"_redirects", "writes each portal's _redirects itself", "aliases in a page's front matter"},
		{"_plan.v2.pdf", "more than one dot and does not start with a letter or digit", `rename it to "plan-v2.pdf"`},
		{"_seite.html", "type .html are not published, and the name does not start with a letter or digit",
			"under a name that starts with a letter or digit"},
		{"seite.html", "type .html are not published", "such as PDF"},
		{"bild.bmp", "type .bmp are not published", "images (png, jpg"},
		{"ü.pdf", "character 'ü'", `rename it to "ue.pdf"`},
		{"!.pdf", "character '!'", "give it a name of lower-case letters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problem, hint := fileNameProblem(tt.name)
			if tt.problem == "" {
				if problem != "" {
					t.Errorf("problem %q, want none", problem)
				}
				return
			}
			if !strings.Contains(problem, tt.problem) {
				t.Errorf("problem %q lacks %q", problem, tt.problem)
			}
			if !strings.Contains(hint, tt.hint) {
				t.Errorf("hint %q lacks %q", hint, tt.hint)
			}
		})
	}
}

// zipArchive returns a ZIP archive of the given files, name then
// content, stored in that order.
func zipArchive(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		f, err := w.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFileContentChecks(t *testing.T) {
	odt := zipArchive(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>")
	ods := zipArchive(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<x/>")
	docx := zipArchive(t, "[Content_Types].xml", "<x/>", "word/document.xml", "<x/>")
	xlsx := zipArchive(t, "[Content_Types].xml", "<x/>", "xl/workbook.xml", "<x/>")
	tests := []struct {
		ext  string
		data []byte
		// problem is part of the problem, or "" when the content fits.
		problem string
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), ""},
		{"png", []byte("GIF89a"), "signature"},
		{"jpg", []byte("\xff\xd8\xff\xe0JFIF"), ""},
		{"jpeg", []byte("\x89PNG\r\n\x1a\n"), "signature"},
		{"gif", []byte("GIF87a..."), ""},
		{"webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), ""},
		{"webp", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), "signature"},
		{"pdf", []byte("%PDF-1.7\n"), ""},
		{"pdf", append(bytes.Repeat([]byte(" "), 100), "%PDF-1.4"...), ""},
		{"pdf", append(bytes.Repeat([]byte(" "), 1100), "%PDF-1.4"...), "header %PDF-"},
		{"odt", odt, ""},
		{"odt", ods, `names "application/vnd.oasis.opendocument.spreadsheet"`},
		{"ods", ods, ""},
		{"odt", docx, "lacks mimetype"},
		{"docx", docx, ""},
		{"docx", xlsx, "lacks word/document.xml"},
		{"xlsx", xlsx, ""},
		{"xlsx", []byte("%PDF-1.4"), "no ZIP archive"},
		{"txt", []byte("Öffnungszeiten\r\n"), ""},
		{"txt", []byte("\xd6ffnungszeiten"), "not UTF-8"},
		{"txt", []byte("a\x00b"), "byte 2 is NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.ext+" "+tt.problem, func(t *testing.T) {
			got := fileTypes[tt.ext].check(tt.data)
			if tt.problem == "" && got != "" {
				t.Errorf("problem %q, want none", got)
			}
			if tt.problem != "" && !strings.Contains(got, tt.problem) {
				t.Errorf("problem %q, want one with %q", got, tt.problem)
			}
		})
	}
}

func TestOldOfficeFileWithNewExtension(t *testing.T) {
	doc := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...)
	for _, ext := range []string{"docx", "xlsx", "pdf"} {
		var diags diag.List
		checkFileContent("content/nordstadt/files/antrag."+ext, doc, fileTypes[ext], &diags)
		if len(diags) != 1 {
			t.Fatalf("%s: %d diagnostics, want 1: %v", ext, len(diags), diags)
		}
		if !strings.Contains(diags[0].Message, "a file of the older Office formats (.doc, .xls, .ppt)") {
			t.Errorf("%s: message %q does not name the older Office formats", ext, diags[0].Message)
		}
		if !strings.Contains(diags[0].Hint, "save it as "+fileTypes[ext].name+" or as PDF") {
			t.Errorf("%s: hint %q does not say how to save it", ext, diags[0].Hint)
		}
	}
}

func TestCheckSVG(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`
	tests := []struct {
		name, svg string
		// want is part of the error, or "" when the file passes.
		want string
	}{
		{"plain drawing", open + `<path d="M0 0h10v10z" fill="red"/></svg>`, ""},
		{"Inkscape metadata", `<svg xmlns="http://www.w3.org/2000/svg" ` +
			`xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" ` +
			`xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" inkscape:version="1.3">` +
			`<sodipodi:namedview pagecolor="#ffffff"/><g inkscape:label="Ebene 1"><rect width="1" height="1"/></g></svg>`, ""},
		{"doctype without entities", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" ` +
			`"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + open + `</svg>`, ""},
		{"link to a web page", open + `<a href="https://www.example.org/">x</a></svg>`, ""},
		{"script in upper case", open + `<SCRIPT>alert(1)</SCRIPT></svg>`, "element <SCRIPT> runs script"},
		{"script of the HTML namespace", open + `<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>`,
			"element <script> runs script"},
		{"handler of SVG Tiny", open + `<handler type="application/ecmascript">alert(1)</handler></svg>`, "runs script"},
		{"iframe", open + `<iframe src="https://example.org/"/></svg>`, "embeds another page"},
		{"event handler in upper case", open + `<rect ONCLICK="alert(1)"/></svg>`, "ONCLICK of <rect> is an event handler"},
		{"event handler with a namespace", open + `<rect xlink:onclick="alert(1)"/></svg>`, "xlink:onclick of <rect>"},
		{"vbscript", open + `<a xlink:href="vbscript:msgbox(1)">x</a></svg>`, "contains a vbscript URL"},
		{"javascript with an entity", open + `<a href="&#106;avascript:alert(1)">x</a></svg>`, "contains a javascript URL"},
		{"HTML as a data URL", open + `<image href="data:text/html;base64,PHNjcmlwdD4="/></svg>`, "data:text/html"},
		{"javascript in a style", open + `<style>rect { background: url(javascript:alert(1)) }</style></svg>`,
			"style element contains a javascript URL"},
		{"animation of a link", open + `<a><animate attributeName="href" values="javascript:alert(1)"/></a></svg>`,
			"contains a javascript URL"},
		{"style sheet", `<?xml-stylesheet href="https://example.org/a.css"?>` + open + `</svg>`, "links a style sheet"},
		{"unknown entity", open + `<text>&nbsp;</text></svg>`, "invalid SVG file"},
		{"no svg namespace", `<svg><rect/></svg>`, "not <svg xmlns="},
		{"text", `GIF89a`, "contains no SVG element"},
		{"binary", "\x89PNG\r\n\x1a\n\x00", "invalid SVG file"},
		{"no element", `<?xml version="1.0"?>`, "contains no SVG element"},
		{"attribute default in the DOCTYPE", `<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>` + open + `</svg>`,
			"DOCTYPE of the SVG file has declarations of its own"},
		{"entity in mixed case", `<!DOCTYPE svg [<!Entity x "y">]>` + open + `</svg>`, "declares XML entities"},
		{"declaration outside a DOCTYPE", `<!ELEMENT svg ANY>` + open + `</svg>`, "declaration other than a DOCTYPE"},
		{"use of an element of the same file", open + `<defs><g id="a"/></defs><use xlink:href="#a"/><use href=" #a"/></svg>`, ""},
		{"use of a data URL", open + `<use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x"/></svg>`,
			`<use> shows "data:image/svg+xml`},
		{"use of another host", open + `<use xlink:href="https://example.org/a.svg#x"/></svg>`,
			"not an element of the same file"},
		{"animation of a use target", open + `<use href="#a"><set attributeName="href" to="data:image/svg+xml,x"/></use></svg>`,
			"<set> animates the link href"},
		{"animation of an xlink target", open + `<a><animate attributeName=" xlink:href" values="#a;#b"/></a></svg>`,
			"<animate> animates the link  xlink:href"},
		{"style split by a comment", open + `<style>a { b: url(java<!-- x -->script:alert(1)) }</style></svg>`,
			"style element contains a javascript URL"},
		{"style split by CDATA", open + `<style>a { b: url(java<![CDATA[script:alert(1)) }]]></style></svg>`,
			"style element contains a javascript URL"},
		{"CSS escape in a style element", open + `<style>a { b: url(java\73 cript:alert(1)) }</style></svg>`,
			"style element contains a javascript URL"},
		{"CSS escape in a style attribute", open + `<rect style="fill: url(\6A avascript:alert(1))"/></svg>`,
			"attribute style of <rect> contains a javascript URL"},
		{"style split by a child element", open + `<style>@imp<g/>ort url(https://example.org/a.css);</style></svg>`,
			"imports a style sheet with @import"},
		{"style with a child element", open + `<style>a { b: url(java<g><g/></g>script:alert(1)) }</style></svg>`,
			"style element contains a javascript URL"},
		{"style sheet import", open + `<style>@import url(https://example.org/a.css);</style></svg>`,
			"imports a style sheet with @import"},
		{"style in CDATA", open + `<style><![CDATA[.a { fill: #fff; font-family: "Open Sans", \"x\" }]]></style></svg>`, ""},
		{"UTF-16", "\xff\xfe<\x00s\x00v\x00g\x00>\x00", "encoded in UTF-16"},
		{"Latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?>` + open + `</svg>`,
			`declares the encoding "ISO-8859-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.List
			ok := checkSVG("plan.svg", []byte(tt.svg), &diags)
			if tt.want == "" {
				if !ok || len(diags) > 0 {
					t.Errorf("rejected: %v", diags)
				}
				return
			}
			if ok {
				t.Fatal("passed, want an error")
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Message, tt.want) {
				t.Errorf("reported %v, want one error with %q", diags, tt.want)
			}
		})
	}
}

func TestCSSUnescape(t *testing.T) {
	tests := []struct{ css, want string }{
		{`url(\6a avascript:x)`, "url(javascript:x)"},
		{`\62 c`, "bc"},
		{`\62\63`, "bc"},
		{`a\\62 c`, `a\62 c`},
		{`\"x\"`, `"x"`},
		{"a\\\nb", "ab"},
		{`a\`, `a\`},
		{`\0 x`, "\uFFFDx"},
	}
	for _, tt := range tests {
		if got := cssUnescape(tt.css); got != tt.want {
			t.Errorf("cssUnescape(%q) = %q, want %q", tt.css, got, tt.want)
		}
	}
}

// TestFileSizeLimits builds a portal with a file above maxFileSize, which
// is an error, and an image above largeImageSize, which is a warning.
func TestFileSizeLimits(t *testing.T) {
	dir := writeFederation(t, nil)
	files := filepath.Join(dir, "content", "nordstadt", "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	// The build does not read a file that is too large, so a sparse file
	// takes no room.
	big, err := os.Create(filepath.Join(files, "bebauungsplan.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(maxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	big.Close()
	photo := append([]byte("\xff\xd8\xff\xe0"), make([]byte, largeImageSize)...)
	if err := os.WriteFile(filepath.Join(files, "rathaus.jpg"), photo, 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = build(t, dir)
	checkErrors(t, err, "content/nordstadt/files/bebauungsplan.pdf: file of 25.0 MiB (26214401 bytes) is larger than the limit of 25.0 MiB (26214400 bytes)")

	if err := os.Remove(filepath.Join(files, "bebauungsplan.pdf")); err != nil {
		t.Fatal(err)
	}
	res, err := build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "content/nordstadt/files/rathaus.jpg: warning: image of 1.0 MiB loads slowly on a mobile connection"
	if got := diagText(res.Warnings); !strings.Contains(got, want) {
		t.Errorf("warnings lack %q:\n%s", want, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "nordstadt", "dateien", "rathaus.jpg")); err != nil {
		t.Errorf("the large image is not published: %v", err)
	}
}

// TestFileHeaders reads the _headers rules of a portal and checks the
// headers a file, an SVG file and a page get, joined as Netlify and
// Cloudflare Pages join the headers of every rule that matches.
func TestFileHeaders(t *testing.T) {
	dir := writeFederation(t, nil)
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "public", "nordstadt", "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	headersOf := func(urlPath string) map[string][]string {
		got := map[string][]string{}
		matches := false
		for _, line := range strings.Split(string(data), "\n") {
			if line == "" {
				continue
			}
			if line[0] != ' ' {
				matches = headerRuleMatches(line, urlPath)
				continue
			}
			if matches {
				name, value, _ := strings.Cut(strings.TrimSpace(line), ": ")
				got[name] = append(got[name], value)
			}
		}
		return got
	}
	tests := []struct {
		path   string
		header string
		want   []string
	}{
		{"/dateien/antrag.pdf", "Cache-Control", []string{filesCache}},
		{"/dateien/antrag.pdf", "Content-Security-Policy", nil},
		{"/dateien/antrag.pdf", "X-Content-Type-Options", []string{"nosniff"}},
		{"/dateien/plan.svg", "Content-Security-Policy", []string{svgPolicy}},
		{"/dateien/plan.svg", "Cache-Control", []string{filesCache}},
		{"/leistungen/reisepass/", "Cache-Control", []string{shortCache}},
		{"/leistungen/reisepass/", "X-Frame-Options", []string{"DENY"}},
		{"/assets/style.css", "Cache-Control", []string{immutableCache}},
	}
	for _, tt := range tests {
		got := headersOf(tt.path)[tt.header]
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: %s = %q, want %q", tt.path, tt.header, got, tt.want)
		}
	}
	for _, p := range []string{"/leistungen/reisepass/", "/", "/assets/style.css"} {
		csp := headersOf(p)["Content-Security-Policy"]
		if len(csp) != 1 || !strings.Contains(csp[0], "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy = %q, want the pages' policy once", p, csp)
		}
	}
}

// headerRuleMatches reports whether a _headers path pattern matches
// urlPath, where "*" matches any characters, as in Netlify and
// Cloudflare Pages.
func headerRuleMatches(pattern, urlPath string) bool {
	prefix, suffix, splat := strings.Cut(pattern, "*")
	if !splat {
		return pattern == urlPath
	}
	return len(urlPath) >= len(prefix)+len(suffix) &&
		strings.HasPrefix(urlPath, prefix) && strings.HasSuffix(urlPath, suffix)
}

// TestFileReferenceRecorded builds a portal whose only reference to a
// shared file is in a part of a base text that every portal renders the
// same, which the build renders once: every portal that shows it still
// publishes the file.
func TestFileReferenceRecorded(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- patch content/_shared/services/reisepass.md --
- der bisherige Pass
=>
- der bisherige Pass
- das ausgefüllte [Antragsformular](/dateien/antrag-reisepass.pdf)
-- content/_shared/files/antrag-reisepass.pdf --
%PDF-1.4
`)))
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	for _, site := range []string{"nordstadt", "suedheim"} {
		if _, err := os.Stat(filepath.Join(dir, "public", site, "dateien", "antrag-reisepass.pdf")); err != nil {
			t.Errorf("%s does not publish the shared file: %v", site, err)
		}
	}
	// The county's portal does not offer the service.
	if _, err := os.Stat(filepath.Join(dir, "public", "kreis", "dateien", "antrag-reisepass.pdf")); err == nil {
		t.Error("kreis publishes a shared file that none of its pages refers to")
	}
}

// TestHeaderRuleLimit checks that a portal whose _headers has more rules
// than Cloudflare Pages allows gets a warning, and that one below the
// limit gets none.
func TestHeaderRuleLimit(t *testing.T) {
	dir := writeFederation(t, nil)
	res, err := build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := diagText(res.Warnings); strings.Contains(got, "header-rules") || strings.Contains(got, "_headers has") {
		t.Fatalf("warning below the limit:\n%s", got)
	}

	for i := range maxHeaderRules {
		page := fmt.Sprintf("+++\ntitle = \"Seite %d\"\nsummary = \"Eine Seite.\"\n+++\nText.\n", i)
		name := filepath.Join(dir, "content", "nordstadt", "pages", fmt.Sprintf("seite-%d.md", i))
		if err := os.WriteFile(name, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err = build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	got := diagText(res.Warnings)
	if want := `portal "nordstadt": _headers has`; !strings.Contains(got, want) {
		t.Errorf("warnings lack %q:\n%s", want, got)
	}
	if !strings.Contains(got, "sites.toml:") {
		t.Errorf("the warning names no position in sites.toml:\n%s", got)
	}
}

// TestFileReferenceSpellings builds a portal whose page refers to shared
// files by the site id, by the web address with the scheme and host in
// another case, which the link check accepts, and by an autolink: the
// portal publishes every file.
func TestFileReferenceSpellings(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- content/_shared/files/antrag.pdf --
%PDF-1.4
-- content/_shared/files/merkblatt.pdf --
%PDF-1.4
-- content/_shared/files/satzung.pdf --
%PDF-1.4
-- content/nordstadt/pages/formulare.md --
+++
title = "Formulare"
summary = "Formulare der Stadt."
+++
Der [Antrag](Nordstadt:/dateien/antrag.pdf) und das
[Merkblatt](HTTPS://NORDSTADT.beispiel.example/dateien/merkblatt.pdf).

Die Satzung: <https://nordstadt.beispiel.example/dateien/satzung.pdf>
`)))
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"antrag.pdf", "merkblatt.pdf", "satzung.pdf"} {
		if _, err := os.Stat(filepath.Join(dir, "public", "nordstadt", "dateien", name)); err != nil {
			t.Errorf("nordstadt does not publish the shared file %s: %v", name, err)
		}
	}
}

// TestStrayFileHint checks the folder that the warning about a document
// or image outside a files folder names as its place.
func TestStrayFileHint(t *testing.T) {
	dir := writeFederation(t, nil)
	tests := []struct {
		path, hint string
	}{
		{"nordstadt/services/plan.pdf", "move it to nordstadt/files/"},
		{"_shared/plan.pdf", "move it to _shared/files/"},
		{"files/plan.pdf", "move it to the files folder of a site, <site>/files/, or to _shared/files/"},
		{"plan.pdf", "move it to the files folder of a site, <site>/files/, or to _shared/files/"},
		{"nordstadt/backup.zip", "move it out of the content folder"},
	}
	for _, tt := range tests {
		file := filepath.Join(dir, "content", filepath.FromSlash(tt.path))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte("%PDF-1.4\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := build(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	got := diagText(res.Warnings)
	for _, tt := range tests {
		var line string
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, "content/"+tt.path+":") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("no warning for content/%s:\n%s", tt.path, got)
			continue
		}
		if !strings.Contains(line, tt.hint) {
			t.Errorf("warning for content/%s = %q, want the hint %q", tt.path, line, tt.hint)
		}
	}
}
