//go:build unix

package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymlinks builds a federation whose content folder has symbolic
// links: one to a page inside the project folder is read, every other one
// is an error that names the link, and the errors come with the others.
func TestSymlinks(t *testing.T) {
	dir := writeFederation(t, nil)
	pages := filepath.Join(dir, "content", "nordstadt", "pages")
	outside := t.TempDir()
	secret := filepath.Join(outside, "geheim.md")
	if err := os.WriteFile(secret, []byte("+++\ntitle = \"Geheim\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"geheim.md":   secret,
		"extern":      outside,
		"tot.md":      "nirgends.md",
		"schleife.md": "schleife.md",
		"intern.md":   "notdienste.md",
		"ordner":      "../offices",
		"umgebung.md": "../../../sites.toml",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(pages, name)); err != nil {
			t.Fatal(err)
		}
	}
	// A second error, which must be reported together with the
	// links.
	service := filepath.Join(dir, "content", "suedheim", "services", "reisepass.md")
	if err := os.MkdirAll(filepath.Dir(service), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(service, []byte("+++\nbase = \"reisepass\"\noffice = \"amt\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := build(t, dir)
	if err == nil {
		t.Fatal("build succeeded, want errors")
	}
	for _, want := range []string{
		`content/nordstadt/pages/geheim.md:1:1: symbolic link to "` + secret + `", which lies outside the project folder`,
		`content/nordstadt/pages/extern:1:1: symbolic link to "` + outside + `", which lies outside the project folder`,
		`content/nordstadt/pages/tot.md:1:1: symbolic link to "nirgends.md", which does not exist`,
		`content/nordstadt/pages/schleife.md:1:1: symbolic link to "schleife.md" cannot be followed`,
		`content/nordstadt/pages/ordner:1:1: symbolic link to the folder "../offices"`,
		`content/nordstadt/pages/umgebung.md:1:1: symbolic link to "../../../sites.toml", a file of another kind`,
		`content/suedheim/services/reisepass.md:3:1: unknown office "amt"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error output lacks %q; got:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "intern.md") {
		t.Errorf("link inside the project folder reported:\n%v", err)
	}
}

// TestSymlinkAddedToPreview adds a link that leads out of the project
// folder to a federation that an earlier build read, as the preview
// server does after a change.
func TestSymlinkAddedToPreview(t *testing.T) {
	ctx := context.Background()
	dir := writeFederation(t, nil)
	b := NewBuilder(Options{ConfigPath: filepath.Join(dir, "sites.toml"), ThemeDir: themeDir,
		OutputDir: filepath.Join(t.TempDir(), "public")})
	defer b.Close()
	if _, err := b.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	secret := filepath.Join(outside, "geheim.md")
	if err := os.WriteFile(secret, []byte("+++\ntitle = \"Geheim\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "content", "nordstadt", "pages", "geheim.md")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	_, err := b.Build(ctx, []string{link})
	want := `content/nordstadt/pages/geheim.md:1:1: symbolic link to "` + secret + `", which lies outside the project folder`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}
