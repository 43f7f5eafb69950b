package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// repoRoot is the repository's top folder.
var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}()

// corpusDir returns the folder of the real input data: $VERBUND_CORPUS,
// or the shared/corpus folder beside the repository.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("VERBUND_CORPUS")
	if dir == "" {
		dir = filepath.Join(repoRoot, "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "munich", "services_de.json")); err != nil {
		t.Skipf("real corpus not found (set VERBUND_CORPUS): %v", err)
	}
	return dir
}

// run runs the command line and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestImportMunichAndBuild(t *testing.T) {
	corpus := corpusDir(t)
	dir := t.TempDir()
	sites, err := os.ReadFile(filepath.Join(repoRoot, "relevance", "testdata", "munich-sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites.toml"), sites, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(repoRoot, "themes"), filepath.Join(dir, "themes")); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := run(t, "import", "dldb",
		"--services", filepath.Join(corpus, "munich", "services_de.json"),
		"--locations", filepath.Join(corpus, "munich", "locations_de.json"),
		"--site", "muenchen", "--out", filepath.Join(dir, "content", "muenchen"))
	if code != 0 {
		t.Fatalf("import failed (%d): %s", code, stderr)
	}
	code, _, stderr = run(t, "build", "-config", filepath.Join(dir, "sites.toml"))
	if code != 0 {
		t.Fatalf("build failed (%d): %s", code, stderr)
	}

	out := filepath.Join(dir, "public", "muenchen")
	for _, kind := range []struct{ content, url string }{
		{"services", "leistungen"}, {"offices", "dienststellen"},
	} {
		files, _ := filepath.Glob(filepath.Join(dir, "content", "muenchen", kind.content, "*.md"))
		if want := map[string]int{"services": 287, "offices": 109}[kind.content]; len(files) != want {
			t.Errorf("imported %d %s, want %d", len(files), kind.content, want)
		}
		for _, f := range files {
			slug := strings.TrimSuffix(filepath.Base(f), ".md")
			if _, err := os.Stat(filepath.Join(out, kind.url, slug, "index.html")); err != nil {
				t.Errorf("no page for %s: %v", f, err)
			}
		}
	}
	checkLinks(t, filepath.Join(dir, "public"), map[string]string{"https://muenchen.test.example": "muenchen"})
}

var hrefPattern = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// checkLinks checks every link of the HTML pages of each portal under
// public: root-relative links must name a file of the same portal, and
// links to another portal's origin (sites maps origin to site ID) a file
// of that portal.
func checkLinks(t *testing.T, public string, sites map[string]string) {
	t.Helper()
	pages, links := 0, 0
	for _, site := range sites {
		dir := filepath.Join(public, site)
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
				return err
			}
			pages++
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range hrefPattern.FindAllSubmatch(data, -1) {
				target, targetSite := strings.ReplaceAll(string(m[1]), "&amp;", "&"), site
				for origin, id := range sites {
					if rest, ok := strings.CutPrefix(target, origin); ok && (rest == "" || rest[0] == '/') {
						target, targetSite = rest, id
					}
				}
				if target == "" {
					target = "/"
				}
				if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				target, _, _ = strings.Cut(target, "?")
				file := filepath.Join(public, targetSite, filepath.FromSlash(target))
				if strings.HasSuffix(target, "/") {
					file = filepath.Join(file, "index.html")
				}
				links++
				if _, err := os.Stat(file); err != nil {
					rel, _ := filepath.Rel(public, p)
					t.Errorf("%s: broken link %s", rel, m[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if pages == 0 || links == 0 {
		t.Fatalf("checked %d pages with %d links", pages, links)
	}
	t.Logf("checked %d internal links on %d pages", links, pages)
}
