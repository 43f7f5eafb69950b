// Package publish compares two builds of a federation, so CI uploads
// only the files that changed and deletes only the files that are gone.
package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// ManifestDir is the folder, under a build's output folder, of the
// per-portal manifests.
const ManifestDir = "_manifests"

// Entry describes one file of a portal's output.
type Entry struct {
	// Path is the file's path under the portal's folder, with slashes.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest lists every file of a portal's output, sorted by path.
type Manifest struct {
	Site  string  `json:"site"`
	Files []Entry `json:"files"`
}

// ReadManifests reads the manifests of the build in the output folder
// dir, by site ID. A folder that does not exist is an empty build, so the
// first publication uploads everything. An existing folder without
// manifests is an error, because it is not the output of a build.
func ReadManifests(dir string) (map[string]*Manifest, error) {
	out := map[string]*Manifest{}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, ManifestDir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("reading manifests: %s has no %s folder; is it the output folder of a build?",
			dir, ManifestDir)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading manifest: %w", err)
		}
		var m Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("reading manifest %s: %w", p, err)
		}
		if m.Site == "" || m.Site != strings.TrimSuffix(filepath.Base(p), ".json") {
			return nil, fmt.Errorf("reading manifest %s: site %q does not match the file name", p, m.Site)
		}
		// Upload scripts pass the paths to rclone and the AWS CLI, so a
		// path must stay inside the portal's folder and on one line.
		for i, f := range m.Files {
			if !fs.ValidPath(f.Path) || f.Path == "." || strings.ContainsFunc(f.Path, invalidPathRune) {
				return nil, fmt.Errorf("reading manifest %s: invalid path %q of file %d: want a relative path with slashes, "+
					"without . or .. segments, backslashes or control characters. Build the folder again with verbund build",
					p, f.Path, i+1)
			}
		}
		out[m.Site] = &m
	}
	return out, nil
}

// invalidPathRune reports whether r may not appear in the path of a
// manifest entry: a backslash, which Windows tools read as a separator,
// or a control character such as a line break.
func invalidPathRune(r rune) bool {
	return r == '\\' || unicode.IsControl(r)
}

// Change is the set of uploads and deletions that take one portal from
// the old build to the new one.
type Change struct {
	Site string `json:"site"`
	// Upload are the files that are new or changed, paths under the
	// portal's folder.
	Upload []string `json:"upload"`
	// Delete are the files of the old build that the new one lacks.
	Delete []string `json:"delete"`
	// Unchanged counts the files that stay as they are.
	Unchanged int `json:"unchanged"`
	// Removed is set when the portal is no longer part of the new build;
	// every file of it is in Delete.
	Removed bool `json:"removed,omitempty"`
}

// MissingSites returns the sorted IDs of the portals that the old build
// has and the new one lacks. A build that lacks a portal may be
// incomplete, so callers confirm that the portal left the federation
// before they delete its files.
func MissingSites(old, new map[string]*Manifest) []string {
	var missing []string
	for id := range old {
		if new[id] == nil {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	return missing
}

// Diff compares the manifests of two builds and returns one change per
// portal of either build, sorted by site. Pages of one portal link to
// pages of others, so a deploy uploads the files of every portal before
// it deletes any.
func Diff(old, new map[string]*Manifest) []Change {
	sites := map[string]bool{}
	for s := range old {
		sites[s] = true
	}
	for s := range new {
		sites[s] = true
	}
	var ids []string
	for s := range sites {
		ids = append(ids, s)
	}
	sort.Strings(ids)

	var changes []Change
	for _, id := range ids {
		c := Change{Site: id, Upload: []string{}, Delete: []string{}}
		before := map[string]string{}
		if m := old[id]; m != nil {
			for _, e := range m.Files {
				before[e.Path] = e.SHA256
			}
		}
		if m := new[id]; m != nil {
			for _, e := range m.Files {
				hash, had := before[e.Path]
				switch {
				case !had || hash != e.SHA256:
					c.Upload = append(c.Upload, e.Path)
				default:
					c.Unchanged++
				}
				delete(before, e.Path)
			}
		} else {
			c.Removed = true
		}
		for p := range before {
			c.Delete = append(c.Delete, p)
		}
		sort.Strings(c.Upload)
		sort.Strings(c.Delete)
		changes = append(changes, c)
	}
	return changes
}
