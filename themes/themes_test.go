package themes

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultHasLayoutAndAssets(t *testing.T) {
	for _, name := range []string{"templates/layout.html", "templates/service.html", "assets/style.css",
		"assets/verbund.js", "assets/icon.svg", "assets/favicon.ico"} {
		if _, err := fs.Stat(Default(), name); err != nil {
			t.Errorf("default theme lacks %s: %v", name, err)
		}
	}
}

func TestForProject(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "sites.toml")

	fsys, name, err := ForProject(config)
	if err != nil {
		t.Fatal(err)
	}
	if name != "built into verbund" {
		t.Errorf("without a theme folder: theme %q, want the built-in one", name)
	}
	if _, err := fs.Stat(fsys, "assets/icon.svg"); err != nil {
		t.Errorf("the built-in theme lacks its icon: %v", err)
	}

	own := filepath.Join(dir, "themes", "default")
	if err := os.MkdirAll(filepath.Join(own, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(own, "assets", "icon.svg"), []byte("<svg/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, name, err = ForProject(config)
	if err != nil {
		t.Fatal(err)
	}
	if name != own {
		t.Errorf("with a theme folder: theme %q, want %q", name, own)
	}
	if data, err := fs.ReadFile(fsys, "assets/icon.svg"); err != nil || string(data) != "<svg/>" {
		t.Errorf("icon of the project's theme: %q, %v; want the project's file", data, err)
	}
}
