package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/verbund/verbund/publish"
)

// writeBuild writes the manifests of a build into dir/_manifests, one per
// portal with the given files, as verbund build does. Each file's hash is
// made from its path, so equal paths in two builds count as unchanged.
func writeBuild(t *testing.T, dir string, sites map[string][]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, publish.ManifestDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for site, files := range sites {
		m := publish.Manifest{Site: site, Files: []publish.Entry{}}
		for _, f := range files {
			m.Files = append(m.Files, publish.Entry{Path: f, SHA256: "sha-" + f})
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, publish.ManifestDir, site+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// diffJSON is the part of diff's JSON output that the tests read.
type diffJSON struct {
	Sites []struct {
		Site           string
		Upload, Delete []string
		Removed        bool
	}
}

// twoBuilds writes an old build of lingen, doerpen and meppen and a new
// build of lingen only, and returns their folders.
func twoBuilds(t *testing.T) (old, cur string) {
	t.Helper()
	dir := t.TempDir()
	old, cur = filepath.Join(dir, "previous"), filepath.Join(dir, "public")
	writeBuild(t, old, map[string][]string{
		"lingen":  {"index.html"},
		"doerpen": {"index.html", "impressum/index.html"},
		"meppen":  {"index.html"},
	})
	writeBuild(t, cur, map[string][]string{"lingen": {"index.html"}})
	return old, cur
}

func TestDiffFailsOnMissingPortals(t *testing.T) {
	old, cur := twoBuilds(t)
	for _, format := range []string{"text", "json"} {
		code, stdout, stderr := run(t, "diff", "-format", format, old, cur)
		if code != 1 {
			t.Errorf("-format %s: exit %d, want 1", format, code)
		}
		if stdout != "" {
			t.Errorf("-format %s: stdout = %q, want nothing a script could act on", format, stdout)
		}
		if !strings.Contains(stderr, "portals that "+old+" has: doerpen, meppen") {
			t.Errorf("-format %s: message does not name the missing portals:\n%s", format, stderr)
		}
		if !strings.Contains(stderr, "run again with -remove doerpen,meppen") {
			t.Errorf("-format %s: message does not name the flag for a removal:\n%s", format, stderr)
		}
		if !strings.Contains(stderr, "incomplete") {
			t.Errorf("-format %s: message does not mention an incomplete build:\n%s", format, stderr)
		}
	}
}

func TestDiffRemoveConfirmsEveryPortal(t *testing.T) {
	old, cur := twoBuilds(t)
	code, stdout, stderr := run(t, "diff", "-remove", "doerpen", old, cur)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "a portal that "+old+" has: meppen\n") {
		t.Errorf("message does not name meppen alone:\n%s", stderr)
	}
}

func TestDiffRemoveListsFiles(t *testing.T) {
	old, cur := twoBuilds(t)
	code, stdout, stderr := run(t, "diff", "-format", "json", "-remove", "doerpen, meppen", old, cur)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got diffJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("invalid JSON output: %v\n%s", err, stdout)
	}
	deleted := map[string][]string{}
	for _, s := range got.Sites {
		if s.Removed {
			deleted[s.Site] = s.Delete
		}
	}
	want := map[string][]string{
		"doerpen": {"impressum/index.html", "index.html"},
		"meppen":  {"index.html"},
	}
	if !reflect.DeepEqual(deleted, want) {
		t.Errorf("removed portals with their deletions = %v, want %v", deleted, want)
	}

	code, stdout, _ = run(t, "diff", "-remove", "doerpen,meppen", old, cur)
	if code != 0 {
		t.Fatalf("text output: exit %d", code)
	}
	if !strings.Contains(stdout, "doerpen: removed from the federation, delete 2 files\n") {
		t.Errorf("text output lacks the removal of doerpen:\n%s", stdout)
	}
}

func TestDiffRemoveRejectsEmptyID(t *testing.T) {
	old, cur := twoBuilds(t)
	for _, value := range []string{"doerpen,,meppen", "doerpen,meppen,", ",doerpen,meppen", "", " "} {
		code, stdout, stderr := run(t, "diff", "-remove", value, old, cur)
		if code != 2 {
			t.Errorf("-remove %q: exit %d, want 2", value, code)
		}
		if stdout != "" {
			t.Errorf("-remove %q: stdout = %q, want nothing", value, stdout)
		}
		if !strings.Contains(stderr, "flag -remove") {
			t.Errorf("-remove %q: error does not name the flag:\n%s", value, stderr)
		}
		if !strings.Contains(stderr, "such as lingen,haren") {
			t.Errorf("-remove %q: error does not show what to write:\n%s", value, stderr)
		}
	}
}

func TestDiffRemoveRepeated(t *testing.T) {
	old, cur := twoBuilds(t)
	code, stdout, stderr := run(t, "diff", "-remove", " doerpen ", "-remove", "meppen", old, cur)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"doerpen: removed from the federation", "meppen: removed from the federation"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSplitPortalIDs(t *testing.T) {
	valid := []struct {
		value string
		want  []string
	}{
		{"lingen", []string{"lingen"}},
		{"lingen,haren", []string{"lingen", "haren"}},
		{" lingen , haren ", []string{"lingen", "haren"}},
		{"lingen,lingen", []string{"lingen", "lingen"}},
	}
	for _, tt := range valid {
		got, err := splitPortalIDs(tt.value)
		if err != nil {
			t.Errorf("splitPortalIDs(%q): %v", tt.value, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitPortalIDs(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
	invalid := []struct {
		value, message string
	}{
		{"", "no portal id"},
		{" ", "no portal id"},
		{",", "empty portal id at position 1 of 2"},
		{"lingen,,haren", "empty portal id at position 2 of 3"},
		{"lingen,", "empty portal id at position 2 of 2"},
		{"lingen, ,haren", "empty portal id at position 2 of 3"},
	}
	for _, tt := range invalid {
		got, err := splitPortalIDs(tt.value)
		if err == nil {
			t.Errorf("splitPortalIDs(%q) = %q, want an error", tt.value, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.message) {
			t.Errorf("splitPortalIDs(%q): error %q lacks %q", tt.value, err, tt.message)
		}
	}
}

func TestDiffRemoveRejectsBuiltPortal(t *testing.T) {
	old, cur := twoBuilds(t)
	code, stdout, stderr := run(t, "diff", "-remove", "doerpen,meppen,lingen", old, cur)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "-remove names lingen") {
		t.Errorf("message does not name lingen:\n%s", stderr)
	}
}

func TestDiffRemoveWarnsOfUnknownPortal(t *testing.T) {
	old, cur := twoBuilds(t)
	code, stdout, stderr := run(t, "diff", "-remove", "doerpen,meppen,doerpn", old, cur)
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if !strings.Contains(stdout, "doerpen: removed from the federation") {
		t.Errorf("stdout lacks the removal of doerpen:\n%s", stdout)
	}
	if !strings.Contains(stderr, "-remove names doerpn, but "+old+" has no build of it either") {
		t.Errorf("message does not name doerpn:\n%s", stderr)
	}
}

func TestDiffFolders(t *testing.T) {
	dir := t.TempDir()
	built := filepath.Join(dir, "public")
	writeBuild(t, built, map[string][]string{"lingen": {"index.html"}})
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	code, stdout, stderr := run(t, "diff", missing, built)
	if code != 0 || !strings.Contains(stdout, "upload index.html") {
		t.Errorf("missing OLD: exit %d, want 0 and every file uploaded\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, missing+" does not exist, so every file counts as new") {
		t.Errorf("missing OLD: stderr = %q, want a note that OLD does not exist", stderr)
	}
	code, _, stderr = run(t, "diff", built, built)
	if code != 0 || stderr != "" {
		t.Errorf("same build twice: exit %d, stderr %q, want 0 and no note", code, stderr)
	}
	for _, args := range [][]string{{missing, missing}, {built, missing}, {empty, built}, {built, empty}} {
		code, stdout, _ := run(t, append([]string{"diff"}, args...)...)
		if code != 1 {
			t.Errorf("diff %v: exit %d, want 1", args, code)
		}
		if stdout != "" {
			t.Errorf("diff %v: stdout = %q, want nothing", args, stdout)
		}
	}
}

func TestDiffUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml", "old", "new"}, `invalid -format "xml": use text or json`},
		{[]string{"old", "new", "-format", "json"}, "flag -format after a folder: put every flag before OLD and NEW"},
		{[]string{"old", "-remove", "x", "new"}, "flag -remove after a folder: put every flag before OLD and NEW"},
		{[]string{"old"}, "expected 2 folders, OLD and NEW, got 1"},
		{[]string{}, "expected 2 folders, OLD and NEW, got 0"},
		{[]string{"a", "b", "c"}, "expected 2 folders, OLD and NEW, got 3"},
		{[]string{"", "new"}, "OLD is an empty string: give a folder, such as previous/ or public/ (is a variable unset?)"},
		{[]string{"old", ""}, "NEW is an empty string: give a folder, such as previous/ or public/ (is a variable unset?)"},
	} {
		code, stdout, stderr := run(t, append([]string{"diff"}, tc.args...)...)
		if code != 2 {
			t.Errorf("diff %v: exit %d, want 2", tc.args, code)
		}
		if stdout != "" {
			t.Errorf("diff %v: stdout = %q, want nothing", tc.args, stdout)
		}
		first, rest, _ := strings.Cut(stderr, "\n")
		if first != tc.want {
			t.Errorf("diff %v: first line = %q, want %q", tc.args, first, tc.want)
		}
		if !strings.HasPrefix(rest, "Usage: verbund diff") {
			t.Errorf("diff %v: usage does not follow the message:\n%s", tc.args, stderr)
		}
	}
}
