package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleServices = `{"data": [
	{"id": "1", "name": "Sperrmüll anmelden", "description": "<p>Sie melden Sperrmüll an.</p>"},
	{"id": "2", "name": "Sprechstunde", "description": "<p>Sie sprechen mit uns.</p>"}]}`

// writeExport writes an export with the given services and no locations
// into dir and returns the paths of its two files.
func writeExport(t *testing.T, dir, services string) (string, string) {
	t.Helper()
	servicesPath := filepath.Join(dir, "services_de.json")
	locationsPath := filepath.Join(dir, "locations_de.json")
	if err := os.WriteFile(servicesPath, []byte(services), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(locationsPath, []byte(`{"data": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return servicesPath, locationsPath
}

// TestImportKeepsEditedPage imports twice with an editor's change to an
// imported page in between.
func TestImportKeepsEditedPage(t *testing.T) {
	dir := t.TempDir()
	services, locations := writeExport(t, dir, sampleServices)
	out := filepath.Join(dir, "content", "lingen")
	args := []string{"import", "dldb", "--services", services, "--locations", locations, "--site", "lingen",
		"--config", filepath.Join(repoRoot, "sites.toml"), "--out", out}
	code, stdout, stderr := run(t, args...)
	if code != 0 {
		t.Fatalf("first import exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "2 files written, 0 unchanged, 0 kept") {
		t.Errorf("first import: unexpected summary %q", stdout)
	}

	page := filepath.Join(out, "services", "sperrmuell-anmelden.md")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edited := string(data) + "\n## Erforderliche Unterlagen\n\n- Personalausweis\n"
	if err := os.WriteFile(page, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	services, _ = writeExport(t, dir, strings.ReplaceAll(sampleServices, "mit uns", "mit dem Team"))

	code, stdout, stderr = run(t, args...)
	if code != 1 {
		t.Errorf("second import exited %d, want 1", code)
	}
	if got, _ := os.ReadFile(page); string(got) != edited {
		t.Errorf("the editor's change is lost:\n%s", got)
	}
	if !strings.Contains(stdout, "1 file written, 0 unchanged, 1 kept") {
		t.Errorf("second import: unexpected summary %q", stdout)
	}
	if !strings.Contains(stderr, "kept "+page+": changed since the last import") {
		t.Errorf("stderr does not name the kept page:\n%s", stderr)
	}
	if !strings.Contains(stderr, "merge the new version by hand") {
		t.Errorf("stderr does not say what to do:\n%s", stderr)
	}
	other, _ := os.ReadFile(filepath.Join(out, "services", "sprechstunde.md"))
	if !strings.Contains(string(other), "mit dem Team") {
		t.Errorf("the unchanged page was not updated:\n%s", other)
	}
}

func TestImportChecksCategory(t *testing.T) {
	dir := t.TempDir()
	services, locations := writeExport(t, dir, sampleServices)
	out := filepath.Join(dir, "content", "lingen")
	code, _, stderr := run(t, "import", "dldb", "--services", services, "--locations", locations,
		"--site", "lingen", "--category", "nix", "--config", filepath.Join(repoRoot, "sites.toml"), "--out", out)
	if code != 1 {
		t.Errorf("import with an unknown category exited %d, want 1", code)
	}
	if !strings.Contains(stderr, `unknown default category "nix"`) {
		t.Errorf("stderr does not name the unknown category:\n%s", stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the import wrote content despite the unknown category")
	}
}

func TestImportRejectsEmptyExport(t *testing.T) {
	dir := t.TempDir()
	services, locations := writeExport(t, dir, `{}`)
	out := filepath.Join(dir, "content", "lingen")
	code, stdout, stderr := run(t, "import", "dldb", "--services", services, "--locations", locations,
		"--site", "lingen", "--config", filepath.Join(repoRoot, "sites.toml"), "--out", out)
	if code != 1 {
		t.Errorf("import of an empty export exited %d, want 1", code)
	}
	if !strings.Contains(stderr, "the services file contains no services") {
		t.Errorf("stderr does not say that the export is empty:\n%s", stderr)
	}
	if strings.Contains(stdout, "imported") {
		t.Errorf("stdout reports an import: %q", stdout)
	}
}
