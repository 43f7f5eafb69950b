package main

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/verbund/verbund/generator"
)

// themeDir is the repository's default theme.
var themeDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "themes", "default")
}()

// generate writes a corpus of pages service pages with seed into new
// folders and returns the verbund and Hugo folders.
func generate(t *testing.T, pages int, seed uint64) (verbundDir, hugoDir string) {
	t.Helper()
	root := t.TempDir()
	verbundDir, hugoDir = filepath.Join(root, "verbund"), filepath.Join(root, "hugo")
	args := []string{"-pages", strconv.Itoa(pages), "-seed", strconv.FormatUint(seed, 10),
		"-out", verbundDir, "-hugo", hugoDir, "-theme", themeDir}
	if err := run(args, os.Stderr, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("gencorpus %v: %v", args, err)
	}
	return verbundDir, hugoDir
}

// htmlFiles returns the paths of the HTML files under dir, relative to
// it, leaving out folders that start with an underscore.
func htmlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), "_") {
			return fs.SkipDir
		}
		if strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func countServicePages(files []string) int {
	n := 0
	for _, f := range files {
		parts := strings.Split(f, "/")
		if len(parts) == 4 && parts[1] == "leistungen" {
			n++
		}
	}
	return n
}

func TestCorpusBuildsWithVerbund(t *testing.T) {
	const pages = 300
	dir, _ := generate(t, pages, 1)
	res, err := generator.Build(context.Background(), generator.Options{
		ConfigPath: filepath.Join(dir, "sites.toml"),
	})
	if err != nil {
		t.Fatalf("building the corpus: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning: %v", w)
	}
	if res.Sites != 20 {
		t.Errorf("built %d portals, want 20", res.Sites)
	}
	if got := countServicePages(htmlFiles(t, filepath.Join(dir, "public"))); got != pages {
		t.Errorf("published %d service pages, want %d", got, pages)
	}
}

func TestCorpusIsDeterministic(t *testing.T) {
	a, _ := generate(t, 150, 7)
	b, _ := generate(t, 150, 7)
	c, _ := generate(t, 150, 8)
	readAll := func(dir string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[rel] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	fa, fb, fc := readAll(a), readAll(b), readAll(c)
	if len(fa) != len(fb) {
		t.Fatalf("same seed wrote %d and %d files", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("same seed wrote different %s", name)
		}
	}
	same := 0
	for name, data := range fa {
		if bytes.Equal(data, fc[name]) {
			same++
		}
	}
	if same == len(fa) {
		t.Error("another seed wrote the same corpus")
	}
}

func TestHugoSiteHasSamePages(t *testing.T) {
	const pages = 200
	verbundDir, hugoDir := generate(t, pages, 3)
	var hugoServices int
	err := filepath.WalkDir(filepath.Join(hugoDir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && filepath.Base(filepath.Dir(p)) == "leistungen" && d.Name() != "_index.md" {
			hugoServices++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if hugoServices != pages {
		t.Errorf("Hugo site has %d service pages, want %d", hugoServices, pages)
	}

	hugo, err := exec.LookPath("hugo")
	if err != nil {
		t.Skip("hugo is not installed; the page sets are not compared")
	}
	if _, err := generator.Build(context.Background(), generator.Options{
		ConfigPath: filepath.Join(verbundDir, "sites.toml"),
	}); err != nil {
		t.Fatalf("building with verbund: %v", err)
	}
	out, err := exec.Command(hugo, "--minify", "--quiet", "-s", hugoDir).CombinedOutput()
	if err != nil {
		t.Fatalf("building with Hugo: %v\n%s", err, out)
	}
	// The Hugo site has one page more: the list of portals at its root.
	want := append(htmlFiles(t, filepath.Join(verbundDir, "public")), "index.html")
	slices.Sort(want)
	got := htmlFiles(t, filepath.Join(hugoDir, "public"))
	if !slices.Equal(got, want) {
		t.Errorf("Hugo wrote %d pages and verbund %d plus the root; first difference: %s",
			len(got), len(want)-1, firstDifference(got, want))
	}
}

func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " against " + b[i]
		}
	}
	return "one list is longer"
}

func TestParseCommunes(t *testing.T) {
	csv := `ebene,ags,ars,name,verband,einwohner,flaeche_km2,plz,lon,lat
kreis,03454,03454,Landkreis Emsland,,,,,,
gemeinde,03454032,034540032032,"Lingen (Ems), Stadt",,54708,176.18,49808,7.3,52.5
samtgemeinde,,034545401,Samtgemeinde Dörpen,,,,,,
gemeinde,03454007,034545401007,Dersum,Dörpen,1443,28.57,26906,7.2,52.9
gemeinde,03454008,034545401008,Dörpen,Dörpen,5392,33.08,26892,7.3,52.9
`
	admins, err := parseCommunes(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(admins) != 3 {
		t.Fatalf("got %d administrations, want the county, Lingen and Dörpen: %+v", len(admins), admins)
	}
	if admins[0].Kind != "kreis" || admins[0].Key != "03454" {
		t.Errorf("first entry %+v, want the county with key 03454", admins[0])
	}
	if got := siteID(admins[1]); got != "lingen-ems" {
		t.Errorf("site id of %q is %q, want lingen-ems", admins[1].Name, got)
	}
	if got := legalName(admins[1]); got != "Stadt Lingen (Ems)" {
		t.Errorf("legal name of %q is %q, want Stadt Lingen (Ems)", admins[1].Name, got)
	}
	if admins[2].Key != "034545401" {
		t.Errorf("Samtgemeinde key %q, want the 9-digit 034545401", admins[2].Key)
	}
	if admins[2].PostalCode != "26892" {
		t.Errorf("Samtgemeinde postal code %q, want 26892 of its member Dörpen", admins[2].PostalCode)
	}
}

func TestParseCommunesMissingColumn(t *testing.T) {
	_, err := parseCommunes(strings.NewReader("ebene,ags,name\nkreis,03454,Emsland\n"))
	if err == nil || !strings.Contains(err.Error(), `missing column "ars"`) {
		t.Errorf("got error %v, want one naming the missing column ars", err)
	}
}

func TestPlanRejectsTooFewPages(t *testing.T) {
	_, err := planFederation(options{Pages: 50, Bases: 180, Standalone: 0.2, Seed: 1}, madeUpCommunes())
	if err == nil {
		t.Error("planned 50 pages over 20 portals, want an error")
	}
}

func TestPrepareDirKeepsForeignFolder(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepareDir(dir); err == nil {
		t.Error("prepared a folder with foreign files, want an error")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("foreign file is gone: %v", err)
	}
}
