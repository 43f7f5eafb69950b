package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyFederation copies the example's sites.toml, content and logos
// into a new folder and returns the path of the copy's sites.toml.
func copyFederation(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, folder := range []string{"content", "logos"} {
		if err := os.CopyFS(filepath.Join(dir, folder), os.DirFS(filepath.Join(repoRoot, folder))); err != nil {
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

// TestNewSiteThenService adds two sites and a service page to the first,
// which still lacks its Impressum data.
func TestNewSiteThenService(t *testing.T) {
	config := copyFederation(t)
	code, stdout, stderr := run(t, "new", "site", "--config", config, "--id", "lahn", "--name", "Lahn",
		"--key", "03454027", "--url", "https://lahn.example")
	if code != 0 {
		t.Fatalf("first new site exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `fill in the empty values of site "lahn"`) {
		t.Errorf("stdout does not say what to fill in:\n%s", stdout)
	}
	code, _, stderr = run(t, "new", "site", "--config", config, "--id", "lahn-ost", "--name", "Lahn-Ost",
		"--key", "03454028", "--url", "https://lahn-ost.example")
	if code != 0 {
		t.Errorf("second new site exited %d: %s", code, stderr)
	}
	code, _, stderr = run(t, "new", "service", "--config", config, "--site", "lahn", "--base", "meldebescheinigung")
	if code != 0 {
		t.Errorf("new service for a new site exited %d: %s", code, stderr)
	}
	code, stdout, stderr = run(t, "check", "-config", config)
	if code != 1 {
		t.Errorf("check of the new sites exited %d, want 1 for the empty Impressum data", code)
	}
	if !strings.Contains(stdout+stderr, `site "lahn": missing site.legal.name`) {
		t.Errorf("check does not list the empty Impressum data:\n%s%s", stdout, stderr)
	}
}

func TestNewSiteHelpNamesKeyLengths(t *testing.T) {
	_, stdout, stderr := run(t, "new", "site", "-h")
	if !strings.Contains(stdout+stderr, "AGS of 5 or 8 digits") {
		t.Errorf("help does not give the key lengths the loader accepts:\n%s%s", stdout, stderr)
	}
}

func TestNewSiteRejectsTraversal(t *testing.T) {
	config := copyFederation(t)
	code, _, stderr := run(t, "new", "site", "--config", config, "--id", "../evil", "--name", "Evil",
		"--key", "03454099", "--url", "https://evil.example")
	if code != 1 {
		t.Errorf("new site --id ../evil exited %d, want 1", code)
	}
	if !strings.Contains(stderr, `invalid id "../evil"`) {
		t.Errorf("stderr does not name the invalid id:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(config), "evil")); err == nil {
		t.Error("new site wrote outside the content folder")
	}
}
