package dldb

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Report lists what Write did with each file of an import, by the
// file's slash-separated path relative to the content folder.
type Report struct {
	// Written are the files created or replaced.
	Written []string
	// Unchanged are the files whose content was already the import's.
	Unchanged []string
	// Kept are the files an earlier import wrote and an editor changed
	// since, left as they are. Their new version is not written.
	Kept []string
}

// Write writes files under dir, creating folders as needed, and returns
// what it did with each.
//
// A file that exists is replaced only if Write can tell that no editor
// changed it. A file without a source key in its front matter is an
// editor's page, so Write returns an error naming it and writes nothing:
// it checks every file before it writes any. A file with a source key is
// replaced only while its SHA-256 digest matches the one the import
// record (see [RecordName]) lists for it, so that a change an editor
// made since the last import is never lost. Such a changed file, or one
// that the record does not list, is left as it is and reported in
// Report.Kept. Write skips files whose content is unchanged, and it
// removes nothing, so pages of records that left the export stay.
func Write(dir string, files []File) (*Report, error) {
	record, err := readRecord(dir)
	if err != nil {
		return nil, err
	}
	var conflicts []error
	states := make([]targetState, len(files))
	for i, f := range files {
		state, err := checkTarget(dir, f, record)
		if err != nil {
			conflicts = append(conflicts, err)
		}
		states[i] = state
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("writing import to %s: %w", dir, errors.Join(conflicts...))
	}

	report := &Report{}
	for i, f := range files {
		switch states[i] {
		case targetUnchanged:
			report.Unchanged = append(report.Unchanged, f.Path)
			record[f.Path] = digest(f.Data)
			continue
		case targetEdited:
			report.Kept = append(report.Kept, f.Path)
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := writeFile(target, f.Data); err != nil {
			// Record what was written so far, so that the next import
			// replaces those files instead of keeping them as edited.
			if recErr := writeRecord(dir, record); recErr != nil {
				err = errors.Join(err, recErr)
			}
			return nil, fmt.Errorf("writing import to %s: %w", dir, err)
		}
		record[f.Path] = digest(f.Data)
		report.Written = append(report.Written, f.Path)
	}
	if err := writeRecord(dir, record); err != nil {
		return nil, fmt.Errorf("writing import to %s: %w", dir, err)
	}
	return report, nil
}

// targetState is the action Write takes on a file of the import.
type targetState int

const (
	// targetWrite: the file is new, or an import wrote it and no editor
	// changed it since.
	targetWrite targetState = iota
	// targetUnchanged: the file has the content of the import already.
	targetUnchanged
	// targetEdited: an import wrote the file and it changed since, or the
	// import record does not list it.
	targetEdited
)

// checkTarget returns what to do with f, or an error if f has an invalid
// path or would replace a file that no import wrote.
func checkTarget(dir string, f File, record map[string]string) (targetState, error) {
	path := filepath.FromSlash(f.Path)
	if !filepath.IsLocal(path) || filepath.Ext(path) != ".md" {
		return targetWrite, fmt.Errorf("%s: invalid path: expected a relative path to a .md file inside the content folder", f.Path)
	}
	target := filepath.Join(dir, path)
	info, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return targetWrite, nil
	}
	if err != nil {
		return targetWrite, fmt.Errorf("%s: %w", f.Path, err)
	}
	if !info.Mode().IsRegular() {
		return targetWrite, fmt.Errorf("%s: exists and is not a regular file; move it away to import", f.Path)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return targetWrite, fmt.Errorf("%s: %w", f.Path, err)
	}
	values, err := parseFrontMatter(data)
	if err != nil {
		return targetWrite, fmt.Errorf("%s: exists and is not an imported page (%w); move it away to import", f.Path, err)
	}
	if source, _ := values["source"].(string); source == "" {
		return targetWrite, fmt.Errorf("%s: exists and is not an imported page (no source in its front matter); move it away to import", f.Path)
	}
	switch {
	case bytes.Equal(data, f.Data):
		return targetUnchanged, nil
	case record[f.Path] != "" && record[f.Path] == digest(data):
		return targetWrite, nil
	}
	return targetEdited, nil
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
