package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpdateBaseTextAlias adds an alias to a base text in an update and
// checks that the _redirects of every portal that publishes the service
// has it, as after a full build.
func TestUpdateBaseTextAlias(t *testing.T) {
	ctx := context.Background()
	dir := writeFederation(t, nil)
	config := filepath.Join(dir, "sites.toml")
	out := filepath.Join(t.TempDir(), "public")
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	b := NewBuilder(Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out, Now: now})
	defer b.Close()
	if _, err := b.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}

	base := filepath.Join(dir, "content", "_shared", "services", "reisepass.md")
	replaceIn(t, base, "reviewed = 2026-03-01", "reviewed = 2026-03-01\naliases = [\"/pass-alt/\"]")
	res, err := b.Build(ctx, []string{base})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Updated {
		t.Errorf("build was not an update")
	}
	for _, site := range []string{"nordstadt", "suedheim"} {
		data, err := os.ReadFile(filepath.Join(out, site, "_redirects"))
		if err != nil {
			t.Fatal(err)
		}
		if want := "/pass-alt/ /leistungen/reisepass/ 301\n"; !strings.Contains(string(data), want) {
			t.Errorf("%s/_redirects = %q, want it to contain %q", site, data, want)
		}
	}

	full := filepath.Join(t.TempDir(), "public")
	if _, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: full, Now: now}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, treeFiles(t, out, true), treeFiles(t, full, true))
}
