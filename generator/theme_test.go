package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/verbund/verbund/diag"
)

// TestLoadThemeNamedTemplates checks that a theme missing a template the
// build executes by name is rejected when it loads, with the file and
// the name, instead of failing on every page.
func TestLoadThemeNamedTemplates(t *testing.T) {
	base := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(themeDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(themeDir), p)
		if err != nil {
			return err
		}
		base[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadTheme(base, newMinifier()); err != nil {
		t.Fatalf("default theme: %v", err)
	}

	for _, d := range namedTemplates {
		t.Run(d.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for p, f := range base {
				fsys[p] = f
			}
			file := "templates/" + d.file
			text := string(base[file].Data)
			define := `{{define "` + d.name + `"}}`
			if !strings.Contains(text, define) {
				t.Fatalf("%s has no %s", file, define)
			}
			// Renaming the definition leaves the template syntax valid.
			text = strings.Replace(text, define, `{{define "`+d.name+`-renamed"}}`, 1)
			fsys[file] = &fstest.MapFile{Data: []byte(text)}

			_, err := loadTheme(fsys, newMinifier())
			if err == nil {
				t.Fatalf("theme without %q loaded", d.name)
			}
			if !strings.Contains(err.Error(), d.file) || !strings.Contains(err.Error(), `"`+d.name+`"`) {
				t.Errorf("error %q does not name both %s and %q", err, d.file, d.name)
			}
		})
	}
}

// TestTemplateErrorPosition breaks an action of the layout and checks
// that the error names its line in the template file, not in the
// minified text, and comes once, not once per portal.
func TestTemplateErrorPosition(t *testing.T) {
	dir := writeFederation(t, nil)
	theme := filepath.Join(t.TempDir(), "theme")
	if err := os.CopyFS(theme, os.DirFS(themeDir)); err != nil {
		t.Fatal(err)
	}
	layout := filepath.Join(theme, "templates", "layout.html")
	data, err := os.ReadFile(layout)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	n := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "{{.Site.ID}}") })
	if n < 0 {
		t.Fatal("layout has no {{.Site.ID}}")
	}
	// The error points at the field, ".Nope".
	col := strings.Index(lines[n], "{{.Site.ID}}") + len("{{.Site") + 1
	lines[n] = strings.Replace(lines[n], "{{.Site.ID}}", "{{.Site.Nope}}", 1)
	if err := os.WriteFile(layout, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = Build(context.Background(), Options{ConfigPath: filepath.Join(dir, "sites.toml"), ThemeDir: theme})
	list, ok := diag.AsList(err)
	if !ok {
		t.Fatalf("got %v, want template errors", err)
	}
	want := fmt.Sprintf("%s:%d:%d", filepath.ToSlash(filepath.Join(theme, "templates", "layout.html")), n+1, col)
	var got []string
	for _, d := range list {
		if d.ID == "template" {
			got = append(got, d.Position())
		}
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("template errors at %v, want one at %s", got, want)
	}
}
