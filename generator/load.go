package generator

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/diag"
)

// SharedDir is the folder under content/ with the federation's base texts.
const SharedDir = "_shared"

// rawFile is a content file as read from disk, before parsing.
type rawFile struct {
	// rel is the path under the content folder, NFC-normalized, with
	// forward slashes.
	rel string
	// name is the path for messages.
	name string
	src  []byte
}

// loaded is the result of reading and decoding the content folder.
type loaded struct {
	bases    map[string]*Base
	services map[string][]*Service // by site ID
	offices  map[string][]*Office
	pages    map[string][]*Page
	starts   map[string]*Page
}

// readContent reads every file under the content folder in parallel.
// prefix is prepended to paths in messages.
func readContent(ctx context.Context, fsys fs.FS, prefix string) ([]rawFile, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != "." && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading content: %w", err)
	}

	files := make([]rawFile, len(paths))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) * 2)
	for i, p := range paths {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return fmt.Errorf("reading content: %w", err)
			}
			files[i] = rawFile{
				rel:  norm.NFC.String(p),
				name: path.Join(prefix, p),
				src:  normalize(src),
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, nil
}

// normalize removes a byte-order mark and turns CRLF line endings into
// LF, which keeps line numbers as they are.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	return src
}

// decodeContent sorts files into base texts, services, offices and pages
// and decodes their front matter, in parallel. siteIDs are the sites of
// the federation.
func decodeContent(files []rawFile, siteIDs map[string]bool, diags *diag.List) *loaded {
	l := &loaded{
		bases:    map[string]*Base{},
		services: map[string][]*Service{},
		offices:  map[string][]*Office{},
		pages:    map[string][]*Page{},
		starts:   map[string]*Page{},
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for _, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var local diag.List
			add := l.decodeFile(f, siteIDs, &local)
			mu.Lock()
			defer mu.Unlock()
			diags.Add(local...)
			if add != nil {
				add()
			}
		}()
	}
	wg.Wait()
	return l
}

// decodeFile decodes one file. It returns the function that files the
// result into l, to be called under l's lock, or nil for an unusable file.
func (l *loaded) decodeFile(f rawFile, siteIDs map[string]bool, diags *diag.List) func() {
	parts := strings.Split(f.rel, "/")
	if !strings.HasSuffix(f.rel, ".md") {
		diags.Warnf(f.name, 0, 0, "unknown-file", "move it out of the content folder",
			"ignoring a file that is not Markdown")
		return nil
	}
	stem := strings.TrimSuffix(parts[len(parts)-1], ".md")
	site := parts[0]
	if site != SharedDir && !siteIDs[site] {
		diags.Errorf(f.name, 0, 0, "unknown-site",
			"name the folder after a site id from sites.toml",
			"content folder %q belongs to no site", site)
		return nil
	}

	src, err := splitFrontMatter(f.name, f.src)
	if err != nil {
		d, _ := diag.AsList(err)
		diags.Add(d...)
		return nil
	}
	kind := ""
	switch {
	case len(parts) == 3 && site == SharedDir && parts[1] == "services":
		kind = "base"
	case len(parts) == 2 && site != SharedDir && stem == "_index":
		kind = "start"
	case len(parts) == 3 && site != SharedDir:
		kind = parts[1]
	}

	switch kind {
	case "base":
		b := &Base{ID: Slugify(stem), src: src}
		if !decodeFrontMatter(src, &b.serviceMatter, diags) {
			return nil
		}
		return func() {
			if prev, dup := l.bases[b.ID]; dup {
				diags.Errorf(f.name, 1, 1, "duplicate-url",
					"rename one of the files", "base text id %q is also used by %s", b.ID, prev.src.path)
				return
			}
			l.bases[b.ID] = b
		}
	case "services":
		s := &Service{Slug: Slugify(stem), src: src}
		if !decodeFrontMatter(src, &s.Matter, diags) {
			return nil
		}
		return func() { l.services[site] = append(l.services[site], s) }
	case "offices":
		o := &Office{Slug: Slugify(stem), src: src}
		if !decodeFrontMatter(src, &o.officeMatter, diags) {
			return nil
		}
		return func() { l.offices[site] = append(l.offices[site], o) }
	case "pages":
		p := &Page{Slug: Slugify(stem), src: src}
		if !decodeFrontMatter(src, &p.pageMatter, diags) {
			return nil
		}
		return func() { l.pages[site] = append(l.pages[site], p) }
	case "start":
		p := &Page{src: src}
		if !decodeFrontMatter(src, &p.pageMatter, diags) {
			return nil
		}
		return func() { l.starts[site] = p }
	}
	diags.Errorf(f.name, 0, 0, "unknown-location",
		"put base texts in _shared/services/, and a site's files in <site>/services/, <site>/offices/, <site>/pages/ or <site>/_index.md",
		"content file in an unknown place")
	return nil
}
