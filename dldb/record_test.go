package dldb

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWriteKeepsEditorChange imports twice with an editor's change to one
// imported page in between: the change stays, the other page is updated.
func TestWriteKeepsEditorChange(t *testing.T) {
	dir := t.TempDir()
	first := []File{
		{Path: "services/a.md", Data: importedPage("dldb:1", "old a")},
		{Path: "services/b.md", Data: importedPage("dldb:2", "old b")},
	}
	if _, err := Write(dir, first); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	edited := string(first[0].Data) + "\n## Erforderliche Unterlagen\n\n- Ausweis\n"
	pathA := filepath.Join(dir, "services", "a.md")
	if err := os.WriteFile(pathA, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}

	second := []File{
		{Path: "services/a.md", Data: importedPage("dldb:1", "new a")},
		{Path: "services/b.md", Data: importedPage("dldb:2", "new b")},
	}
	report, err := Write(dir, second)
	if err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if got := readFile(t, pathA); got != edited {
		t.Errorf("services/a.md = %q, want the editor's version %q", got, edited)
	}
	if got := readFile(t, filepath.Join(dir, "services", "b.md")); got != string(second[1].Data) {
		t.Errorf("services/b.md = %q, want the new import", got)
	}
	if !slices.Equal(report.Kept, []string{"services/a.md"}) {
		t.Errorf("Kept = %q, want [services/a.md]", report.Kept)
	}
	if !slices.Equal(report.Written, []string{"services/b.md"}) {
		t.Errorf("Written = %q, want [services/b.md]", report.Written)
	}

	// The page stays kept in later imports until the editor removes it.
	report, err = Write(dir, second)
	if err != nil {
		t.Fatalf("third Write: %v", err)
	}
	if !slices.Equal(report.Kept, []string{"services/a.md"}) {
		t.Errorf("third import: Kept = %q, want [services/a.md]", report.Kept)
	}
	if err := os.Remove(pathA); err != nil {
		t.Fatal(err)
	}
	report, err = Write(dir, second)
	if err != nil {
		t.Fatalf("Write after removal: %v", err)
	}
	if len(report.Kept) != 0 {
		t.Errorf("after removal: Kept = %q, want none", report.Kept)
	}
	if got := readFile(t, pathA); got != string(second[0].Data) {
		t.Errorf("after removal: services/a.md = %q, want the new import", got)
	}
}

// TestWriteKeepsUnrecordedPage replaces no imported page that the import
// record does not list, such as one an older verbund imported.
func TestWriteKeepsUnrecordedPage(t *testing.T) {
	dir := t.TempDir()
	old := importedPage("dldb:1", "old")
	path := filepath.Join(dir, "services", "a.md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	report, err := Write(dir, []File{{Path: "services/a.md", Data: importedPage("dldb:1", "new")}})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := readFile(t, path); got != string(old) {
		t.Errorf("services/a.md = %q, want it unchanged", got)
	}
	if !slices.Equal(report.Kept, []string{"services/a.md"}) {
		t.Errorf("Kept = %q, want [services/a.md]", report.Kept)
	}
}

func TestWriteRecordFormat(t *testing.T) {
	dir := t.TempDir()
	files := []File{
		{Path: "services/b.md", Data: importedPage("dldb:2", "b")},
		{Path: "offices/a.md", Data: importedPage("dldb:1", "a")},
	}
	if _, err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, f := range []File{files[1], files[0]} {
		sum := sha256.Sum256(f.Data)
		want.WriteString(hex.EncodeToString(sum[:]) + "  " + f.Path + "\n")
	}
	if got := readFile(t, filepath.Join(dir, RecordName)); got != want.String() {
		t.Errorf("import record = %q, want %q", got, want.String())
	}
}

func TestWriteRejectsInvalidRecord(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, RecordName), []byte("xyz services/a.md\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Write(dir, []File{{Path: "services/a.md", Data: importedPage("dldb:1", "a")}})
	if err == nil || !strings.Contains(err.Error(), RecordName+":1: invalid line") {
		t.Errorf("Write error = %v, want one naming line 1 of the record", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "services", "a.md")); !os.IsNotExist(err) {
		t.Errorf("Write wrote services/a.md despite the invalid record (stat error %v)", err)
	}
}
