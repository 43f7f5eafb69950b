package relevance

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/dldb"
	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}()

// buildIndex builds the federation of config into a temporary folder and
// opens its search index.
func buildIndex(t *testing.T, config string) (*search.Index, *search.Corpus) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.Build(context.Background(), generator.Options{
		ConfigPath: config,
		ThemeDir:   filepath.Join(repoRoot, "themes", "default"),
		OutputDir:  out,
		KeepCorpus: true,
	})
	if err != nil {
		t.Fatalf("building %s: %v", config, err)
	}
	ix, err := search.Open(filepath.Join(out, generator.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, res.Corpus
}

func TestEmslandQueries(t *testing.T) {
	ix, corpus := buildIndex(t, filepath.Join(repoRoot, "sites.toml"))
	report := searchtest.RunRelevance(t, ix, "emsland.toml", nil)
	if n := len(report.Outcomes); n < 25 {
		t.Errorf("emsland.toml has %d queries, want at least 25", n)
	}
	compareWithStock(t, report, corpus, "emsland.toml", nil)
}

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

func TestMunichQueries(t *testing.T) {
	data := corpusDir(t)
	queries := filepath.Join(data, "..", "relevance", "munich.toml")
	if _, err := os.Stat(queries); err != nil {
		t.Skipf("Munich queries not found: %v", err)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "sites.toml")
	if err := os.WriteFile(config, munichSites(t), 0o644); err != nil {
		t.Fatal(err)
	}
	sources := importMunich(t, data, filepath.Join(dir, "content", "muenchen"))
	ix, corpus := buildIndex(t, config)

	// The Munich queries name the expected service by its DLDB id, which
	// the import keeps as the page's source.
	match := func(expect map[string]string, hit search.Hit) (bool, error) {
		want := expect["id"]
		urls := []string{hit.URL}
		for _, o := range hit.OfferedBy {
			urls = append(urls, o.URL)
		}
		for _, u := range urls {
			if sources[u] == "dldb:"+want {
				return true, nil
			}
		}
		return false, nil
	}
	report := searchtest.RunRelevance(t, ix, queries, match)
	compareWithStock(t, report, corpus, queries, match)
}

// importMunich imports the Munich export into dir and returns the source
// id of every service page by its URL.
func importMunich(t *testing.T, corpus, dir string) map[string]string {
	t.Helper()
	services, err := os.Open(filepath.Join(corpus, "munich", "services_de.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer services.Close()
	locations, err := os.Open(filepath.Join(corpus, "munich", "locations_de.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer locations.Close()
	files, _, err := dldb.Convert(dldb.Options{Services: services, Locations: locations})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dldb.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, f := range files {
		slug, ok := strings.CutPrefix(f.Path, "services/")
		if !ok {
			continue
		}
		front, _, _ := strings.Cut(strings.TrimPrefix(string(f.Data), "+++\n"), "\n+++")
		var m struct {
			Source string `toml:"source"`
		}
		if _, err := toml.Decode(front, &m); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		sources["https://muenchen.test.example/leistungen/"+strings.TrimSuffix(slug, ".md")+"/"] = m.Source
	}
	return sources
}

// munichSites returns the sites.toml of a federation of one portal for
// the Munich catalogue.
func munichSites(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "relevance", "testdata", "munich-sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
