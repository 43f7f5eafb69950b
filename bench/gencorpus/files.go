package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// markerFile marks a folder the generator wrote, so a later run may
// replace it.
const markerFile = ".gencorpus"

// prepareDir makes dir an empty folder for a new corpus. It removes an
// earlier corpus but rejects a folder with other files, so a mistyped
// -out cannot delete someone's work.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("preparing output folder: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			return fmt.Errorf("output folder %s is not empty and contains no earlier corpus: choose a new folder", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing the earlier corpus: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("preparing output folder: %w", err)
	}
	marker := []byte("This folder was written by bench/gencorpus; the next run replaces it.\n")
	if err := os.WriteFile(filepath.Join(dir, markerFile), marker, 0o644); err != nil {
		return fmt.Errorf("preparing output folder: %w", err)
	}
	return nil
}

// fileWriter writes files under root and keeps the first error, so a
// sequence of writes can be checked once at the end.
type fileWriter struct {
	root  string
	err   error
	files int
	// dirs are the folders already created.
	dirs map[string]bool
}

func (w *fileWriter) write(rel string, data []byte) {
	if w.err != nil {
		return
	}
	path := filepath.Join(w.root, rel)
	dir := filepath.Dir(path)
	if !w.dirs[dir] {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			w.err = fmt.Errorf("writing %s: %w", rel, err)
			return
		}
		if w.dirs == nil {
			w.dirs = map[string]bool{}
		}
		w.dirs[dir] = true
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		w.err = fmt.Errorf("writing %s: %w", rel, err)
		return
	}
	w.files++
}

// copyDir copies the files under src to dst.
func copyDir(src, dst string) error {
	w := &fileWriter{root: dst}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		w.write(rel, data)
		return w.err
	})
	if err != nil {
		return fmt.Errorf("copying theme %s: %w", src, err)
	}
	return nil
}

// copyFile copies the file src to dst, creating dst's folder.
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	w := &fileWriter{root: filepath.Dir(dst)}
	w.write(filepath.Base(dst), data)
	return w.err
}
