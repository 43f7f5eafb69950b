package generator

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"io/fs"
	"path"
	"path/filepath"
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
	// file is the path under the content folder as the file system
	// spells it, which may be NFD-normalized.
	file string
	src  []byte
	// hash identifies the content, to find what changed between builds.
	hash uint64
	// size is the length of a file of a files folder, whose src stays
	// nil, and contentDiags what the check of its content found
	// (readStaticFile).
	size         int64
	contentDiags diag.List
	// problem, when not nil, is why the file cannot be read, such as a
	// symbolic link that leads out of the project folder.
	problem *diag.Diagnostic
}

// loaded is the result of reading and decoding the content folder.
type loaded struct {
	bases    map[string]*Base
	services map[string][]*Service // by site ID
	offices  map[string][]*Office
	pages    map[string][]*Page
	starts   map[string]*Page
	// files are the files of the files folders by site ID or SharedDir.
	files map[string][]*staticFile
	// failed has the key failedKey returns for each base text and
	// office that has errors of its own, so that references to it are
	// not reported too.
	failed map[string]bool
	// pack is set when the build packs its content. Resolving packs what
	// it adds to the content there too.
	pack *packer
}

// readContent reads every file under the content folder in parallel.
// prefix is prepended to paths in messages. With headOnly set, each file
// keeps its content only up to the end of its front matter, for a build
// that reads bodies again as it renders (see decodeContent).
func readContent(ctx context.Context, fsys fs.FS, prefix string, headOnly bool) ([]rawFile, error) {
	var paths []string
	// links are the paths that are symbolic links. The walk reports them
	// without a system call per file.
	links := map[string]bool{}
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
			if d.Type()&fs.ModeSymlink != 0 {
				links[p] = true
			}
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
			if links[p] {
				if lp := checkLink(fsys, p); lp != nil {
					files[i] = linkFile(p, prefix, lp)
					return nil
				}
			}
			if isFilesPath(p) {
				f, err := readStaticFile(fsys, p, prefix)
				if err != nil {
					return fmt.Errorf("reading content: %w", err)
				}
				files[i] = f
				return nil
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return fmt.Errorf("reading content: %w", err)
			}
			f := newRawFile(p, prefix, src)
			if headOnly {
				f.src = frontMatterHead(f.name, f.src)
			}
			files[i] = f
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, nil
}

// contentSeed seeds the hashes of content files. Hashes are compared
// only within one process.
var contentSeed = maphash.MakeSeed()

// newRawFile returns the file at path p under the content folder.
func newRawFile(p, prefix string, src []byte) rawFile {
	src = normalize(src)
	return rawFile{
		rel:  norm.NFC.String(p),
		name: path.Join(prefix, p),
		file: p,
		src:  src,
		hash: maphash.Bytes(contentSeed, src),
	}
}

// frontMatterHead returns a copy of src up to the end of its front
// matter, or src when the front matter is missing or not closed, so that
// decoding reports the same errors.
func frontMatterHead(name string, src []byte) []byte {
	return bytes.Clone(src[:headLength(name, src)])
}

// headLength returns the length of src up to the end of its front
// matter, or len(src) when the front matter is missing or not closed.
func headLength(name string, src []byte) int {
	s, err := splitFrontMatter(name, src)
	if err != nil {
		return len(src)
	}
	return len(src) - len(s.body)
}

// normalize removes a UTF-8 byte-order mark and turns CRLF line endings
// and lone carriage returns, the line endings of old Mac editors, into
// LF. Markdown reads a lone carriage return as a line ending too, so line
// numbers stay as editors show them.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	}
	return src
}

// decoded is a content file with its front matter decoded, before it is
// filed into a loaded set. Resolving a build fills in fields of the
// objects, so a build that a later build updates files fresh copies and
// the decoded value stays as it was, for the next build to reuse.
type decoded struct {
	kind string // base, services, offices, pages, start or files
	site string
	name string // path for messages
	// One of base, svc, off, page and file is set, the one kind names.
	base *Base
	svc  *Service
	off  *Office
	page *Page
	file *staticFile
}

// decodedFile is the result of decoding one file: the decoded content, or
// nil for an unusable file, and what decoding reported.
type decodedFile struct {
	hash  uint64
	dec   *decoded
	diags diag.List
}

// decodeContent sorts files into base texts, services, offices and pages
// and decodes their front matter, in parallel. siteIDs are the sites of
// the federation. Files found in prev with the same content are not
// decoded again; next, unless nil, receives the result of every file.
//
// When reread is not empty, the decoded sources keep their front matter
// but not their bodies, which parseMarkdown reads again from the file
// under the folder reread when it needs them. A build that renders each
// page once then holds no more than the front matter of every file.
func decodeContent(files []rawFile, siteIDs map[string]bool, prev, next map[string]*decodedFile, reread string, diags *diag.List) *loaded {
	results := make([]*decodedFile, len(files))
	var (
		wg  sync.WaitGroup
		sem = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for i, f := range files {
		if c := prev[f.rel]; c != nil && c.hash == f.hash {
			results[i] = c
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := &decodedFile{hash: f.hash}
			r.dec = decodeFile(f, siteIDs, &r.diags)
			if reread != "" && r.dec != nil && r.dec.kind != filesDir {
				r.dec.dropBody(filepath.Join(reread, filepath.FromSlash(f.file)), len(f.src))
			}
			results[i] = r
		}()
	}
	wg.Wait()

	l := &loaded{
		bases:    map[string]*Base{},
		services: map[string][]*Service{},
		offices:  map[string][]*Office{},
		pages:    map[string][]*Page{},
		starts:   map[string]*Page{},
		files:    map[string][]*staticFile{},
		failed:   map[string]bool{},
	}
	// A build that no later build follows keeps its content to the end,
	// so it packs it.
	if next == nil {
		l.pack = &packer{}
	}
	for i, r := range results {
		diags.Add(r.diags...)
		if r.dec == nil && len(r.diags.Errors()) > 0 {
			l.failed[failedKey(files[i].rel)] = true
		}
		if next == nil {
			// No later build reuses the decoded content, so resolving
			// may fill in its fields.
			if r.dec != nil {
				l.file(r.dec, l.pack, false, diags)
			}
			continue
		}
		next[files[i].rel] = r
		if r.dec != nil {
			l.file(r.dec, nil, true, diags)
		}
	}
	return l
}

// failedKey returns the key of loaded.failed for the content file at
// rel: the id of a base text, the site and slug of an office, or the
// folder and name of a file of a files folder, which references name.
func failedKey(rel string) string {
	parts := strings.Split(rel, "/")
	stem := Slugify(strings.TrimSuffix(parts[len(parts)-1], ".md"))
	switch {
	case len(parts) == 3 && parts[1] == filesDir:
		return "file " + parts[0] + "/" + parts[2]
	case len(parts) == 3 && parts[0] == SharedDir && parts[1] == "services":
		return "base " + stem
	case len(parts) == 3 && parts[1] == "offices":
		return "office " + parts[0] + "/" + stem
	}
	return rel
}

// dropBody replaces the body of d's source with the way to read it
// again from file. size is the length of the content d was decoded from:
// the file's normalized content, or its part up to the end of the front
// matter. The front matter stays a part of that content, which a build
// that rereads bodies holds only up to the end of the front matter
// (readContent with headOnly set) and then packs.
func (d *decoded) dropBody(file string, size int) {
	var src *source
	switch d.kind {
	case "base":
		src = &d.base.src
	case "services":
		src = &d.svc.src
	case "offices":
		src = &d.off.src
	default:
		src = &d.page.src
	}
	src.file, src.bodyStart = file, size-len(src.body)
	src.body = nil
}

// file adds the decoded content d to l, a fresh copy of it when fresh
// is set, so that d stays as decoded for the next build, or a packed
// copy when pack is not nil.
func (l *loaded) file(d *decoded, pack *packer, fresh bool, diags *diag.List) {
	switch d.kind {
	case "base":
		b := d.base
		if fresh {
			b = new(*b)
		} else if pack != nil {
			b = pack.base(b)
		}
		if prev, dup := l.bases[b.ID]; dup {
			diags.Errorf(d.name, 1, 1, "duplicate-url",
				"rename one of the files", "base text id %q is also used by %s", b.ID, prev.src.path)
			return
		}
		l.bases[b.ID] = b
	case "services":
		s := d.svc
		if fresh {
			s = new(*s)
		} else if pack != nil {
			s = pack.service(s)
		}
		l.services[d.site] = append(l.services[d.site], s)
	case "offices":
		o := d.off
		if fresh {
			o = new(*o)
		} else if pack != nil {
			o = pack.office(o)
		}
		l.offices[d.site] = append(l.offices[d.site], o)
	case filesDir:
		// Nothing changes a staticFile after decoding, so every build
		// may share it.
		l.files[d.site] = append(l.files[d.site], d.file)
	case "pages", "start":
		p := d.page
		if fresh {
			p = new(*p)
		} else if pack != nil {
			p = pack.page(p)
		}
		if d.kind == "start" {
			l.starts[d.site] = p
		} else {
			l.pages[d.site] = append(l.pages[d.site], p)
		}
	}
}

// placesHint names the places of content files.
const placesHint = "put base texts in _shared/services/, and a site's files in <site>/services/, <site>/offices/, <site>/pages/ or <site>/_index.md"

// decodeFile decodes one file. It returns nil for an unusable file.
func decodeFile(f rawFile, siteIDs map[string]bool, diags *diag.List) *decoded {
	if f.problem != nil {
		diags.Add(*f.problem)
		return nil
	}
	if isFilesPath(f.rel) {
		return decodeStaticFile(f, siteIDs, diags)
	}
	parts := strings.Split(f.rel, "/")
	if !strings.HasSuffix(f.rel, ".md") {
		hint := "move it out of the content folder"
		if _, ok := FileContentType(f.rel); ok {
			if len(parts) > 1 && (siteIDs[parts[0]] || parts[0] == SharedDir) {
				hint = "to publish it at " + FilesPath + "<name>, move it to " + parts[0] + "/" + filesDir + "/"
			} else {
				hint = "to publish it at " + FilesPath + "<name>, move it to the files folder of a site, <site>/" +
					filesDir + "/, or to " + SharedDir + "/" + filesDir + "/ for the portals whose pages refer to it"
			}
		}
		// Copying a file to <site>/files before the folder exists, as
		// cp does, writes a file of that name.
		if len(parts) == 2 && parts[1] == filesDir {
			hint = "files must be a folder: rename this file to the name it should be published under, " +
				"create the folder " + f.name + "/ and move the file into it"
		}
		diags.Warnf(f.name, 0, 0, "unknown-file", hint, "ignoring a file that is not Markdown")
		return nil
	}
	stem := strings.TrimSuffix(parts[len(parts)-1], ".md")
	site := parts[0]
	if len(parts) == 1 {
		diags.Errorf(f.name, 0, 0, "unknown-location", placesHint,
			"content file outside a site's folder")
		return nil
	}
	if site != SharedDir && !siteIDs[site] {
		diags.Errorf(f.name, 0, 0, "unknown-site",
			"name the folder after a site id from sites.toml",
			"content folder %q belongs to no site", site)
		return nil
	}

	// The body's encoding is checked when it is parsed, because a build
	// may hold only the front matter here.
	if !checkEncoding(f.name, f.src[:headLength(f.name, f.src)], diags) {
		return nil
	}
	src, err := splitFrontMatter(f.name, f.src)
	if err != nil {
		d, _ := diag.AsList(err)
		diags.Add(d...)
		return nil
	}
	src.hash = f.hash
	kind := ""
	switch {
	case len(parts) == 3 && site == SharedDir && parts[1] == "services":
		kind = "base"
	case len(parts) == 2 && site != SharedDir && stem == "_index":
		kind = "start"
	case len(parts) == 3 && site != SharedDir:
		kind = parts[1]
	}

	d := &decoded{kind: kind, site: site, name: f.name}
	ok := false
	switch kind {
	case "base":
		d.base = &Base{ID: Slugify(stem), src: src}
		ok = decodeFrontMatter(src, &d.base.serviceMatter, diags)
	case "services":
		d.svc = &Service{Slug: Slugify(stem), src: src}
		ok = decodeFrontMatter(src, &d.svc.Matter, diags)
	case "offices":
		d.off = &Office{Slug: Slugify(stem), src: src}
		ok = decodeFrontMatter(src, &d.off.officeMatter, diags)
	case "pages":
		d.page = &Page{Slug: Slugify(stem), src: src}
		ok = decodeFrontMatter(src, &d.page.pageMatter, diags)
	case "start":
		d.page = &Page{src: src}
		ok = decodeFrontMatter(src, &d.page.pageMatter, diags)
	default:
		diags.Errorf(f.name, 0, 0, "unknown-location", placesHint,
			"content file in an unknown place")
		return nil
	}
	if !ok {
		return nil
	}
	return d
}
