package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LayoutMarker is the comment in a layout file where the results page
// puts the search results. Open rejects a layout that does not contain
// it exactly once.
const LayoutMarker = "<!--verbund:results-->"

// maxLayoutBytes bounds a layout file.
const maxLayoutBytes = 1 << 20

// layout is a portal page split at LayoutMarker.
type layout struct {
	before, after string
}

// loadLayouts reads the layout files <site>.html of dir. A missing dir
// holds no layouts.
func loadLayouts(dir string) (map[string]layout, error) {
	layouts := map[string]layout{}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return layouts, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading layouts: %w", err)
	}
	for _, e := range entries {
		site, ok := strings.CutSuffix(e.Name(), ".html")
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		l, err := readLayout(path)
		if err != nil {
			return nil, err
		}
		layouts[site] = l
	}
	return layouts, nil
}

func readLayout(path string) (layout, error) {
	info, err := os.Stat(path)
	if err != nil {
		return layout{}, fmt.Errorf("reading layout: %w", err)
	}
	if info.Size() > maxLayoutBytes {
		return layout{}, fmt.Errorf("layout %s: larger than %d bytes", path, maxLayoutBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return layout{}, fmt.Errorf("reading layout: %w", err)
	}
	page := string(data)
	if n := strings.Count(page, LayoutMarker); n != 1 {
		return layout{}, fmt.Errorf("layout %s: contains the marker %s %d times, want exactly once", path, LayoutMarker, n)
	}
	before, after, _ := strings.Cut(page, LayoutMarker)
	return layout{before: before, after: after}, nil
}
