package scaffold

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
)

var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}()

// copyExample copies the example federation's sites.toml, content and
// logos into a new folder and returns the path of its sites.toml.
func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, folder := range []string{"content", "logos"} {
		err := os.CopyFS(filepath.Join(dir, folder), os.DirFS(filepath.Join(repoRoot, folder)))
		if err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "sites.toml")
	if err := os.WriteFile(config, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return config
}

func check(t *testing.T, config string) (*generator.Result, error) {
	t.Helper()
	return generator.Build(context.Background(), generator.Options{
		ConfigPath: config,
		ThemeDir:   filepath.Join(repoRoot, "themes", "default"),
		DryRun:     true,
	})
}

func TestNewServiceBuilds(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	extended, err := NewService(cfg, ServiceOptions{Site: "geeste", Base: "hundesteuer", Today: day})
	if err != nil {
		t.Fatal(err)
	}
	standalone, err := NewService(cfg, ServiceOptions{Site: "meppen", Title: "Osterfeuer anmelden",
		Category: "ordnung-sicherheit", Today: day})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(standalone) != "osterfeuer-anmelden.md" {
		t.Errorf("standalone page written to %s", standalone)
	}
	data, _ := os.ReadFile(extended)
	if !strings.Contains(string(data), "reviewed = 2026-12-04") || !strings.Contains(string(data), `base = "hundesteuer"`) {
		t.Errorf("unexpected front matter:\n%s", data)
	}

	res, err := check(t, config)
	if err != nil {
		t.Fatalf("the new pages do not build: %v", err)
	}
	warned := 0
	for _, w := range res.Warnings {
		if strings.HasSuffix(w.File, "osterfeuer-anmelden.md") && w.ID == "missing-part" {
			warned++
		}
	}
	if warned != 3 {
		t.Errorf("got %d missing-part warnings for the empty skeleton, want 3: %v", warned, res.Warnings)
	}

	if _, err := NewService(cfg, ServiceOptions{Site: "geeste", Base: "hundesteuer"}); err == nil {
		t.Error("NewService overwrote an existing page")
	}
	if _, err := NewService(cfg, ServiceOptions{Site: "geeste", Base: "gibtsnicht"}); err == nil {
		t.Error("NewService accepted an unknown base text")
	}
	if _, err := NewService(cfg, ServiceOptions{Site: "nirgendwo", Base: "hundesteuer"}); err == nil {
		t.Error("NewService accepted an unknown site")
	}
}

func TestNewSiteListsMissingData(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := NewSite(config, cfg, SiteOptions{ID: "lahn", Name: "Lahn", Kind: "gemeinde",
		Key: "03454027", URL: "https://lahn.emsland.example"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Errorf("wrote %v", paths)
	}
	_, err = check(t, config)
	list, ok := diag.AsList(err)
	if !ok {
		t.Fatalf("want a list of missing values, got %v", err)
	}
	for _, want := range []string{"site.legal.name", "site.privacy.officer", "site.accessibility.email"} {
		found := false
		for _, d := range list {
			found = found || strings.Contains(d.Message, want) && d.Line > 0
		}
		if !found {
			t.Errorf("no positioned error names %s", want)
		}
	}
	if _, err := NewSite(config, cfg, SiteOptions{ID: "lingen", Name: "Lingen", Kind: "gemeinde"}); err == nil {
		t.Error("NewSite accepted an existing id")
	}
}
