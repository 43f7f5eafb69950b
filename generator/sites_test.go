package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/search"
)

// buildSites builds the portals sites of the federation in dir into
// out, with the search index unless skipIndex is set.
func buildSites(dir, out string, skipIndex bool, sites ...string) error {
	_, err := Build(context.Background(), Options{ConfigPath: filepath.Join(dir, "sites.toml"), ThemeDir: themeDir,
		OutputDir: out, Sites: sites, SkipIndex: skipIndex})
	return err
}

// indexFolders returns the names of the folders in out/_search/parts,
// and "index" first when out/_search/index exists.
func indexFolders(t *testing.T, out string) []string {
	t.Helper()
	var names []string
	if _, err := os.Stat(filepath.Join(out, IndexDir, "index")); err == nil {
		names = append(names, "index")
	}
	entries, err := os.ReadDir(filepath.Join(out, IndexDir, search.PartsDirName))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// checkUnchanged reports each file and folder below dir that differs from
// before, as treeFiles returned it.
func checkUnchanged(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	after := treeFiles(t, dir, false)
	for p, data := range before {
		if now, ok := after[p]; !ok {
			t.Errorf("%s is gone", p)
		} else if !bytes.Equal(now, data) {
			t.Errorf("%s changed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s is new", p)
		}
	}
}

// TestBuildSitesReplacesParts builds portals of the test federation
// into one output folder in turn and checks that each build removes the
// index folders whose portals it all rebuilds, so the search opens.
func TestBuildSitesReplacesParts(t *testing.T) {
	dir := writeFederation(t, nil)
	out := filepath.Join(t.TempDir(), "public")
	steps := []struct {
		sites []string
		full  bool
		want  []string
	}{
		{sites: []string{"nordstadt"}, want: []string{"nordstadt"}},
		{sites: []string{"suedheim"}, want: []string{"nordstadt", "suedheim"}},
		{sites: []string{"suedheim", "nordstadt"}, want: []string{"nordstadt+suedheim"}},
		{sites: []string{"kreis"}, want: []string{"kreis", "nordstadt+suedheim"}},
		{full: true, want: []string{"index"}},
		{sites: []string{"kreis", "nordstadt", "suedheim"}, want: []string{"kreis+nordstadt+suedheim"}},
	}
	for _, step := range steps {
		if err := buildSites(dir, out, false, step.sites...); err != nil {
			t.Fatalf("build of %v: %v", step.sites, err)
		}
		if got := indexFolders(t, out); !slices.Equal(got, step.want) {
			t.Errorf("after the build of %v, the search index folders are %v, want %v", step.sites, got, step.want)
		}
		ix, err := search.Open(filepath.Join(out, IndexDir))
		if err != nil {
			t.Errorf("after the build of %v: %v", step.sites, err)
			continue
		}
		ix.Close()
	}
	hidden, err := filepath.Glob(filepath.Join(out, IndexDir, "*", ".*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(hidden) > 0 {
		t.Errorf("folders moved aside are left: %v", hidden)
	}
}

// TestBuildSitesRejectsSharedIndex builds a portal into an output folder
// whose search index folders also contain portals that the build does
// not rebuild, and checks that the build fails and changes nothing.
func TestBuildSitesRejectsSharedIndex(t *testing.T) {
	dir := writeFederation(t, nil)
	cases := []struct {
		name   string
		before [][]string // the builds before, nil for a full build
		folder string
		want   []string // in the message
	}{
		{name: "full index", before: [][]string{nil}, folder: "index",
			want: []string{"of nordstadt, which this build rebuilds", "kreis, suedheim", "build every portal (without --site)"}},
		{name: "part", before: [][]string{{"nordstadt", "suedheim"}}, folder: "parts/nordstadt+suedheim",
			want: []string{"of nordstadt, which this build rebuilds", "of suedheim, which it does not", "--site nordstadt,suedheim"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "public")
			for _, sites := range c.before {
				if err := buildSites(dir, out, false, sites...); err != nil {
					t.Fatal(err)
				}
			}
			before := treeFiles(t, parent, false)

			err := buildSites(dir, out, false, "nordstadt")
			if err == nil {
				t.Fatal("the build of nordstadt succeeded")
			}
			folder := filepath.Join(out, IndexDir, filepath.FromSlash(c.folder))
			for _, want := range append(c.want, folder, "-out", "-search=false", "delete "+folder) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			checkUnchanged(t, parent, before)

			// Without the search index, nothing is in the way.
			if err := buildSites(dir, out, true, "nordstadt"); err != nil {
				t.Errorf("build of nordstadt without the search index: %v", err)
			}
		})
	}
}

// TestBuildSitesNamedTwice checks that a portal named twice is built
// and indexed once.
func TestBuildSitesNamedTwice(t *testing.T) {
	dir := writeFederation(t, nil)
	out := filepath.Join(t.TempDir(), "public")
	if err := buildSites(dir, out, false, "suedheim", "nordstadt", "suedheim"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, IndexDir, search.PartsDirName, "nordstadt+suedheim", "index", "federation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Only []string }
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	if want := []string{"nordstadt", "suedheim"}; !slices.Equal(info.Only, want) {
		t.Errorf("the part contains the pages of %v, want %v", info.Only, want)
	}
}

func TestCheckSiteIDs(t *testing.T) {
	cfg := &federation.Config{Sites: []federation.Site{{ID: "lingen"}, {ID: "haren"}, {ID: "meppen"}}}
	if err := checkSiteIDs([]string{"lingen", "meppen"}, cfg, "sites.toml"); err != nil {
		t.Errorf("known sites: %v", err)
	}
	cases := []struct {
		ids  []string
		want string
	}{
		{[]string{"atlantis"}, `unknown site "atlantis": name a site id of sites.toml`},
		{[]string{"lingn"}, `unknown site "lingn": name a site id of sites.toml; did you mean "lingen"?`},
		{[]string{"lingen", "lingn", "atlantis", "harn"}, `unknown sites "lingn", "atlantis" and "harn": ` +
			`name site ids of sites.toml; did you mean "lingen" for "lingn" and "haren" for "harn"?`},
	}
	for _, c := range cases {
		err := checkSiteIDs(c.ids, cfg, "sites.toml")
		if err == nil || err.Error() != c.want {
			t.Errorf("checkSiteIDs(%v) = %v, want %s", c.ids, err, c.want)
		}
	}
}

// TestSwapInRestores lets the move of a new part into place fail and
// checks that the folders moved aside for it are back. No build moves
// the part's parent folder aside, but doing so makes the move fail on a
// real file system, even for root.
func TestSwapInRestores(t *testing.T) {
	final, staging := t.TempDir(), t.TempDir()
	for _, p := range []string{"_search/index/federation.json", "_search/parts/a/index/federation.json",
		"_search/parts/b/index/federation.json"} {
		for _, root := range []string{final, staging} {
			if root == staging && !strings.Contains(p, "/b/") {
				continue
			}
			path := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(root), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := treeFiles(t, final, false)
	o := &output{final: final, staging: staging}
	err := o.swapIn("_search/parts/b", []string{filepath.Join(final, "_search", "index"), filepath.Join(final, "_search", "parts")})
	if err == nil {
		t.Fatal("swapIn succeeded without the parent folder of the part")
	}
	checkUnchanged(t, final, before)
	if _, err := os.Stat(filepath.Join(staging, "_search", "parts", "b")); err != nil {
		t.Errorf("the new part left the staging folder: %v", err)
	}
}

// TestBuildSitesRejectsOtherFederation builds a portal beside a part
// whose federation.json lists other portals of the federation, as a
// build from an older sites.toml writes it.
func TestBuildSitesRejectsOtherFederation(t *testing.T) {
	dir := writeFederation(t, nil)
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	if err := buildSites(dir, out, false, "suedheim"); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(out, IndexDir, search.PartsDirName, "suedheim")
	path := filepath.Join(part, "index", "federation.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	sites := info["sites"].([]any)
	info["sites"] = sites[:len(sites)-1]
	if data, err = json.Marshal(info); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeFiles(t, parent, false)

	err = buildSites(dir, out, false, "nordstadt")
	if err == nil {
		t.Fatal("the build of nordstadt succeeded")
	}
	for _, want := range []string{part, "sites.toml with other portals", "build every portal (without --site)", "-out", "-search=false"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	checkUnchanged(t, parent, before)
}
