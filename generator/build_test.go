package generator

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/diag"
)

// themeDir is the repository's default theme, which every test builds
// with.
var themeDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "themes", "default")
}()

// writeFederation writes the base federation of testdata/federation.txtar
// into a new folder, with the files of the case archive replacing or
// patching files of the same name, and returns the folder.
func writeFederation(t *testing.T, caseArchive *txtar.Archive) string {
	t.Helper()
	base, err := txtar.ParseFile("testdata/federation.txtar")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range base.Files {
		files[f.Name] = f.Data
	}
	if caseArchive != nil {
		for _, f := range caseArchive.Files {
			switch {
			case f.Name == "errors" || f.Name == "files":
			case strings.HasPrefix(f.Name, "patch "):
				name := strings.TrimPrefix(f.Name, "patch ")
				old, repl, ok := strings.Cut(string(f.Data), "=>\n")
				if !ok || !bytes.Contains(files[name], []byte(old)) {
					t.Fatalf("patch of %s does not apply", name)
				}
				files[name] = bytes.Replace(files[name], []byte(old), []byte(repl), 1)
			default:
				files[f.Name] = f.Data
			}
		}
	}
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func build(t *testing.T, dir string) (*Result, error) {
	t.Helper()
	return Build(context.Background(), Options{
		ConfigPath: filepath.Join(dir, "sites.toml"),
		ThemeDir:   themeDir,
	})
}

func section(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// TestBuildCases runs each testdata/build/*.txtar: a case with an
// "errors" section must fail with every listed line in its message, and
// without the text of each line that starts with "!"; one
// without must succeed and produce the listed files ("path" exists,
// "path: text" contains text, "!path" is absent) and report every line
// of a "warnings" section among its warnings.
func TestBuildCases(t *testing.T) {
	cases, err := filepath.Glob("testdata/build/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := writeFederation(t, a)
			if name == "bom-crlf-nfd" {
				rewriteBOMCRLFNFD(t, dir)
			}
			res, err := build(t, dir)
			if want, ok := section(a, "errors"); ok {
				checkErrors(t, err, want)
				if _, statErr := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(statErr) {
					t.Errorf("failed build left an output folder: %v", statErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("build failed: %v", err)
			}
			files, _ := section(a, "files")
			checkFiles(t, filepath.Join(dir, "public"), files)
			if want, ok := section(a, "warnings"); ok {
				var lines []string
				for _, d := range res.Warnings {
					lines = append(lines, d.Error())
				}
				got := strings.Join(lines, "\n")
				for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
					if !strings.Contains(got, line) {
						t.Errorf("warnings lack %q; got:\n%s", line, got)
					}
				}
			}
		})
	}
}

func checkErrors(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("build succeeded, want errors")
	}
	if _, ok := diag.AsList(err); !ok {
		t.Errorf("error is no diagnostic list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
		if absent, ok := strings.CutPrefix(line, "!"); ok {
			if strings.Contains(err.Error(), absent) {
				t.Errorf("error output has %q; got:\n%v", absent, err)
			}
			continue
		}
		if !strings.Contains(err.Error(), line) {
			t.Errorf("error output lacks %q; got:\n%v", line, err)
		}
	}
}

func checkFiles(t *testing.T, out, spec string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(spec), "\n") {
		if line == "" {
			continue
		}
		if absent, ok := strings.CutPrefix(line, "!"); ok {
			if _, err := os.Stat(filepath.Join(out, absent)); err == nil {
				t.Errorf("%s exists, want it absent", absent)
			}
			continue
		}
		// "path: text" wants text in the file, "path !: text" not.
		path, text, _ := strings.Cut(line, ": ")
		path, lacks := strings.CutSuffix(path, " !")
		data, err := os.ReadFile(filepath.Join(out, path))
		if err != nil {
			t.Errorf("missing output: %v", err)
			continue
		}
		if text == "" {
			continue
		}
		if has := strings.Contains(string(data), text); has == lacks {
			if lacks {
				t.Errorf("%s has %q", path, text)
			} else {
				t.Errorf("%s lacks %q", path, text)
			}
		}
	}
}

// rewriteBOMCRLFNFD gives the case's page a byte-order mark and CRLF line
// endings, and renames it to its NFD spelling.
func rewriteBOMCRLFNFD(t *testing.T, dir string) {
	t.Helper()
	nfc := filepath.Join(dir, "content", "nordstadt", "pages", "öffnungszeiten.md")
	data, err := os.ReadFile(nfc)
	if err != nil {
		t.Fatal(err)
	}
	data = append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...)
	if err := os.Remove(nfc); err != nil {
		t.Fatal(err)
	}
	nfd := filepath.Join(filepath.Dir(nfc), norm.NFD.String("öffnungszeiten.md"))
	if nfd == nfc {
		t.Fatal("NFD spelling equals NFC spelling")
	}
	if err := os.WriteFile(nfd, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuildDeterministic(t *testing.T) {
	dir := writeFederation(t, nil)
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	first := treeFiles(t, filepath.Join(dir, "public"), false)
	stale := filepath.Join(dir, "public", "nordstadt", "alt.html")
	if err := os.WriteFile(stale, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	second := treeFiles(t, filepath.Join(dir, "public"), false)
	if len(first) != len(second) {
		t.Errorf("first build wrote %d files, second %d", len(first), len(second))
	}
	indexFiles := 0
	for name, data := range first {
		if strings.HasPrefix(name, IndexDir+"/index/") && !strings.HasSuffix(name, "/") {
			indexFiles++
		}
		if !bytes.Equal(data, second[name]) {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
	// federation.json, and index_meta.json, root.bolt and a segment in
	// each partition.
	if indexFiles < 4 {
		t.Errorf("the build wrote %d files of the search index, want at least 4", indexFiles)
	}
	for _, name := range []string{"kreis/favicon.ico", "nordstadt/favicon.ico"} {
		if _, ok := first[name]; !ok {
			t.Errorf("the build wrote no %s", name)
		}
	}
	if _, ok := second["nordstadt/alt.html"]; ok {
		t.Error("a file of an earlier build survived the next build")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".public-build-*"))
	if len(leftovers) > 0 {
		t.Errorf("staging folders left behind: %v", leftovers)
	}
}

func TestBuildFailureKeepsOutput(t *testing.T) {
	dir := writeFederation(t, nil)
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	before := treeFiles(t, filepath.Join(dir, "public"), false)

	broken := filepath.Join(dir, "content", "nordstadt", "pages", "kaputt.md")
	if err := os.WriteFile(broken, []byte("+++\ntitle = \n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(t, dir); err == nil {
		t.Fatal("build with invalid front matter succeeded")
	}
	after := treeFiles(t, filepath.Join(dir, "public"), false)
	if len(before) != len(after) {
		t.Fatalf("output has %d files after a failed build, had %d", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed in a failed build", name)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".public-build-*"))
	if len(leftovers) > 0 {
		t.Errorf("staging folders left behind: %v", leftovers)
	}
}

// TestBuildIndependentOfTimeZone builds in child processes with
// different TZ settings, because the TOML decoder reads the machine's
// zone once at start.
func TestBuildIndependentOfTimeZone(t *testing.T) {
	if dir := os.Getenv("VERBUND_TZ_BUILD"); dir != "" {
		if _, err := build(t, dir); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, tz := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		t.Run(tz, func(t *testing.T) {
			if _, err := time.LoadLocation(tz); err != nil {
				t.Skipf("time zone data missing: %v", err)
			}
			dir := writeFederation(t, nil)
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuildIndependentOfTimeZone$")
			cmd.Env = append(os.Environ(), "TZ="+tz, "VERBUND_TZ_BUILD="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("build in %s: %v\n%s", tz, err, out)
			}
			sitemap, err := os.ReadFile(filepath.Join(dir, "public", "nordstadt", "sitemap.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(sitemap, []byte("<lastmod>2026-04-01</lastmod>")) {
				t.Errorf("sitemap lacks the review date 2026-04-01:\n%s", sitemap)
			}
		})
	}
}

func TestDateKeepsCalendarDay(t *testing.T) {
	for _, offset := range []int{-11, 0, 14} {
		// BurntSushi/toml names the zone of a local date so.
		zone := time.FixedZone("date-local", offset*3600)
		var d Date
		if err := d.UnmarshalTOML(time.Date(2026, 4, 1, 0, 0, 0, 0, zone)); err != nil {
			t.Fatal(err)
		}
		if got := d.String(); got != "2026-04-01" {
			t.Errorf("offset %+d: date %s, want 2026-04-01", offset, got)
		}
	}
}

func TestReadBodyAgain(t *testing.T) {
	file := filepath.Join(t.TempDir(), "seite.md")
	content := "\xef\xbb\xbf+++\r\ntitle = \"Seite\"\r\n+++\r\nText der Seite.\r\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	f := newRawFile("seite.md", "content", []byte(content))
	src, err := splitFrontMatter(f.name, f.src)
	if err != nil {
		t.Fatal(err)
	}
	src.hash = f.hash
	d := &decoded{kind: "pages", page: &Page{src: src}}
	d.dropBody(file, len(f.src))
	if d.page.src.body != nil {
		t.Fatal("dropBody kept the body")
	}

	body, err := d.page.src.readBody()
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != "Text der Seite.\n" {
		t.Errorf("body read again = %q, want %q", body, "Text der Seite.\n")
	}

	if err := os.WriteFile(file, []byte(content+"Neu.\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := d.page.src.readBody(); err == nil || !strings.Contains(err.Error(), "changed during the build") {
		t.Errorf("reading a changed file: err = %v, want a change error", err)
	}
}

// TestBuildRejectsForeignOutput builds into folders that a build must not
// replace and checks that the build fails and every file stays.
func TestBuildRejectsForeignOutput(t *testing.T) {
	tests := []struct {
		name string
		// out returns the output folder, given the project folder.
		out  func(t *testing.T, dir string) string
		want string
	}{
		{"project folder", func(t *testing.T, dir string) string { return dir },
			"choose a folder of its own for the output"},
		{"parent of the project", func(t *testing.T, dir string) string { return filepath.Dir(dir) },
			"choose a folder of its own for the output"},
		{"content folder", func(t *testing.T, dir string) string { return filepath.Join(dir, "content") },
			"is a path the build reads, which it would delete"},
		{"sites.toml", func(t *testing.T, dir string) string { return filepath.Join(dir, "sites.toml") },
			"is a path the build reads, which it would delete"},
		{"inside the content folder", func(t *testing.T, dir string) string {
			out := filepath.Join(dir, "content", "out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			return out
		}, "lies inside"},
		{"folder of other files", func(t *testing.T, dir string) string {
			other := filepath.Join(t.TempDir(), "documents")
			if err := os.MkdirAll(other, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(other, "keep.txt"), []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			return other
		}, "contains files but no _manifests folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFederation(t, nil)
			out := tt.out(t, dir)
			before := treeFiles(t, out, false)
			_, err := Build(context.Background(), Options{
				ConfigPath: filepath.Join(dir, "sites.toml"),
				ThemeDir:   themeDir,
				OutputDir:  out,
			})
			if err == nil {
				t.Fatalf("build into %s succeeded", out)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			after := treeFiles(t, out, false)
			if len(after) != len(before) {
				t.Errorf("%s has %d files after the build, had %d", out, len(after), len(before))
			}
		})
	}
}

// TestBuildReplacesEarlierOutput builds twice into one folder: the
// second build may replace what the first wrote.
func TestBuildReplacesEarlierOutput(t *testing.T) {
	dir := writeFederation(t, nil)
	out := filepath.Join(t.TempDir(), "site")
	for i := range 2 {
		_, err := Build(context.Background(), Options{
			ConfigPath: filepath.Join(dir, "sites.toml"),
			ThemeDir:   themeDir,
			OutputDir:  out,
		})
		if err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
	}
}

// TestBuildWithBuiltInTheme builds a project without a themes folder,
// which takes the theme built into verbund, and compares the output with
// a build from the repository's theme folder.
func TestBuildWithBuiltInTheme(t *testing.T) {
	dir := writeFederation(t, nil)
	if _, err := os.Stat(filepath.Join(dir, "themes")); err == nil {
		t.Fatal("the test federation has a themes folder")
	}
	builtIn := filepath.Join(t.TempDir(), "built-in")
	if _, err := Build(context.Background(), Options{ConfigPath: filepath.Join(dir, "sites.toml"), OutputDir: builtIn}); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(t.TempDir(), "folder")
	_, err := Build(context.Background(), Options{
		ConfigPath: filepath.Join(dir, "sites.toml"), ThemeDir: themeDir, OutputDir: folder,
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := treeFiles(t, builtIn, false), treeFiles(t, folder, false)
	if len(a) != len(b) {
		t.Fatalf("built-in theme gave %d files, theme folder %d", len(a), len(b))
	}
	for name, data := range b {
		if !bytes.Equal(a[name], data) {
			t.Errorf("%s differs between the built-in theme and the theme folder", name)
		}
	}
}

// TestBuildMissingThemeFolder names the theme folder that is given but
// does not exist.
func TestBuildMissingThemeFolder(t *testing.T) {
	dir := writeFederation(t, nil)
	missing := filepath.Join(dir, "themes", "eigenes")
	_, err := Build(context.Background(), Options{ConfigPath: filepath.Join(dir, "sites.toml"), ThemeDir: missing})
	if err == nil {
		t.Fatal("build with a missing theme folder succeeded")
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v does not name the missing theme folder %s", err, missing)
	}
}

// TestBuildErrorsWithoutFollowUps breaks the front matter of a page that
// another page links to: the link is not reported as broken, because it
// works once the page's own error is fixed, and a broken link elsewhere
// is still reported.
func TestBuildErrorsWithoutFollowUps(t *testing.T) {
	dir := writeFederation(t, txtar.Parse([]byte(`-- content/nordstadt/pages/notdienste.md --
+++
title = "Notdienste
+++
-- content/nordstadt/pages/hinweise.md --
+++
title = "Hinweise"
+++
Siehe [Notdienste](/notdienste/) und [Alt](/gibt-es-nicht/).
`)))
	_, err := build(t, dir)
	if err == nil {
		t.Fatal("build with invalid front matter succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "notdienste.md:2:") {
		t.Errorf("error lacks the invalid front matter:\n%s", msg)
	}
	if strings.Contains(msg, `broken link "/notdienste/"`) {
		t.Errorf("error reports the link to the page with the invalid front matter:\n%s", msg)
	}
	if !strings.Contains(msg, `hinweise.md:4:44: broken link "/gibt-es-nicht/"`) {
		t.Errorf("error lacks the other broken link:\n%s", msg)
	}
}
