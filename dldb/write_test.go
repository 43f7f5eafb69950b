package dldb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func importedPage(source, body string) []byte {
	return []byte("+++\ntitle = \"T\"\nsource = \"" + source + "\"\n+++\n\n" + body + "\n")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriteCreatesFolders(t *testing.T) {
	dir := t.TempDir()
	files := []File{
		{Path: "services/a.md", Data: importedPage("dldb:1", "a")},
		{Path: "offices/b.md", Data: importedPage("dldb:2", "b")},
	}
	if _, err := Write(dir, files); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if got := readFile(t, path); got != string(f.Data) {
			t.Errorf("%s = %q, want %q", f.Path, got, f.Data)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o644 {
			t.Errorf("%s has mode %v, want 0644", f.Path, perm)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".import-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
}

func TestWriteReplacesImportedFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, []File{{Path: "services/a.md", Data: importedPage("dldb:1", "old")}}); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	if _, err := Write(dir, []File{{Path: "services/a.md", Data: importedPage("dldb:1", "new")}}); err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "services", "a.md")); !strings.Contains(got, "new") {
		t.Errorf("services/a.md = %q, want the new content", got)
	}
}

func TestWriteRejectsEditedFile(t *testing.T) {
	cases := []struct{ name, existing string }{
		{"no source", "+++\ntitle = \"Von Hand\"\n+++\n\nText\n"},
		{"empty source", "+++\nsource = \"\"\n+++\n"},
		{"no front matter", "Nur Text\n"},
		{"invalid front matter", "+++\ntitle = \n+++\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			manual := filepath.Join(dir, "services", "a.md")
			if err := os.MkdirAll(filepath.Dir(manual), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(manual, []byte(tc.existing), 0o644); err != nil {
				t.Fatal(err)
			}

			files := []File{
				{Path: "offices/b.md", Data: importedPage("dldb:2", "b")},
				{Path: "services/a.md", Data: importedPage("dldb:1", "import")},
			}
			_, err := Write(dir, files)
			if err == nil {
				t.Fatal("Write replaced a file that no import wrote")
			}
			if !strings.Contains(err.Error(), "services/a.md") {
				t.Errorf("error %q does not name services/a.md", err)
			}
			if got := readFile(t, manual); got != tc.existing {
				t.Errorf("services/a.md changed to %q", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "offices", "b.md")); !os.IsNotExist(err) {
				t.Errorf("Write wrote offices/b.md despite the conflict (stat error %v)", err)
			}
		})
	}
}

func TestWriteRejectsDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "services", "a.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Write(dir, []File{{Path: "services/a.md", Data: importedPage("dldb:1", "x")}})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Write error = %v, want one about a file that is not regular", err)
	}
}

func TestWriteRejectsInvalidPath(t *testing.T) {
	for _, path := range []string{"../a.md", "/tmp/a.md", "services/../../a.md", "", "services/a.txt"} {
		_, err := Write(t.TempDir(), []File{{Path: path, Data: importedPage("dldb:1", "x")}})
		if err == nil || !strings.Contains(err.Error(), "invalid path") {
			t.Errorf("Write(%q) error = %v, want invalid path", path, err)
		}
	}
}

func TestWriteKeepsUnchangedFile(t *testing.T) {
	dir := t.TempDir()
	f := File{Path: "services/a.md", Data: importedPage("dldb:1", "same")}
	if _, err := Write(dir, []File{f}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "services", "a.md")
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{f}); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ModTime().Equal(past) {
		t.Errorf("unchanged file was rewritten: modification time %v", info.ModTime())
	}
}

func TestWriteRemovesNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, []File{{Path: "services/old.md", Data: importedPage("dldb:1", "x")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{{Path: "services/new.md", Data: importedPage("dldb:2", "y")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "services", "old.md")); err != nil {
		t.Errorf("services/old.md is gone: %v", err)
	}
}
