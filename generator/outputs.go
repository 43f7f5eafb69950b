package generator

import (
	"maps"
	"sort"
	"strings"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/publish"
)

// outputFiles are the files of an output folder by the first part of
// their slash-separated path, a portal or the manifests' folder, and by
// the rest of the path. An update copies the maps of the folders it
// changes and shares the others with the previous build, so the maps of
// a finished build must not change.
type outputFiles map[string]map[string]publish.Entry

// splitOutput splits a slash-separated path relative to the output
// folder into its first part and the rest.
func splitOutput(p string) (dir, rest string) {
	dir, rest, _ = strings.Cut(p, "/")
	return dir, rest
}

// get returns the entry of the file at p.
func (o outputFiles) get(p string) (publish.Entry, bool) {
	dir, rest := splitOutput(p)
	e, ok := o[dir][rest]
	return e, ok
}

// count returns the number of files.
func (o outputFiles) count() int {
	n := 0
	for _, files := range o {
		n += len(files)
	}
	return n
}

// outputsOf returns every file the jobs of p wrote, the portals whose
// files differ from prev's, the previous build's, or all portals without
// prev, and the paths of prev's files that the jobs replaced or dropped.
// With prev it starts from prev's files and changes those of the jobs
// that ran and of prev's jobs that are gone.
func outputsOf(p *plan, prev *state) (outputFiles, map[string]bool, []string) {
	if prev == nil {
		m := outputFiles{}
		for _, j := range p.list.jobs {
			for _, f := range j.files {
				dir, rest := splitOutput(f.path)
				if m[dir] == nil {
					m[dir] = map[string]publish.Entry{}
				}
				m[dir][rest] = f.entry
			}
		}
		return m, nil, nil
	}

	// The folders the update changes get a copy of their files.
	m := maps.Clone(prev.outputs)
	copied := map[string]bool{}
	files := func(dir string) map[string]publish.Entry {
		if !copied[dir] {
			m[dir] = maps.Clone(m[dir])
			if m[dir] == nil {
				m[dir] = map[string]publish.Entry{}
			}
			copied[dir] = true
		}
		return m[dir]
	}

	// Take out the files of the jobs that ran again or are gone.
	var removed []string
	remove := func(old *job) {
		for _, f := range old.files {
			dir, rest := splitOutput(f.path)
			delete(files(dir), rest)
			removed = append(removed, f.path)
		}
	}
	for _, j := range p.todo {
		if old := prev.jobs.find(j.key); old != nil {
			remove(old)
		}
	}
	for _, old := range p.dropped {
		remove(old)
	}

	// Put in the files of the jobs that ran, and note the portals whose
	// files differ.
	changed := map[string]bool{}
	for _, j := range p.todo {
		for _, f := range j.files {
			dir, rest := splitOutput(f.path)
			files(dir)[rest] = f.entry
			if old, had := prev.outputs.get(f.path); !had || old != f.entry {
				changed[dir] = true
			}
		}
	}
	for _, p := range removed {
		if _, ok := m.get(p); !ok {
			dir, _ := splitOutput(p)
			changed[dir] = true
		}
	}
	return m, changed, removed
}

// manifestFile is a manifest to write.
type manifestFile struct {
	path  string
	data  []byte
	entry publish.Entry
	// encoded is set when the build encoded the manifest anew instead of
	// taking the previous build's.
	encoded bool
}

// manifestFiles returns one manifest per portal listing its files. With
// prev, the previous build, only the manifests of the portals in changed
// are made anew.
func manifestFiles(sites []*Site, outputs outputFiles, prev *state, changed map[string]bool,
	diags *diag.List) []manifestFile {
	var files []manifestFile
	for _, s := range sites {
		name := publish.ManifestDir + "/" + s.ID + ".json"
		if prev != nil && !changed[s.ID] && prev.manifests[name] != nil {
			entry, _ := prev.outputs.get(name)
			files = append(files, manifestFile{path: name, data: prev.manifests[name], entry: entry})
			continue
		}
		var entries []publish.Entry
		for rest, e := range outputs[s.ID] {
			e.Path = rest
			entries = append(entries, e)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
		data, err := jsonIndent(publish.Manifest{Site: s.ID, Files: entries})
		if err != nil {
			diags.Errorf(publish.ManifestDir, 0, 0, "write", "", "encoding the manifest of %s: %v", s.ID, err)
			continue
		}
		files = append(files, manifestFile{path: name, data: data, entry: hashEntry(data), encoded: true})
	}
	return files
}
