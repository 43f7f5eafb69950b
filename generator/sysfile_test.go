package generator

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestWriteFileReadFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("<!doctype html><title>Reisepass</title>\n")},
		{"large", bytes.Repeat([]byte("Hundesteuer "), 200_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".html")
			// A longer earlier content is truncated.
			if err := os.WriteFile(path, bytes.Repeat([]byte("x"), len(tt.data)+10), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := writeFile(path, tt.data); err != nil {
				t.Fatal(err)
			}
			got, err := readFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Errorf("read %d bytes, want the %d written", len(got), len(tt.data))
			}
			if want, _ := os.ReadFile(path); !bytes.Equal(got, want) {
				t.Errorf("readFile returned %d bytes, os.ReadFile %d", len(got), len(want))
			}
		})
	}

	missing := filepath.Join(dir, "fehlt", "index.html")
	if err := writeFile(missing, []byte("x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writing into a missing folder: %v, want an error that wraps fs.ErrNotExist", err)
	}
	if _, err := readFile(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("reading a missing file: %v, want an error that wraps fs.ErrNotExist", err)
	}
}

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lingen"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lingen", "reisepass.md"), []byte("+++\ntitle = \"Reisepass\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := newDirFS(dir)
	if err := fstest.TestFS(fsys, "lingen/reisepass.md"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "../outside.md"); err == nil {
		t.Error("reading a path outside the folder succeeded")
	}
}
