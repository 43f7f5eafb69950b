package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPublishRecipes runs both S3 recipes of docs/publishing.md with
// stand-ins for rclone and the AWS CLI that log their calls.
func TestPublishRecipes(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		if os.Getenv("VERBUND_REQUIRE_JQ") != "" {
			t.Fatalf("jq is absent, but VERBUND_REQUIRE_JQ is set: %v", err)
		}
		t.Skip("jq is absent; the publishing recipes need it")
	}
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "publishing.md"))
	if err != nil {
		t.Fatal(err)
	}
	awsAlone := shellBlockAfter(t, string(doc), "## Recipe: the AWS CLI alone")
	example, err := os.ReadFile(filepath.Join(repoRoot, "docs", "examples", "publish-s3.sh"))
	if err != nil {
		t.Fatal(err)
	}

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "verbund"), "github.com/verbund/verbund/cmd/verbund")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building verbund: %v\n%s", err, out)
	}
	// Each stand-in writes its arguments on one line, separated by
	// tabs, and rclone also writes the lines of its --files-from list.
	stub := `#!/bin/sh
{
  printf '%s' "$(basename "$0")"
  for a in "$@"; do printf '\t%s' "$a"; done
  printf '\n'
  prev=
  for a in "$@"; do
    if [ "$prev" = --files-from ]; then sed 's/^/  file\t/' "$a"; fi
    prev=$a
  done
} >> "$CALLS"
`
	for _, name := range []string{"aws", "rclone"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	for _, recipe := range []struct{ name, script string }{
		{"publish-s3.sh", string(example)},
		{"AWS CLI alone", awsAlone},
	} {
		t.Run(recipe.name, func(t *testing.T) {
			dir := t.TempDir()
			writeBuild(t, filepath.Join(dir, "previous"), map[string][]string{
				"lingen": {"index.html", "alt/index.html", "_redirects"},
			})
			writeBuild(t, filepath.Join(dir, "public"), map[string][]string{
				"lingen": {"index.html", "neu/index.html", "_redirects"},
			})
			writeFile(t, filepath.Join(dir, "previous", "lingen", "_redirects"), "")
			writeFile(t, filepath.Join(dir, "public", "lingen", "_redirects"),
				"/%C3%B6ffnungszeiten/ /neu/ 301\n/Notruf%20Nummern/ /neu/ 301\n/alt/ /neu/ 301\n")
			writeFile(t, filepath.Join(dir, "publish.sh"), recipe.script)

			calls := filepath.Join(dir, "calls.log")
			cmd := exec.Command("sh", "publish.sh")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "CALLS="+calls)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the recipe failed: %v\n%s", err, out)
			}
			log, err := os.ReadFile(calls)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(log), "\n"), "\n")

			var keys, deleted []string
			lastUpload, firstDelete := -1, len(lines)
			inDelete := false
			for i, l := range lines {
				f := strings.Split(l, "\t")
				switch {
				case f[0] == "  file":
					if inDelete {
						deleted = append(deleted, f[1])
					}
					continue
				case f[0] == "rclone" && f[1] == "delete", f[0] == "aws" && f[1] == "s3" && f[2] == "rm":
					firstDelete = min(firstDelete, i)
					inDelete = true
					if f[0] == "aws" {
						deleted = append(deleted, strings.TrimPrefix(f[3], "s3://portal-lingen/"))
					}
					continue
				case f[0] == "aws" && f[1] == "s3api" && f[2] == "put-object":
					keys = append(keys, f[slices.Index(f, "--key")+1])
				}
				inDelete = false
				lastUpload = i
			}
			if lastUpload > firstDelete {
				t.Errorf("an upload (line %d) follows a deletion (line %d):\n%s", lastUpload+1, firstDelete+1, log)
			}
			wantKeys := []string{"Notruf Nummern/index.html", "alt/index.html", "öffnungszeiten/index.html"}
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("redirect keys %q, want %q", keys, wantKeys)
			}
			if slices.Contains(deleted, "alt/index.html") {
				t.Errorf("the recipe deletes alt/index.html, the key of a redirect:\n%s", log)
			}
		})
	}
}

// shellBlockAfter returns the first ```sh block of doc after the line
// heading.
func shellBlockAfter(t *testing.T, doc, heading string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/publishing.md has no heading %q", heading)
	}
	_, rest, ok = strings.Cut(rest, "\n```sh\n")
	if !ok {
		t.Fatalf("docs/publishing.md has no sh block after %q", heading)
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatalf("the sh block after %q does not end", heading)
	}
	return block + "\n"
}

// writeFile writes content to path, creating its folder.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
