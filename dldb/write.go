package dldb

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes files under dir, creating folders as needed. It replaces
// an existing file only if an earlier import wrote it, as a source key
// in the file's front matter shows, because a file without one contains
// an editor's work. Write checks every file before it writes any, so a
// conflict leaves dir unchanged. It skips files whose content is
// unchanged, and it removes nothing, so pages of records that left the
// export stay.
func Write(dir string, files []File) error {
	var conflicts []error
	for _, f := range files {
		if err := checkTarget(dir, f); err != nil {
			conflicts = append(conflicts, err)
		}
	}
	if len(conflicts) > 0 {
		return fmt.Errorf("writing import to %s: %w", dir, errors.Join(conflicts...))
	}

	for _, f := range files {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(target)
		if err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		if err := writeFile(target, f.Data); err != nil {
			return fmt.Errorf("writing import to %s: %w", dir, err)
		}
	}
	return nil
}

// checkTarget returns an error if f has an invalid path or would replace
// a file that no import wrote.
func checkTarget(dir string, f File) error {
	path := filepath.FromSlash(f.Path)
	if !filepath.IsLocal(path) || filepath.Ext(path) != ".md" {
		return fmt.Errorf("%s: invalid path: expected a relative path to a .md file inside the content folder", f.Path)
	}
	target := filepath.Join(dir, path)
	info, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: exists and is not a regular file; move it away to import", f.Path)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	values, err := parseFrontMatter(data)
	if err != nil {
		return fmt.Errorf("%s: exists and is not an imported page (%w); move it away to import", f.Path, err)
	}
	if source, _ := values["source"].(string); source == "" {
		return fmt.Errorf("%s: exists and is not an imported page (no source in its front matter); move it away to import", f.Path)
	}
	return nil
}

// writeFile replaces the file at path through a temporary file in the
// same folder, so that a reader never sees a partly written page.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".import-*.md")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
