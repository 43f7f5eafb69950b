package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpdateAlias adds an alias in an update and checks that the
// _redirects of every portal that shows the page has it, and that the
// output is that of a full build.
func TestUpdateAlias(t *testing.T) {
	tests := []struct {
		name string
		// file is the file the update edits, and start its content before
		// the first build when the base federation lacks it.
		file, start string
		old, new    string
		sites       []string
		want        string
	}{
		{
			name: "base text",
			file: "content/_shared/services/reisepass.md",
			old:  "reviewed = 2026-03-01", new: "reviewed = 2026-03-01\naliases = [\"/pass-alt/\"]",
			sites: []string{"nordstadt", "suedheim"},
			want:  "/pass-alt/ /leistungen/reisepass/ 301\n",
		},
		{
			name:  "start page",
			file:  "content/nordstadt/_index.md",
			start: "+++\ntitle = \"Willkommen\"\n+++\n\nDie Stadt begrüßt Sie.\n",
			old:   "title = \"Willkommen\"", new: "title = \"Willkommen\"\naliases = [\"/startseite/\"]",
			sites: []string{"nordstadt"},
			want:  "/startseite/ / 301\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := writeFederation(t, nil)
			file := filepath.Join(dir, filepath.FromSlash(tt.file))
			if tt.start != "" {
				if err := os.WriteFile(file, []byte(tt.start), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			config := filepath.Join(dir, "sites.toml")
			out := filepath.Join(t.TempDir(), "public")
			now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
			b := NewBuilder(Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: out, Now: now})
			defer b.Close()
			if _, err := b.Build(ctx, nil); err != nil {
				t.Fatal(err)
			}

			replaceIn(t, file, tt.old, tt.new)
			res, err := b.Build(ctx, []string{file})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Updated {
				t.Errorf("build was not an update")
			}
			for _, site := range tt.sites {
				data, err := os.ReadFile(filepath.Join(out, site, "_redirects"))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(data), tt.want) {
					t.Errorf("%s/_redirects = %q, want it to contain %q", site, data, tt.want)
				}
			}

			full := filepath.Join(t.TempDir(), "public")
			if _, err := Build(ctx, Options{ConfigPath: config, ThemeDir: themeDir, OutputDir: full, Now: now}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, treeFiles(t, out, true), treeFiles(t, full, true))
		})
	}
}

// TestReviewDateOneDayAhead builds a page reviewed a day after the day
// of the build, which the editor's time zone may give, and one reviewed
// two days after, which is an error.
func TestReviewDateOneDayAhead(t *testing.T) {
	now := time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		reviewed string
		ok       bool
	}{{"2026-12-05", true}, {"2026-12-06", false}} {
		t.Run(tt.reviewed, func(t *testing.T) {
			dir := writeFederation(t, nil)
			file := filepath.Join(dir, "content", "nordstadt", "pages", "notdienste.md")
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			front, body, _ := strings.Cut(strings.TrimPrefix(string(data), "+++\n"), "+++\n")
			var kept []string
			for _, line := range strings.Split(front, "\n") {
				if !strings.HasPrefix(line, "reviewed") && line != "" {
					kept = append(kept, line)
				}
			}
			page := "+++\n" + strings.Join(kept, "\n") + "\nreviewed = " + tt.reviewed + "\n+++\n" + body
			if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Build(context.Background(), Options{ConfigPath: filepath.Join(dir, "sites.toml"),
				ThemeDir: themeDir, Now: now})
			if got := err == nil; got != tt.ok {
				t.Errorf("build with reviewed = %s: error %v, want success %v", tt.reviewed, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "review date "+tt.reviewed+" is in the future") {
				t.Errorf("build with reviewed = %s failed for another reason: %v", tt.reviewed, err)
			}
		})
	}
}
