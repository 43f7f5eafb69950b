package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
)

func TestNewSiteRejectsInvalidOptions(t *testing.T) {
	valid := SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027", URL: "https://lahn.example"}
	cases := []struct {
		name    string
		change  func(o *SiteOptions)
		message string
	}{
		{"path traversal", func(o *SiteOptions) { o.ID = "../evil" }, `invalid id "../evil"`},
		{"shared folder", func(o *SiteOptions) { o.ID = "_shared" }, `invalid id "_shared"`},
		{"upper case id", func(o *SiteOptions) { o.ID = "Bad_ID" }, `invalid id "Bad_ID"`},
		{"missing id", func(o *SiteOptions) { o.ID = "" }, "missing --id"},
		{"existing id", func(o *SiteOptions) { o.ID = "lingen" }, `site "lingen" exists already`},
		{"blank name", func(o *SiteOptions) { o.Name = "  " }, "missing --name"},
		{"control character in name", func(o *SiteOptions) { o.Name = "La\x07hn" }, "invalid name"},
		{"short key", func(o *SiteOptions) { o.Key = "123" }, `invalid key "123"`},
		{"eight digits for a Samtgemeinde", func(o *SiteOptions) { o.Kind = "samtgemeinde" }, "regional key of 9 digits"},
		{"key in use", func(o *SiteOptions) { o.Key = "03454" }, `key 03454 is used by site "emsland"`},
		{"ftp url", func(o *SiteOptions) { o.URL = "ftp://x" }, `invalid url "ftp://x"`},
		{"url with path", func(o *SiteOptions) { o.URL = "https://lahn.example/portal" }, `has the path "/portal"`},
		{"url with user info", func(o *SiteOptions) { o.URL = "https://admin@lahn.example" }, "has user info"},
		{"url with underscore", func(o *SiteOptions) { o.URL = "https://lahn_ems.example" }, "invalid host name"},
		{"relative url", func(o *SiteOptions) { o.URL = "lahn.example" }, `invalid url "lahn.example"`},
		{"missing url", func(o *SiteOptions) { o.URL = "" }, "missing --url"},
		{"url in use", func(o *SiteOptions) { o.URL = "https://LINGEN.emsland.example/" }, `is used by site "lingen"`},
		{"url in use with default port", func(o *SiteOptions) { o.URL = "https://lingen.emsland.example:443" },
			`is used by site "lingen"`},
		{"second county", func(o *SiteOptions) { o.Kind, o.Key = "kreis", "03455" }, `has a county already, "emsland"`},
		{"unknown kind", func(o *SiteOptions) { o.Kind = "stadt" }, `invalid kind "stadt"`},
		{"unknown parent", func(o *SiteOptions) { o.Parent = "lingne" }, `unknown parent "lingne"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := copyExample(t)
			before, err := os.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := federation.LoadDraft(config)
			if err != nil {
				t.Fatal(err)
			}
			opts := valid
			tc.change(&opts)

			_, err = NewSite(config, cfg, opts)
			if err == nil {
				t.Fatalf("NewSite accepted %+v", opts)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not contain %q", err, tc.message)
			}
			if after, _ := os.ReadFile(config); string(after) != string(before) {
				t.Error("NewSite changed sites.toml despite the error")
			}
			root := filepath.Dir(config)
			for _, dir := range []string{filepath.Join(root, "evil"), filepath.Join(root, "content", "lahn"),
				filepath.Join(root, "content", "_shared", "_index.md")} {
				if _, err := os.Stat(dir); err == nil {
					t.Errorf("NewSite wrote %s despite the error", dir)
				}
			}
		})
	}
}

func TestNewSiteSuggestsParent(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewSite(config, cfg, SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027",
		URL: "https://lahn.example", Parent: "lingne"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "lingen"?`) {
		t.Errorf("error %v suggests no parent", err)
	}
}

// TestNewSiteTwice adds a second site while the first one still has the
// empty values that NewSite wrote.
func TestNewSiteTwice(t *testing.T) {
	config := copyExample(t)
	for _, opts := range []SiteOptions{
		{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027", URL: "https://lahn.example"},
		{ID: "haren-sued", Name: "Haren-Süd \"Mitte\"", Kind: "samtgemeinde", Key: "034549999",
			URL: "https://haren-sued.example", Parent: "lahn"},
	} {
		cfg, err := federation.LoadDraft(config)
		if err != nil {
			t.Fatalf("LoadDraft before site %s: %v", opts.ID, err)
		}
		if _, err := NewSite(config, cfg, opts); err != nil {
			t.Fatalf("NewSite %s: %v", opts.ID, err)
		}
	}
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	site, ok := cfg.Site("haren-sued")
	if !ok {
		t.Fatal("LoadDraft lacks the new site haren-sued")
	}
	if site.Name != `Haren-Süd "Mitte"` {
		t.Errorf("name = %q, want it as given", site.Name)
	}
	if site.Parent != "lahn" {
		t.Errorf("parent = %q, want lahn", site.Parent)
	}
	if site.Legal.Name != "" {
		t.Errorf("legal.name = %q, want it empty until an editor fills it in", site.Legal.Name)
	}
	lahn, _ := cfg.Site("lahn")
	if lahn.Parent != "emsland" {
		t.Errorf("parent of lahn = %q, want the county emsland", lahn.Parent)
	}
	if want := filepath.Join(filepath.Dir(config), "content"); cfg.ContentDir != want {
		t.Errorf("content folder = %q, want %q", cfg.ContentDir, want)
	}
}

// TestLoadDraftReportsOtherErrors loads a file with a draft site and an
// invalid key: only the empty required values are accepted.
func TestLoadDraftReportsOtherErrors(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSite(config, cfg, SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027",
		URL: "https://lahn.example"}); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `key = "03454027"`, `key = "12"`, 1)
	if err := os.WriteFile(config, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = federation.LoadDraft(config)
	if err == nil {
		t.Fatal("LoadDraft accepted an invalid key")
	}
	want := fmt.Sprintf(`%s:%d:1: site "lahn": invalid key "12" (use the official municipality key (AGS) of 5 or 8 digits)`,
		config, lineOf(t, broken, `key = "12"`))
	if err.Error() != want {
		t.Errorf("error:\n%v\nwant only:\n%s", err, want)
	}
}

// lineOf returns the 1-based line of the first occurrence of s in text.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	i := strings.Index(text, s)
	if i < 0 {
		t.Fatalf("%q not found", s)
	}
	return 1 + strings.Count(text[:i], "\n")
}

// TestNewSiteReportsFilePositions breaks sites.toml after it was loaded:
// NewSite reports the problem at its position in the file and writes
// nothing.
func TestNewSiteReportsFilePositions(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `url = "https://lingen.emsland.example"`,
		`url = "https://lingen.emsland.example/start"`, 1)
	if err := os.WriteFile(config, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = NewSite(config, cfg, SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027",
		URL: "https://lahn.example"})
	if err == nil {
		t.Fatal("NewSite accepted a sites.toml with an invalid url")
	}
	want := fmt.Sprintf(`%s:%d:1: invalid site.url "https://lingen.emsland.example/start"`,
		config, lineOf(t, broken, "/start"))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error:\n%v\nlacks:\n%s", err, want)
	}
	if after, _ := os.ReadFile(config); string(after) != broken {
		t.Error("NewSite changed sites.toml despite the error")
	}
}

// TestCheckDraftNamesNewSite checks a problem that only the appended
// table has: it is reported as one of the new site's values, without a
// position past the end of the file.
func TestCheckDraftNamesNewSite(t *testing.T) {
	config := copyExample(t)
	src, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	fileLines := strings.Count(string(src), "\n")
	table := siteTable(SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "12",
		URL: "https://lahn.example", Parent: "emsland"})

	err = checkDraft(config, append(src, table...), fileLines, "lahn")
	if err == nil {
		t.Fatal("checkDraft accepted an invalid key")
	}
	want := `the new site's values: site "lahn": invalid key "12"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error:\n%v\nlacks:\n%s", err, want)
	}
	if strings.Contains(err.Error(), config+":") {
		t.Errorf("error gives a position in %s, which lacks the new site:\n%v", config, err)
	}
}

// TestNewSiteFailureWritesNothing makes the second file of a new site
// unwritable and checks that the first is removed again and sites.toml
// is unchanged, so the site can be added once the cause is fixed.
func TestNewSiteFailureWritesNothing(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}

	// A file where the offices folder belongs stops the office page.
	site := filepath.Join(cfg.ContentDir, "lahn")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "offices"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde", Key: "03454027", URL: "https://lahn.example"}
	if _, err := NewSite(config, cfg, opts); err == nil {
		t.Fatal("NewSite succeeded, want an error")
	}

	if _, err := os.Stat(filepath.Join(site, "_index.md")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the start page stayed after the error: %v", err)
	}
	after, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("sites.toml changed although the site was not added")
	}
}
