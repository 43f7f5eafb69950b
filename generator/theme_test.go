package generator

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
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
