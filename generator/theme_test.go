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
	"github.com/verbund/verbund/internal/favicon"
)

// TestLoadThemeNamedTemplates checks that a theme missing a template the
// build executes by name is rejected when it loads, with the file and
// the name, instead of failing on every page.
func TestLoadThemeNamedTemplates(t *testing.T) {
	base := themeMapFS(t)
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

// themeMapFS returns the files of the test theme in memory.
func themeMapFS(t *testing.T) fstest.MapFS {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(themeDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(themeDir), p)
		if err != nil {
			return err
		}
		files[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestLoadThemeIcon checks that a theme without its icon files, or with
// files that are no icons, is rejected with the file's name, and that
// the icon files are not also published as they are.
func TestLoadThemeIcon(t *testing.T) {
	th, err := loadTheme(themeMapFS(t), newMinifier())
	if err != nil {
		t.Fatal(err)
	}
	for name := range th.static {
		if name == "icon.svg" || name == "favicon.ico" {
			t.Errorf("the theme publishes assets/%s without a fingerprint", name)
		}
	}

	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"no SVG icon", favicon.ThemeSVG, nil, favicon.ThemeSVG},
		{"no ICO file", favicon.ThemeICO, nil, favicon.ThemeICO},
		{"PNG as ICO", favicon.ThemeICO, []byte("\x89PNG\r\n\x1a\n"), "invalid theme icon " + favicon.ThemeICO},
		{"HTML as SVG", favicon.ThemeSVG, []byte("<html></html>"), "invalid theme icon " + favicon.ThemeSVG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := themeMapFS(t)
			if tt.data == nil {
				delete(fsys, tt.file)
			} else {
				fsys[tt.file] = &fstest.MapFile{Data: tt.data}
			}
			_, err := loadTheme(fsys, newMinifier())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
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
