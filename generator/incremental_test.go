package generator

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/search"
)

// copyTree copies the folder src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exampleFederation copies the repository's example federation into a
// new folder and returns the path of its sites.toml.
func exampleFederation(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"content", "logos"} {
		copyTree(t, filepath.Join("..", name), filepath.Join(dir, name))
	}
	data, err := os.ReadFile(filepath.Join("..", "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites.toml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "sites.toml")
}

// treeFiles returns the files below dir by slash-separated path, and
// each folder with a trailing slash. With skipIndex it leaves out the
// search index, which an update changes in place, so its files differ
// from those a full build writes.
func treeFiles(t *testing.T, dir string, skipIndex bool) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if skipIndex && rel == IndexDir+"/index" {
			return fs.SkipDir
		}
		if d.IsDir() {
			if p != dir {
				// Record folders too, so an empty folder left behind
				// shows as a difference.
				files[rel+"/"] = nil
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// compareTrees fails t when the trees differ, naming the first few
// differences.
func compareTrees(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	var diffs []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+p)
		case !bytes.Equal(g, w):
			diffs = append(diffs, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		if len(diffs) > 10 {
			diffs = append(diffs[:10], "...")
		}
		t.Errorf("update differs from a full build:\n%s", strings.Join(diffs, "\n"))
	}
}

// edit is one change of the content, as an editor makes it.
type edit struct {
	name string
	// apply changes the content below the folder and returns the paths
	// an editor's save touched.
	apply func(t *testing.T, content string) []string
	// wantErr is set when the change breaks the build.
	wantErr string
	// maxRendered bounds the pages the update renders when it is
	// positive. With -1 the update must render none.
	maxRendered int
	// search, when set, is a query and the URL it must find, or with a
	// leading "!" must not find, after the change.
	search, find string
	// outputs are paths in the output folder that must exist after the
	// change, or with a leading "!" must not.
	outputs []string
}

func write(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceIn(t *testing.T, p, old, repl string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	write(t, p, strings.Replace(string(data), old, repl, 1))
}

var edits = []edit{
	{
		name: "body of a commune page",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "services", "bewohnerparkausweis.md")
			replaceIn(t, p, "Zone B die Wohnstraßen", "Zone B die Wohnstraßen und Plätze")
			return []string{p}
		},
		maxRendered: 1,
	},
	{
		name: "title of a commune page",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "services", "bewohnerparkausweis.md")
			replaceIn(t, p, `base = "bewohnerparkausweis"`, "base = \"bewohnerparkausweis\"\ntitle = \"Parkausweis für die Altstadt\"")
			return []string{p}
		},
		search: "Parkausweis Altstadt", find: "/leistungen/bewohnerparkausweis/",
	},
	{
		name: "base text",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "_shared", "services", "hundesteuer.md")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			write(t, p, string(data)+"\nSchäferhundezuschlag gibt es nicht.\n")
			return []string{p}
		},
		search: "Schäferhundezuschlag", find: "/leistungen/hundesteuer/",
	},
	{
		name: "new folder with two pages",
		apply: func(t *testing.T, c string) []string {
			dir := filepath.Join(c, "twist", "pages")
			write(t, filepath.Join(dir, "moor.md"), "+++\ntitle = \"Moorlehrpfad\"\nreviewed = 2026-11-02\n+++\n\nDer Lehrpfad führt durch das Bourtanger Moor.\n")
			write(t, filepath.Join(dir, "heimathaus.md"), "+++\ntitle = \"Heimathaus\"\nreviewed = 2026-11-02\n+++\n\nDas Heimathaus ist sonntags geöffnet.\n")
			return []string{dir}
		},
		search: "Moorlehrpfad", find: "/moor/",
	},
	{
		name: "new page",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "pages", "wochenmarkt.md")
			write(t, p, "+++\ntitle = \"Wochenmarkt\"\nsummary = \"Markttage in Meppen\"\nreviewed = 2026-11-02\n+++\n\nDer Wochenmarkt ist mittwochs und samstags auf dem Marktplatz.\n")
			return []string{p}
		},
		search: "Wochenmarkt", find: "/wochenmarkt/",
	},
	{
		name: "link to the new page",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "_index.md")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			write(t, p, string(data)+"\nDie Markttage stehen auf der Seite [Wochenmarkt](/wochenmarkt/).\n")
			return []string{p}
		},
	},
	{
		name: "standalone service",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "haren", "services", "bootsliegeplatz.md")
			write(t, p, "+++\ntitle = \"Bootsliegeplatz im Yachthafen\"\nsummary = \"Einen Liegeplatz für ein Sportboot mieten.\"\ncategory = \"umzug-wohnen\"\ntier = \"gemeinde\"\nreviewed = 2026-10-01\n+++\n\nDie Stadt Haren (Ems) vermietet Liegeplätze im Yachthafen.\n")
			return []string{p}
		},
		search: "Yachthafen", find: "/leistungen/bootsliegeplatz/",
	},
	{
		name: "rename",
		apply: func(t *testing.T, c string) []string {
			old := filepath.Join(c, "haren", "services", "bootsliegeplatz.md")
			p := filepath.Join(c, "haren", "services", "liegeplatz.md")
			if err := os.Rename(old, p); err != nil {
				t.Fatal(err)
			}
			return []string{old, p}
		},
		search: "Yachthafen", find: "/leistungen/liegeplatz/",
	},
	{
		name: "broken link",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "pages", "wochenmarkt.md")
			replaceIn(t, p, "Marktplatz.", "Marktplatz, siehe [Parken](/parken-am-markt/).")
			return []string{p}
		},
		wantErr: "broken link",
	},
	{
		name: "fix",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "pages", "wochenmarkt.md")
			replaceIn(t, p, ", siehe [Parken](/parken-am-markt/).", ".")
			return []string{p}
		},
	},
	{
		name: "delete a linked page",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "pages", "wochenmarkt.md")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return []string{p}
		},
		wantErr: "broken link",
	},
	{
		name: "remove the link as well",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "_index.md")
			replaceIn(t, p, "\nDie Markttage stehen auf der Seite [Wochenmarkt](/wochenmarkt/).\n", "")
			return []string{p}
		},
		search: "Wochenmarkt", find: "!/wochenmarkt/",
	},
	{
		name: "office",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "offices", "buergerbuero.md")
			replaceIn(t, p, "name = \"", "name = \"Neues ")
			return []string{p}
		},
	},
	{
		name: "body of an office",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "offices", "buergerbuero.md")
			replaceIn(t, p, "im Neuen Rathaus", "im Neuen Rathaus am Markt")
			return []string{p}
		},
	},
	{
		name: "new service extending a base text",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "services", "kitaplatz.md")
			write(t, p, "+++\nbase = \"kitaplatz\"\noffice = \"buergerbuero\"\nreviewed = 2026-11-02\n+++\n\n## Gebühren\n\nIn Lingen (Ems) ist die Krippe für Geschwisterkinder beitragsfrei.\n")
			return []string{p}
		},
		search: "Geschwisterkinder", find: "/leistungen/kitaplatz/",
	},
	{
		// The new service reads the base text, so the update renders
		// its page again.
		name: "base text of the new service",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "_shared", "services", "kitaplatz.md")
			replaceIn(t, p, "vor dem gewünschten Beginn.", "vor dem gewünschten Beginn. Ein Platzwechsel ist zum Halbjahr möglich.")
			return []string{p}
		},
		search: "Platzwechsel", find: "/leistungen/kitaplatz/",
	},
	{
		name: "base text and a service in one save",
		apply: func(t *testing.T, c string) []string {
			base := filepath.Join(c, "_shared", "services", "hundesteuer.md")
			svc := filepath.Join(c, "lingen", "services", "hundesteuer.md")
			replaceIn(t, base, "Schäferhundezuschlag gibt es nicht.", "Einen Schäferhundezuschlag gibt es nicht.")
			replaceIn(t, svc, "Die Hundesteuer beträgt", "Die jährliche Hundesteuer beträgt")
			return []string{base, svc}
		},
	},
	{
		name: "save without a change",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "lingen", "services", "hundesteuer.md")
			replaceIn(t, p, "jährliche", "jährliche")
			return []string{p}
		},
		maxRendered: -1,
	},
	{
		name: "delete a service",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "haren", "services", "liegeplatz.md")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return []string{p}
		},
		search: "Yachthafen", find: "!/leistungen/liegeplatz/",
	},
	{
		name: "delete a folder",
		apply: func(t *testing.T, c string) []string {
			dir := filepath.Join(c, "twist", "pages")
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			return []string{dir}
		},
		search: "Moorlehrpfad", find: "!/moor/",
	},
	{
		name: "new file and a page that shows it",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "meppen", "files", "marktplatz.svg")
			write(t, file, marktplatzSVG("#1d4f91"))
			start := filepath.Join(c, "meppen", "_index.md")
			data, err := os.ReadFile(start)
			if err != nil {
				t.Fatal(err)
			}
			write(t, start, string(data)+"\n![Lageplan des Marktplatzes](/dateien/marktplatz.svg)\n")
			return []string{filepath.Dir(file), start}
		},
		outputs: []string{"meppen/dateien/marktplatz.svg", "!lingen/dateien/marktplatz.svg"},
	},
	{
		// A file's content shows on no page, so no page renders.
		name: "edit a file",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "meppen", "files", "marktplatz.svg")
			write(t, file, marktplatzSVG("#c01c28"))
			return []string{file}
		},
		maxRendered: -1,
	},
	{
		name: "file with a script",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "meppen", "files", "marktplatz.svg")
			replaceIn(t, file, "</svg>", "<script>alert(1)</script></svg>")
			return []string{file}
		},
		wantErr: "element <script> runs script",
	},
	{
		name: "delete a file that a page shows",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "meppen", "files", "marktplatz.svg")
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			return []string{file}
		},
		wantErr: `broken image "/dateien/marktplatz.svg": portal "meppen" has no file marktplatz.svg`,
	},
	{
		name: "file back",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "meppen", "files", "marktplatz.svg")
			write(t, file, marktplatzSVG("#c01c28"))
			return []string{file}
		},
	},
	{
		name: "new shared file and a link to it",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "_shared", "files", "wochenmarkt.txt")
			write(t, file, "Markttage: mittwochs und samstags\n")
			p := filepath.Join(c, "meppen", "_index.md")
			replaceIn(t, p, "![Lageplan des Marktplatzes]", "Die [Markttage](/dateien/wochenmarkt.txt) und der ![Lageplan des Marktplatzes]")
			return []string{file, p}
		},
		outputs: []string{"meppen/dateien/wochenmarkt.txt", "!lingen/dateien/wochenmarkt.txt"},
	},
	{
		// The shared form of a base text goes to every commune.
		name: "edit a shared file",
		apply: func(t *testing.T, c string) []string {
			file := filepath.Join(c, "_shared", "files", "hundesteuer-anmeldung.pdf")
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			write(t, file, string(data)+"% zweite Fassung\n")
			return []string{file}
		},
		maxRendered: -1,
	},
	{
		name: "remove the link to the shared file",
		apply: func(t *testing.T, c string) []string {
			p := filepath.Join(c, "meppen", "_index.md")
			replaceIn(t, p, "Die [Markttage](/dateien/wochenmarkt.txt) und der ", "")
			return []string{p}
		},
		outputs: []string{"!meppen/dateien/wochenmarkt.txt"},
	},
	{
		name: "delete the files folder and the image",
		apply: func(t *testing.T, c string) []string {
			dir := filepath.Join(c, "meppen", "files")
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(c, "meppen", "_index.md")
			replaceIn(t, p, "\n![Lageplan des Marktplatzes](/dateien/marktplatz.svg)\n", "")
			return []string{dir, p}
		},
		outputs: []string{"!meppen/dateien/marktplatz.svg", "meppen/dateien/hundesteuer-anmeldung.pdf"},
	},
}

// marktplatzSVG returns a small site plan whose square has the color
// fill.
func marktplatzSVG(fill string) string {
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="` +
		fill + `"/></svg>` + "\n"
}

// TestUpdateEqualsFullBuild applies a sequence of edits, renames and
// deletions to the example federation, updates the output after each,
// and compares it with a full build of the same content.
func TestUpdateEqualsFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example federation many times")
	}
	ctx := context.Background()
	config := exampleFederation(t)
	content := filepath.Join(filepath.Dir(config), "content")
	out := filepath.Join(t.TempDir(), "public")
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	b := NewBuilder(Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out, Now: now, LiveIndex: true})
	defer b.Close()
	first, err := b.Build(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Updated || first.Rendered != first.Pages {
		t.Fatalf("first build: updated %v, rendered %d of %d pages", first.Updated, first.Rendered, first.Pages)
	}

	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			before := treeFiles(t, out, true)
			changed := e.apply(t, content)
			res, err := b.Build(ctx, changed)
			if e.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), e.wantErr) {
					t.Fatalf("got error %v, want one with %q", err, e.wantErr)
				}
				compareTrees(t, treeFiles(t, out, true), before)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.Updated {
				t.Errorf("build was not an update")
			}
			if e.maxRendered > 0 && res.Rendered > e.maxRendered {
				t.Errorf("update rendered %d pages, want at most %d", res.Rendered, e.maxRendered)
			}
			if e.maxRendered < 0 && res.Rendered > 0 {
				t.Errorf("update rendered %d pages, want none", res.Rendered)
			}
			if res.Rendered >= res.Pages {
				t.Errorf("update rendered all %d pages", res.Pages)
			}
			full := filepath.Join(t.TempDir(), "public")
			if _, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: full, Now: now}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, treeFiles(t, out, true), treeFiles(t, full, true))
			for _, p := range e.outputs {
				absent := strings.HasPrefix(p, "!")
				_, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(p, "!"))))
				if absent && err == nil {
					t.Errorf("%s exists after the update", p[1:])
				}
				if !absent && err != nil {
					t.Errorf("after the update: %v", err)
				}
			}
			if e.search != "" {
				b.WaitIndex()
				checkSearch(t, b.Index(), e.search, e.find)
			}
		})
	}
}

// checkSearch fails t unless a search for query finds a hit whose URL
// ends in find, or with a leading "!" finds none.
func checkSearch(t *testing.T, ix *search.Index, query, find string) {
	t.Helper()
	res, err := ix.Search(context.Background(), search.Request{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	want := !strings.HasPrefix(find, "!")
	find = strings.TrimPrefix(find, "!")
	found := false
	var urls []string
	for _, h := range res.Hits {
		urls = append(urls, h.URL)
		for _, o := range h.OfferedBy {
			urls = append(urls, o.URL)
		}
	}
	for _, u := range urls {
		if strings.HasSuffix(u, find) {
			found = true
		}
	}
	if found != want {
		t.Errorf("search %q: found %s is %v, want %v; hits %v", query, find, found, want, urls)
	}
}

// TestUpdateAfterConfigChange checks that a change outside the content
// folder makes the next build a full one.
func TestUpdateAfterConfigChange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example federation")
	}
	ctx := context.Background()
	config := exampleFederation(t)
	out := filepath.Join(t.TempDir(), "public")
	b := NewBuilder(Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out})
	if _, err := b.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, config, `name = "Landkreis Emsland"`, `name = "Landkreis Emsland (Test)"`)
	res, err := b.Build(ctx, []string{config})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated || res.Rendered != res.Pages {
		t.Errorf("after a change of sites.toml: updated %v, rendered %d of %d", res.Updated, res.Rendered, res.Pages)
	}
}

// TestBuildSites builds two portals in separate builds into one output
// folder, as parallel CI jobs do, and searches their index parts as one.
func TestBuildSites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example federation three times")
	}
	ctx := context.Background()
	config := exampleFederation(t)
	out := filepath.Join(t.TempDir(), "public")
	for _, site := range []string{"lingen", "meppen"} {
		res, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out, Sites: []string{site}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sites != 1 {
			t.Errorf("build of %s built %d portals", site, res.Sites)
		}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"_manifests", IndexDir, "lingen", "meppen"}; !slices.Equal(names, want) {
		t.Errorf("output folder holds %v, want %v", names, want)
	}
	for _, p := range []string{"lingen/leistungen/personalausweis/index.html", "_manifests/meppen.json",
		IndexDir + "/layouts/lingen.html", IndexDir + "/parts/meppen/index/federation.json"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Errorf("site builds did not write %s: %v", p, err)
		}
	}

	// The pages of one portal equal those of a full build.
	full := filepath.Join(t.TempDir(), "public")
	if _, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: full}); err != nil {
		t.Fatal(err)
	}
	got, want := treeFiles(t, filepath.Join(out, "lingen"), true), treeFiles(t, filepath.Join(full, "lingen"), true)
	compareTrees(t, got, want)

	ix, err := search.Open(filepath.Join(out, IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, site := range []string{"lingen", "meppen"} {
		res, err := ix.Search(ctx, search.Request{Query: "Personalausweis", Site: site})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Site != site {
			t.Errorf("search from %s: first hit %+v, want the portal's own page", site, res.Hits)
		}
	}

	// A part's document of a base text names the portals of the other
	// parts too, so filtering by a commune keeps them all.
	res, err := ix.Search(ctx, search.Request{Query: "Hundesteuer", Commune: "meppen"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hit for Hundesteuer in meppen")
	}
	offeredBy := map[string]bool{}
	for _, o := range res.Hits[0].OfferedBy {
		offeredBy[o.Site] = true
	}
	if !offeredBy["lingen"] || !offeredBy["meppen"] || !offeredBy["haren"] {
		t.Errorf("offers of Hundesteuer filtered by meppen = %v, want lingen, meppen and haren among them",
			res.Hits[0].OfferedBy)
	}

	// A part beside the index of a full build holds pages twice.
	if err := os.Rename(filepath.Join(full, IndexDir, "index"), filepath.Join(out, IndexDir, "index")); err != nil {
		t.Fatal(err)
	}
	if _, err := search.Open(filepath.Join(out, IndexDir)); err == nil || !strings.Contains(err.Error(), "keep one of them") {
		t.Errorf("opening a full index and parts together: %v, want an error", err)
	}

	if _, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out, Sites: []string{"atlantis"}}); err == nil ||
		!strings.Contains(err.Error(), `unknown site "atlantis"`) {
		t.Errorf("build of an unknown site: %v", err)
	}
}

// TestRereadContent changes files and folders of a content folder and
// compares what rereadContent returns with a fresh read of the folder.
func TestRereadContent(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"a/services/x.md":   {Data: []byte("x")},
		"a/services/y.md":   {Data: []byte("y")},
		"a/pages/p.md":      {Data: []byte("p")},
		"a-b/pages/q.md":    {Data: []byte("q")},
		"b/_index.md":       {Data: []byte("b")},
		"b/services/z.md":   {Data: []byte("z")},
		"b/.hidden/h.md":    {Data: []byte("h")},
		"_shared/base/s.md": {Data: []byte("s")},
	}
	steps := []struct {
		name    string
		change  func()
		changed []string
	}{
		{"edit a file", func() { fsys["a/services/x.md"] = &fstest.MapFile{Data: []byte("x2")} }, []string{"a/services/x.md"}},
		{"add a file", func() { fsys["a/services/w.md"] = &fstest.MapFile{Data: []byte("w")} }, []string{"a/services/w.md"}},
		{"delete a file", func() { delete(fsys, "a/services/y.md") }, []string{"a/services/y.md"}},
		{"add a folder", func() {
			fsys["c/pages/n.md"] = &fstest.MapFile{Data: []byte("n")}
			fsys["c/pages/m.md"] = &fstest.MapFile{Data: []byte("m")}
		}, []string{"c"}},
		{"folder and a file in it", func() {
			fsys["b/services/z.md"] = &fstest.MapFile{Data: []byte("z2")}
			fsys["b/services/v.md"] = &fstest.MapFile{Data: []byte("v")}
		}, []string{"b/services/z.md", "b"}},
		{"delete a folder", func() {
			delete(fsys, "a/services/x.md")
			delete(fsys, "a/services/w.md")
			delete(fsys, "a/pages/p.md")
		}, []string{"a"}},
		{"hidden file", func() { fsys["b/.hidden/h.md"] = &fstest.MapFile{Data: []byte("h2")} }, []string{"b/.hidden/h.md"}},
	}
	files, err := readContent(ctx, fsys, "content", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range steps {
		step.change()
		files, err = rereadContent(fsys, "content", files, step.changed)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want, err := readContent(ctx, fsys, "content", false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(files, want, func(a, b rawFile) bool {
			return a.rel == b.rel && a.name == b.name && a.hash == b.hash
		}) {
			t.Errorf("%s: got %v, want %v", step.name, rels(files), rels(want))
		}
	}
}

func rels(files []rawFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.rel)
	}
	return out
}

// TestUpdateWithRelativeConfig updates a build whose sites.toml is given
// relative to the working folder, so file paths in messages are
// relative too, and checks that the update names the files as a full
// build does.
func TestUpdateWithRelativeConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example federation twice")
	}
	ctx := context.Background()
	config := exampleFederation(t)
	t.Chdir(filepath.Dir(config))
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	// Every service is due for review, so every service page warns and
	// names its file.
	opts := Options{ConfigPath: "sites.toml", ThemeDir: themeDir, OutputDir: "public", Now: now,
		ReviewMaxAge: time.Hour}
	b := NewBuilder(opts)
	defer b.Close()
	if _, err := b.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("content", "lingen", "services", "bewohnerparkausweis.md")
	replaceIn(t, p, "Zone B die Wohnstraßen", "Zone B die Wohnstraßen und Plätze")
	res, err := b.Build(ctx, []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Updated {
		t.Errorf("build after the edit was not an update")
	}
	if res.Rendered != 1 {
		t.Errorf("update rendered %d pages, want 1", res.Rendered)
	}

	opts.OutputDir = "full"
	full, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Warnings) == 0 {
		t.Fatal("full build has no warnings to compare")
	}
	if got, want := diagText(res.Warnings), diagText(full.Warnings); got != want {
		t.Errorf("warnings of the update differ from a full build's:\n%s\nwant\n%s", got, want)
	}
	compareTrees(t, treeFiles(t, "public", true), treeFiles(t, "full", true))
}

func diagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Error() + "\n")
	}
	return b.String()
}
