package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/search"
)

// buildExample runs verbund build on the example federation into out
// with the further arguments args.
func buildExample(t *testing.T, out string, args ...string) (int, string) {
	t.Helper()
	args = append([]string{"build", "-config", filepath.Join(repoRoot, "sites.toml"), "-out", out}, args...)
	code, _, stderr := run(t, args...)
	return code, stderr
}

// searchParts returns the names of the folders in out/_search/parts.
func searchParts(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(out, "_search", search.PartsDirName))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBuildSiteRepeated(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, stderr := buildExample(t, out, "--site", "lingen", "--site", "meppen,haren"); code != 0 {
		t.Fatalf("build exited %d: %s", code, stderr)
	}
	for _, id := range []string{"lingen", "meppen", "haren"} {
		if _, err := os.Stat(filepath.Join(out, id, "index.html")); err != nil {
			t.Errorf("portal %s not built: %v", id, err)
		}
	}
	if got, want := searchParts(t, out), []string{"haren+lingen+meppen"}; !slices.Equal(got, want) {
		t.Errorf("search index parts = %v, want %v", got, want)
	}
}

// TestBuildSiteTwice builds a portal named twice and opens the search
// index of the build.
func TestBuildSiteTwice(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, stderr := buildExample(t, out, "--site", "lingen,lingen"); code != 0 {
		t.Fatalf("build exited %d: %s", code, stderr)
	}
	if got, want := searchParts(t, out), []string{"lingen"}; !slices.Equal(got, want) {
		t.Errorf("search index parts = %v, want %v", got, want)
	}
	data, err := os.ReadFile(filepath.Join(out, "_search", search.PartsDirName, "lingen", "index", "federation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Only []string }
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	if want := []string{"lingen"}; !slices.Equal(info.Only, want) {
		t.Errorf("the part contains the pages of %v, want %v", info.Only, want)
	}
	ix, err := search.Open(filepath.Join(out, "_search"))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
}

func TestBuildSiteEmpty(t *testing.T) {
	for _, value := range []string{"", ",", " , ", "lingen,,haren", "lingen,"} {
		out := filepath.Join(t.TempDir(), "public")
		code, stderr := buildExample(t, out, "--site", value)
		if code != 2 {
			t.Errorf("--site %q exited %d, want 2", value, code)
		}
		if !strings.Contains(stderr, "portal id") {
			t.Errorf("--site %q: error does not name the missing portal id:\n%s", value, stderr)
		}
		if !strings.Contains(stderr, "flag -site") {
			t.Errorf("--site %q: error does not name the flag:\n%s", value, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--site %q wrote the output folder", value)
		}
	}
}

func TestBuildSiteUnknown(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	code, stderr := buildExample(t, out, "--site", "lingen,nosuch,alsonot", "--site", "mepen")
	if code != 1 {
		t.Errorf("build exited %d, want 1", code)
	}
	for _, want := range []string{`"nosuch"`, `"alsonot"`, `"mepen"`, `did you mean "meppen" for "mepen"?`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error lacks %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, `"lingen",`) || strings.Contains(stderr, `"lingen" and`) {
		t.Errorf("error lists the known portal lingen as unknown:\n%s", stderr)
	}
}

// TestBuildSiteAfterFullBuild builds one portal into the output folder
// of a full build, whose search index contains the other portals too.
func TestBuildSiteAfterFullBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if code, stderr := buildExample(t, out); code != 0 {
		t.Fatalf("full build exited %d: %s", code, stderr)
	}
	code, stderr := buildExample(t, out, "--site", "lingen")
	if code != 1 {
		t.Errorf("build of lingen exited %d, want 1", code)
	}
	for _, want := range []string{filepath.Join(out, "_search", "index"), "haren", "-out", "-search=false"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error lacks %s:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "_search", search.PartsDirName)); err == nil {
		t.Error("the failed build wrote a search index part")
	}
	ix, err := search.Open(filepath.Join(out, "_search"))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	if code, stderr := buildExample(t, out, "--site", "lingen", "-search=false"); code != 0 {
		t.Errorf("build of lingen without the search index exited %d: %s", code, stderr)
	}
}
