package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/publish"
)

// appendTo appends text to the file p.
func appendTo(t *testing.T, p, text string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiffUploadsChangedFiles changes a portal's own file and a shared
// form of the example federation: diff lists both for upload on the
// portals that publish them, and nothing else.
func TestDiffUploadsChangedFiles(t *testing.T) {
	config := copyFederation(t)
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	if code, _, stderr := run(t, "build", "-config", config, "-out", old, "-search=false"); code != 0 {
		t.Fatal(stderr)
	}

	content := filepath.Join(filepath.Dir(config), "content")
	appendTo(t, filepath.Join(content, "_shared", "files", "hundesteuer-anmeldung.pdf"), "% zweite Fassung\n")
	appendTo(t, filepath.Join(content, "lingen", "files", "rathaus-lageskizze.png"), "\x00")
	if code, _, stderr := run(t, "build", "-config", config, "-out", cur, "-search=false"); code != 0 {
		t.Fatal(stderr)
	}

	code, stdout, stderr := run(t, "diff", "-format", "json", old, cur)
	if code != 0 {
		t.Fatalf("diff exited %d: %s", code, stderr)
	}
	var got diffJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"lingen":  {"dateien/hundesteuer-anmeldung.pdf", "dateien/rathaus-lageskizze.png"},
		"meppen":  {"dateien/hundesteuer-anmeldung.pdf"},
		"emsland": {},
	}
	for _, s := range got.Sites {
		if len(s.Delete) > 0 {
			t.Errorf("%s: delete = %v, want nothing", s.Site, s.Delete)
		}
		if w, ok := want[s.Site]; ok && !slices.Equal(s.Upload, w) {
			t.Errorf("%s: upload = %v, want %v", s.Site, s.Upload, w)
		}
	}
}

// TestBuildSiteFiles builds one portal of the example federation, which
// publishes its own image and the shared form its service pages refer
// to, and lists them in its manifest.
func TestBuildSiteFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, stderr := buildExample(t, out, "--site", "lingen", "-search=false"); code != 0 {
		t.Fatalf("build exited %d: %s", code, stderr)
	}
	for _, p := range []string{"lingen/dateien/rathaus-lageskizze.png", "lingen/dateien/hundesteuer-anmeldung.pdf"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Errorf("the build of lingen lacks %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "emsland")); err == nil {
		t.Error("the build of lingen wrote the portal of emsland")
	}
	manifests, err := publish.ReadManifests(out)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range manifests["lingen"].Files {
		if strings.HasPrefix(e.Path, "dateien/") {
			paths = append(paths, e.Path)
		}
	}
	if want := []string{"dateien/hundesteuer-anmeldung.pdf", "dateien/rathaus-lageskizze.png"}; !slices.Equal(paths, want) {
		t.Errorf("the manifest of lingen lists the files %v, want %v", paths, want)
	}
}
