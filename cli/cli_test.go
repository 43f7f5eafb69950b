package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
)

// TestExampleFederation builds the repository's own example, as make
// build does, and checks every link within and across its portals.
func TestExampleFederation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := run(t, "build", "-config", filepath.Join(repoRoot, "sites.toml"), "-out", out)
	if code != 0 {
		t.Fatalf("build failed (%d): %s", code, stderr)
	}
	if !strings.Contains(stdout, "built 20 portals") {
		t.Errorf("unexpected summary: %s", stdout)
	}
	if strings.Contains(stderr, "warning") {
		t.Errorf("the example federation has warnings:\n%s", stderr)
	}
	cfg, err := federation.Load(filepath.Join(repoRoot, "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sites := map[string]string{}
	for _, s := range cfg.Sites {
		sites[s.URL] = s.ID
	}
	checkLinks(t, out, sites)

	// The same service on the other portals comes in the footer's order:
	// towns and municipalities, then Samtgemeinden, in dictionary order.
	page, err := os.ReadFile(filepath.Join(out, "lingen", "leistungen", "beglaubigung", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	order := []string{">Twist<", ">Samtgemeinde Dörpen<", ">Samtgemeinde Sögel<", ">Samtgemeinde Spelle<"}
	for i := 1; i < len(order); i++ {
		a, b := strings.Index(string(page), order[i-1]), strings.Index(string(page), order[i])
		if a < 0 || b < 0 || a > b {
			t.Errorf("the list of other communes does not have %s before %s", order[i-1], order[i])
		}
	}
}

func TestCheckCommand(t *testing.T) {
	code, stdout, _ := run(t, "check", "-config", filepath.Join(repoRoot, "sites.toml"), "-review-days", "0")
	if code != 0 || !strings.Contains(stdout, "0 errors") {
		t.Errorf("check of the example: exit %d\n%s", code, stdout)
	}

	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(repoRoot, "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), `content = `, `x = `, 1))
	cfg := filepath.Join(dir, "sites.toml")
	if err := os.WriteFile(cfg, append([]byte("contnt = \"x\"\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = run(t, "check", "-config", cfg, "-format", "json")
	if code != 1 {
		t.Errorf("check with an unknown key exited %d, want 1", code)
	}
	var report checkReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("invalid JSON output: %v\n%s", err, stdout)
	}
	if report.Errors != 1 || len(report.Diagnostics) != 1 {
		t.Fatalf("report = %+v, want one error", report)
	}
	d := report.Diagnostics[0]
	if d.Line != 1 || d.Column != 1 || d.ID != "unknown-key" || d.Severity != "error" {
		t.Errorf("diagnostic = %+v", d)
	}
}

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	cfg := filepath.Join(repoRoot, "sites.toml")
	if code, _, stderr := run(t, "build", "-config", cfg, "-out", old); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := run(t, "build", "-config", cfg, "-out", cur); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := run(t, "diff", old, cur)
	if code != 0 {
		t.Fatalf("diff failed: %s", stderr)
	}
	if strings.Contains(stdout, "upload") || !strings.Contains(stdout, "lingen: unchanged") {
		t.Errorf("two builds of the same input differ:\n%s", stdout)
	}

	page := filepath.Join(cur, "lingen", "impressum", "index.html")
	if err := os.WriteFile(page, []byte("geändert"), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(cur, "_manifests", "lingen.json")
	data, _ := os.ReadFile(manifest)
	data = []byte(strings.Replace(string(data), `"path": "impressum/index.html"`, `"path": "impressum/neu.html"`, 1))
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = run(t, "diff", "-format", "json", old, cur)
	if code != 0 {
		t.Fatalf("diff exited %d", code)
	}
	var got struct {
		Sites []struct {
			Site           string
			Upload, Delete []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, s := range got.Sites {
		if s.Site != "lingen" {
			continue
		}
		if len(s.Upload) != 1 || s.Upload[0] != "impressum/neu.html" {
			t.Errorf("upload = %v, want [impressum/neu.html]", s.Upload)
		}
		if len(s.Delete) != 1 || s.Delete[0] != "impressum/index.html" {
			t.Errorf("delete = %v, want [impressum/index.html]", s.Delete)
		}
		return
	}
	t.Error("diff lacks lingen")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nonsense"}, {"build", "extra"}, {"diff", "one"}, {"import", "csv"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("verbund %v exited %d, want 2", args, code)
		}
	}
}

// TestBuildInWorkingFolder runs the build as make build does: from the
// folder of sites.toml, with the default relative paths, twice.
func TestBuildInWorkingFolder(t *testing.T) {
	dir := t.TempDir()
	for _, folder := range []string{"content", "logos"} {
		if err := os.CopyFS(filepath.Join(dir, folder), os.DirFS(filepath.Join(repoRoot, folder))); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(repoRoot, "themes"), filepath.Join(dir, "themes")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for range 2 {
		if code, _, stderr := run(t, "build"); code != 0 {
			t.Fatalf("build failed (%d): %s", code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "lingen", "index.html")); err != nil {
		t.Errorf("no start page of lingen: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".public-build-*"))
	if len(leftovers) > 0 {
		t.Errorf("staging folders left behind: %v", leftovers)
	}
}

// TestBuildReportsErrorCount builds the example with one misspelt key in
// sites.toml and checks the summary line of the failed build.
func TestBuildReportsErrorCount(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(repoRoot, "sites.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "sites.toml")
	if err := os.WriteFile(cfg, append([]byte("contnt = \"x\"\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "build", "-config", cfg, "-out", filepath.Join(dir, "public"))
	if code != 1 {
		t.Errorf("build with an unknown key exited %d, want 1", code)
	}
	if !strings.Contains(stderr, "1 error, so the output folder is unchanged") {
		t.Errorf("stderr lacks the summary of one error:\n%s", stderr)
	}
}

// TestImportChecksSite imports for a site that sites.toml lacks.
func TestImportChecksSite(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "import", "dldb", "--services", filepath.Join(dir, "s.json"),
		"--locations", filepath.Join(dir, "l.json"), "--site", "gibtsnicht",
		"--config", filepath.Join(repoRoot, "sites.toml"), "--out", filepath.Join(dir, "content"))
	if code != 1 {
		t.Errorf("import for an unknown site exited %d, want 1", code)
	}
	if !strings.Contains(stderr, `site "gibtsnicht" not found in`) {
		t.Errorf("stderr does not name the unknown site:\n%s", stderr)
	}
	if !strings.Contains(stderr, "lingen") {
		t.Errorf("stderr does not list the known sites:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		t.Error("the import wrote content for an unknown site")
	}
}

// TestHelpExitsZero requests the help of each command, which is no error.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"build", "-h"}, {"build", "--help"}, {"import", "dldb", "-help"}, {"check", "-h"},
		{"diff", "-h"}, {"-h"}, {"import", "-h"}, {"new", "--help"}} {
		code, stdout, stderr := run(t, args...)
		if code != 0 {
			t.Errorf("%v exited %d, want 0", args, code)
		}
		if !strings.Contains(stdout+stderr, "Usage") && !strings.Contains(stdout+stderr, "usage") {
			t.Errorf("%v printed no help:\n%s%s", args, stdout, stderr)
		}
	}
}
