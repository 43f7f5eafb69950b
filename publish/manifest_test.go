package publish

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func manifest(site string, files ...string) *Manifest {
	m := &Manifest{Site: site}
	for i := 0; i+1 < len(files); i += 2 {
		m.Files = append(m.Files, Entry{Path: files[i], SHA256: files[i+1]})
	}
	return m
}

func TestDiff(t *testing.T) {
	old := map[string]*Manifest{
		"lingen": manifest("lingen", "index.html", "a", "alt/index.html", "b", "same.css", "c"),
		"alt":    manifest("alt", "index.html", "d"),
	}
	cur := map[string]*Manifest{
		"lingen": manifest("lingen", "index.html", "a2", "neu/index.html", "e", "same.css", "c"),
		"meppen": manifest("meppen", "index.html", "f"),
	}
	got := Diff(old, cur)
	want := []Change{
		{Site: "alt", Upload: []string{}, Delete: []string{"index.html"}, Removed: true},
		{Site: "lingen", Upload: []string{"index.html", "neu/index.html"}, Delete: []string{"alt/index.html"}, Unchanged: 1},
		{Site: "meppen", Upload: []string{"index.html"}, Delete: []string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff =\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadManifestsMissingFolder(t *testing.T) {
	got, err := ReadManifests(filepath.Join(t.TempDir(), "nie-gebaut"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("got %d manifests from a folder that does not exist", len(got))
	}
}

func TestReadManifestsRejectsOtherFolder(t *testing.T) {
	if _, err := ReadManifests(t.TempDir()); err == nil {
		t.Error("a folder without manifests was accepted")
	}
}

func TestReadManifestsSiteMismatch(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ManifestDir), 0o755); err != nil {
		t.Fatal(err)
	}
	err := os.WriteFile(filepath.Join(dir, ManifestDir, "lingen.json"), []byte(`{"site":"meppen","files":[]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadManifests(dir); err == nil {
		t.Error("a manifest for another site was accepted")
	}
}

func TestReadManifestsPaths(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"index.html", true},
		{"leistungen/personalausweis/index.html", true},
		{"dateien/antrag-wohngeld.pdf", true},
		{"../../etc/passwd", false},
		{"leistungen/../../x", false},
		{"/etc/passwd", false},
		{"", false},
		{".", false},
		{"./index.html", false},
		{"leistungen//index.html", false},
		{"leistungen/", false},
		{"a\nb", false},
		{`a\b`, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, ManifestDir), 0o755); err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(Manifest{Site: "lingen", Files: []Entry{{Path: tt.path}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ManifestDir, "lingen.json"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = ReadManifests(dir)
			if tt.ok && err != nil {
				t.Errorf("path %q rejected: %v", tt.path, err)
			}
			if !tt.ok && err == nil {
				t.Errorf("path %q accepted", tt.path)
			}
		})
	}
}

func TestMissingSites(t *testing.T) {
	old := map[string]*Manifest{
		"lingen":  manifest("lingen"),
		"meppen":  manifest("meppen"),
		"doerpen": manifest("doerpen"),
	}
	cur := map[string]*Manifest{"lingen": manifest("lingen"), "twist": manifest("twist")}
	if got, want := MissingSites(old, cur), []string{"doerpen", "meppen"}; !reflect.DeepEqual(got, want) {
		t.Errorf("MissingSites = %v, want %v", got, want)
	}
	if got := MissingSites(map[string]*Manifest{}, cur); len(got) != 0 {
		t.Errorf("MissingSites of an empty old build = %v, want none", got)
	}
}
