package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tdewolff/minify/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/publish"
	"github.com/verbund/verbund/search"
)

// state is the result of a successful build that the next build
// compares against and reuses.
type state struct {
	// day is the date the build counted review ages from.
	day        string
	cfg        *federation.Config
	cfgName    string
	contentDir string
	// contentName is the path of the content folder that file paths in
	// messages start with, relative to the folder of sites.toml when it
	// lies inside it.
	contentName string
	// out is the absolute output folder.
	out   string
	theme *theme
	min   *minify.M
	files []rawFile
	// fc is the resolved content, and contentDiags what decoding and
	// resolving it reported.
	fc           *federationContent
	contentDiags diag.List
	// decoded are the decoded content files by path under the content
	// folder.
	decoded map[string]*decodedFile
	// bases are the parsed base texts by ID.
	bases    map[string]*parsedBase
	baseHTML *baseCache
	// byBase and byLeiKa are the groups of services of fc.
	byBase  map[string][]*Service
	byLeiKa map[string][]*Service
	assets  map[string]siteAssets
	portals []portalGroup
	chrome  map[string]*siteChrome
	// jobs are the build's jobs, with what they produced.
	jobs *jobList
	// links is the build's linkDigest.
	links uint64
	// outputs are the files of the output folder, without the search
	// index.
	outputs outputFiles
	// manifests are the manifests' contents by path.
	manifests map[string][]byte
	corpus    *search.Corpus
}

// drop releases what only an update of the build needs: the content
// files and their decoded and resolved forms, the parsed base texts, the
// service groups, the jobs and the list of output files. The corpus
// stays.
func (st *state) drop() {
	st.files, st.fc, st.decoded, st.bases, st.baseHTML = nil, nil, nil, nil, nil
	st.byBase, st.byLeiKa = nil, nil
	st.jobs, st.outputs, st.manifests = nil, nil, nil
}

// parsedBase is a parsed base text, its plain text for the search index
// and what parsing reported.
type parsedBase struct {
	hash  uint64
	doc   *document
	text  string
	diags diag.List
}

// changedContent returns the changed files, given by path, as paths
// relative to the content folder, or nil when the build must start
// afresh: the changes reach beyond the content folder, or the day has
// changed, which may change the review warnings.
func (st *state) changedContent(changed []string, now time.Time) []string {
	if now.Format("2006-01-02") != st.day {
		return nil
	}
	rel := make([]string, 0, len(changed))
	for _, c := range changed {
		abs, err := filepath.Abs(c)
		if err != nil {
			return nil
		}
		r, err := filepath.Rel(st.contentDir, abs)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return nil
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	return rel
}

// load reads the configuration, the theme and the content. With prev it
// reads only the changed content files and takes the rest from prev.
func (b *Builder) load(ctx context.Context, prev *state, changed []string) (*state, error) {
	opts := b.opts
	st := &state{day: b.now().Format("2006-01-02"), decoded: map[string]*decodedFile{}}
	if prev != nil {
		st.cfg, st.cfgName, st.contentDir, st.contentName = prev.cfg, prev.cfgName, prev.contentDir, prev.contentName
		st.theme, st.min = prev.theme, prev.min
		files, err := rereadContent(newContentFS(st.contentDir, filepath.Dir(opts.ConfigPath)), st.contentName, prev.files, changed)
		if err != nil {
			return nil, err
		}
		st.files = files
		return st, nil
	}

	cfg, err := federation.Load(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	if opts.OutputDir != "" {
		cfg.OutputDir = opts.OutputDir
	}
	if opts.Override != nil {
		opts.Override(cfg)
	}
	root := filepath.Dir(opts.ConfigPath)
	st.min = newMinifier()
	themeFS, themeName, err := themeFiles(opts)
	if err != nil {
		return nil, err
	}
	if st.theme, err = loadTheme(themeFS, st.min); err != nil {
		return nil, fmt.Errorf("loading theme %s: %w", themeName, err)
	}
	st.theme.name = relativeTo(root, themeName)
	if st.contentDir, err = filepath.Abs(cfg.ContentDir); err != nil {
		return nil, fmt.Errorf("finding the content folder: %w", err)
	}
	st.contentName = relativeTo(root, cfg.ContentDir)
	if st.files, err = readContent(ctx, newContentFS(cfg.ContentDir, root), st.contentName, b.once); err != nil {
		return nil, err
	}
	st.cfg = cfg
	st.cfgName = filepath.Base(relativeTo(filepath.Dir(root), opts.ConfigPath))
	return st, nil
}

// withBodies returns the resolved content of st, the previous build, for
// next when every changed file existed before and keeps its front matter.
// An edit of the body alone changes no page's URL, front matter or links
// to it. withBodies puts the new bodies into st's content, fills in
// next's decoded files and returns a function that puts the old bodies
// back. Otherwise it returns nil.
func (st *state) withBodies(next *state, changed []string) (*federationContent, func()) {
	type edit struct {
		rel string
		dec *decodedFile
	}
	var edits []edit
	for _, c := range changed {
		rel := norm.NFC.String(c)
		old := st.decoded[rel]
		i, found := slices.BinarySearchFunc(next.files, rel, func(f rawFile, rel string) int {
			return strings.Compare(f.rel, rel)
		})
		// A change of a file of a files folder may change which links
		// resolve, so the build resolves the content again.
		if old == nil || old.dec == nil || old.dec.kind == filesDir || !found {
			return nil, nil
		}
		f := next.files[i]
		src, err := splitFrontMatter(f.name, f.src)
		oldSrc := old.dec.source()
		if err != nil || !bytes.Equal(src.frontMatter, oldSrc.frontMatter) || src.bodyLine != oldSrc.bodyLine {
			return nil, nil
		}
		src.hash = f.hash
		dec := *old.dec
		dec.setSource(src)
		edits = append(edits, edit{rel, &decodedFile{hash: f.hash, dec: &dec, diags: old.diags}})
	}

	var undo []func()
	revert := func() {
		for _, u := range undo {
			u()
		}
	}
	for _, e := range edits {
		p := st.fc.sourceOf(e.dec.dec)
		if p == nil {
			revert()
			return nil, nil
		}
		old := *p
		*p = e.dec.dec.source()
		undo = append(undo, func() { *p = old })
	}
	next.decoded = maps.Clone(st.decoded)
	for _, e := range edits {
		next.decoded[e.rel] = e.dec
	}
	return st.fc, revert
}

// editedSources returns the source paths of the changed files, given
// relative to the content folder, after withBodies has put them into st.
func editedSources(st *state, changed []string) []string {
	paths := make([]string, 0, len(changed))
	for _, c := range changed {
		paths = append(paths, st.decoded[norm.NFC.String(c)].dec.source().path)
	}
	return paths
}

// source returns the file of the decoded content.
func (d *decoded) source() source {
	switch d.kind {
	case "base":
		return d.base.src
	case "services":
		return d.svc.src
	case "offices":
		return d.off.src
	}
	return d.page.src
}

// setSource replaces the file of the decoded content with src, in a copy
// of the content, so that other copies of d keep theirs.
func (d *decoded) setSource(src source) {
	switch d.kind {
	case "base":
		b := *d.base
		b.src = src
		d.base = &b
	case "services":
		s := *d.svc
		s.src = src
		d.svc = &s
	case "offices":
		o := *d.off
		o.src = src
		d.off = &o
	default:
		p := *d.page
		p.src = src
		d.page = &p
	}
}

// sourceOf returns the file field of the resolved content that d became,
// found by its path, or nil.
func (fc *federationContent) sourceOf(d *decoded) *source {
	name := d.source().path
	if d.kind == "base" {
		if b := fc.bases[d.base.ID]; b != nil && b.src.path == name {
			return &b.src
		}
		return nil
	}
	s := fc.byID[d.site]
	if s == nil {
		return nil
	}
	switch d.kind {
	case "services":
		for _, svc := range s.Services {
			if svc.src.path == name {
				return &svc.src
			}
		}
	case "offices":
		for _, o := range s.Offices {
			if o.src.path == name {
				return &o.src
			}
		}
	case "pages":
		for _, p := range s.Pages {
			if p.src.path == name {
				return &p.src
			}
		}
	case "start":
		if s.Start != nil && s.Start.src.path == name {
			return &s.Start.src
		}
	}
	return nil
}

// rereadContent returns prev with the changed paths read again: a
// changed file is read, a changed folder read with everything in it, and
// what no longer exists is dropped. prev is sorted by rel, and so is the
// result.
func rereadContent(fsys fs.FS, prefix string, prev []rawFile, changed []string) ([]rawFile, error) {
	var read []rawFile
	keys := make([]string, 0, len(changed))
	for _, c := range changed {
		keys = append(keys, norm.NFC.String(c))
		if hidden(c) {
			continue
		}
		// fs.WalkDir follows a link it starts at.
		if lp := checkLink(fsys, c); lp != nil {
			read = append(read, linkFile(c, prefix, lp))
			continue
		}
		err := fs.WalkDir(fsys, c, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != c && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if lp := checkLink(fsys, p); lp != nil {
				read = append(read, linkFile(p, prefix, lp))
				return nil
			}
			if isFilesPath(p) {
				f, err := readStaticFile(fsys, p, prefix)
				if err != nil {
					return err
				}
				read = append(read, f)
				return nil
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			read = append(read, newRawFile(p, prefix, src))
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("reading content: %w", err)
		}
	}
	// A file in two changed folders is read twice, and the copy read last
	// wins.
	slices.SortStableFunc(read, func(a, b rawFile) int { return strings.Compare(a.rel, b.rel) })
	unique := read[:0]
	for i, f := range read {
		if i+1 < len(read) && read[i+1].rel == f.rel {
			continue
		}
		unique = append(unique, f)
	}
	read = unique

	// Merge the files read with those of prev that lie outside every
	// changed path, keeping the order.
	files := make([]rawFile, 0, len(prev)+len(read))
	for _, f := range prev {
		if slices.ContainsFunc(keys, func(k string) bool { return within(f.rel, k) }) {
			continue
		}
		for len(read) > 0 && read[0].rel < f.rel {
			files = append(files, read[0])
			read = read[1:]
		}
		if len(read) > 0 && read[0].rel == f.rel {
			continue
		}
		files = append(files, f)
	}
	return append(files, read...), nil
}

// within reports whether rel is the path key or lies below it.
func within(rel, key string) bool {
	return rel == key || strings.HasPrefix(rel, key) && strings.HasPrefix(rel[len(key):], "/")
}

// hidden reports whether a path under the content folder has a part that
// starts with a dot, which builds skip.
func hidden(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") && part != "." {
			return true
		}
	}
	return false
}

// outFile is a file a job wrote.
type outFile struct {
	// path is slash-separated, relative to the output folder.
	path  string
	entry publish.Entry
	// data is kept until an update writes it in place.
	data []byte
}

// probe is a link a job resolved and its result.
type probe struct {
	kind   probeKind
	site   string
	dest   string
	result string
}

type probeKind uint8

const (
	// probeLink is a link in Markdown.
	probeLink probeKind = iota
	// probeMatter is a URL in front matter.
	probeMatter
	// probeImage is an image source in Markdown.
	probeImage
)

// resolveProbe resolves p's link again with fc and returns the result.
func (fc *federationContent) resolveProbe(p probe) string {
	s := fc.byID[p.site]
	if s == nil {
		return "\x00no site"
	}
	var (
		u   string
		err error
	)
	switch p.kind {
	case probeLink, probeImage:
		u, err = fc.resolver(s)(p.dest, p.kind == probeImage)
	case probeMatter:
		u, err = fc.matterURL(s, p.dest)
	}
	return probeResult(u, err)
}

func probeResult(u string, err error) string {
	if err != nil {
		return u + "\x00" + err.Error()
	}
	return u
}

// resolver returns the link resolver of site s for job j, which records
// every link it resolves and the files of s that the links name.
func (r *pageRenderer) resolver(s *Site, j *job) linkResolver {
	resolve := r.fc.resolver(s)
	if r.failed != nil {
		inner := resolve
		resolve = func(dest string, image bool) (string, error) {
			u, err := inner(dest, image)
			if err != nil && linksToFailed(dest, r.failed) {
				// The link may resolve once the target's own error is
				// fixed, so only that error is reported.
				return dest, nil
			}
			return u, err
		}
	}
	// A job renders in one goroutine, so the probes and the file
	// references need no lock.
	return func(dest string, image bool) (string, error) {
		u, err := resolve(dest, image)
		if err == nil {
			r.noteFile(j, s, dest)
		}
		if !r.probes || err == nil && fixedLink(dest) {
			return u, err
		}
		kind := probeLink
		if image {
			kind = probeImage
		}
		j.probes = append(j.probes, probe{kind: kind, site: s.ID, dest: dest, result: probeResult(u, err)})
		return u, err
	}
}

// fixedLink reports whether a link resolves the same way whatever the
// content, as external and in-page links do. Only sites.toml could
// change them, and a change of sites.toml makes a full build. A web
// address of a portal's file is checked against the content, so it is
// not fixed.
func fixedLink(dest string) bool {
	switch {
	case dest == "", strings.HasPrefix(dest, "#"), strings.HasPrefix(dest, "//"),
		strings.HasPrefix(dest, "mailto:"), strings.HasPrefix(dest, "tel:"):
		return true
	case strings.HasPrefix(dest, "http://"), strings.HasPrefix(dest, "https://"):
		u, err := url.Parse(dest)
		return err != nil || !isFileLink(u.EscapedPath())
	}
	return false
}

// builtSites returns the portals the build renders: all, or those of
// Options.Sites.
func (r *pageRenderer) builtSites() []*Site {
	if len(r.only) == 0 {
		return r.fc.sites
	}
	var sites []*Site
	for _, s := range r.fc.sites {
		if slices.Contains(r.only, s.ID) {
			sites = append(sites, s)
		}
	}
	return sites
}

// partName returns the name of the search index part of a build of
// sites: their IDs, sorted and joined with "+".
func partName(sites []string) string {
	return strings.Join(sortedIDs(sites), "+")
}

// sortedIDs returns a sorted copy of ids without repeats.
func sortedIDs(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// checkSiteIDs returns an error that lists every ID of ids that cfg
// lacks, with the ID most likely meant, or nil when cfg has them all.
func checkSiteIDs(ids []string, cfg *federation.Config, cfgName string) error {
	known := make([]string, len(cfg.Sites))
	for i, s := range cfg.Sites {
		known[i] = s.ID
	}
	var unknown []string
	for _, id := range ids {
		if !slices.Contains(known, id) {
			unknown = append(unknown, id)
		}
	}
	switch len(unknown) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("unknown site %q: name a site id of %s%s", unknown[0], cfgName, suggest.Hint(unknown[0], known))
	}
	var quoted, hints []string
	for _, id := range unknown {
		quoted = append(quoted, strconv.Quote(id))
		if best := suggest.Closest(id, known); best != "" {
			hints = append(hints, fmt.Sprintf("%q for %q", best, id))
		}
	}
	msg := fmt.Sprintf("unknown sites %s: name site ids of %s", listWords(quoted), cfgName)
	if len(hints) > 0 {
		msg += "; did you mean " + listWords(hints) + "?"
	}
	return errors.New(msg)
}

// listWords joins words with commas and a final "and".
func listWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// supersededIndexes returns the search index folders in the output
// folder out that a build of sites replaces with its part: those that
// contain only portals of sites, the part of the same name included. It
// returns an error for a folder that can neither stay beside the new
// part nor go, because search.Open would reject the result. That is a
// folder with portals of sites and others, or one built from a
// sites.toml whose portals differ from those of cfg.
func supersededIndexes(out string, sites []string, cfg *federation.Config) ([]string, error) {
	dir := filepath.Join(out, IndexDir)
	folders, err := search.ListFolders(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the search index in the output folder: %w; "+
			"delete %s, build into another folder with -out, or build without the search index with -search=false", err, dir)
	}
	federationIDs := make([]string, len(cfg.Sites))
	for i, s := range cfg.Sites {
		federationIDs[i] = s.ID
	}
	var superseded []string
	for _, f := range folders {
		var rebuilt, others []string
		for _, id := range f.Sites {
			if slices.Contains(sites, id) {
				rebuilt = append(rebuilt, id)
			} else {
				others = append(others, id)
			}
		}
		switch {
		case len(others) == 0:
			superseded = append(superseded, f.Path)
		case len(rebuilt) > 0:
			return nil, fmt.Errorf("%s contains the search index of %s, which this build rebuilds, and of %s, which it does not, "+
				"so keeping it would index %s twice and removing it would drop the others from search: %s",
				f.Path, strings.Join(rebuilt, ", "), strings.Join(others, ", "), strings.Join(rebuilt, ", "),
				waysOut(f.Path, together(sites, others, federationIDs)))
		case !slices.Equal(f.FederationSites(), federationIDs):
			return nil, fmt.Errorf("%s contains the search index of %s, built from a sites.toml with other portals, "+
				"so the search cannot open it together with the new part: %s",
				f.Path, strings.Join(others, ", "), waysOut(f.Path, "build every portal (without --site)"))
		}
	}
	return superseded, nil
}

// waysOut returns the ways out for a build of some portals that cannot
// replace the search index folder folder, starting with rebuild. They
// name the flags of verbund build, the only caller that sets
// Options.Sites.
func waysOut(folder, rebuild string) string {
	return rebuild + ", build into another folder with -out, build without the search index with -search=false, " +
		"or delete " + folder
}

// together returns the way out that builds the portals others together
// with sites.
func together(sites, others, federationIDs []string) string {
	all := sortedIDs(append(slices.Clone(sites), others...))
	if len(all) == len(federationIDs) {
		return "build every portal (without --site)"
	}
	return "build them together with --site " + strings.Join(all, ",")
}

// commitSites moves the portals of sites, their manifests and search
// layouts from the staging folder into the output folder, each in place
// of an earlier one. With withIndex it also moves the search index part
// of sites in, in place of the index folders that the part supersedes
// in cfg's federation. Other portals in the output folder stay as they
// are.
func (o *output) commitSites(sites []string, withIndex bool, cfg *federation.Config) error {
	if o.dry {
		return nil
	}
	var superseded []string
	if withIndex {
		// Checked again because the output folder may have changed
		// since the build started, and before anything moves.
		var err error
		if superseded, err = supersededIndexes(o.final, sites, cfg); err != nil {
			return err
		}
	}
	for _, id := range sites {
		for _, rel := range []string{id, publish.ManifestDir + "/" + id + ".json", IndexDir + "/" + SearchLayoutDir + "/" + id + ".html"} {
			if err := o.swapIn(rel, nil); err != nil {
				return err
			}
		}
	}
	if withIndex {
		if err := o.swapIn(IndexDir+"/"+search.PartsDirName+"/"+partName(sites), superseded); err != nil {
			return err
		}
	}
	return os.RemoveAll(o.staging)
}

// swapIn moves rel from the staging folder into the output folder, in
// place of rel and the folders of also. It moves those aside first,
// back when the move fails, and removes them after it. It does nothing
// when the staging folder lacks rel.
func (o *output) swapIn(rel string, also []string) error {
	src := filepath.Join(o.staging, filepath.FromSlash(rel))
	dst := filepath.Join(o.final, filepath.FromSlash(rel))
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("creating output folder: %w", err)
	}
	// Moved aside under hidden names, which search.Open skips.
	type movedAside struct{ from, to string }
	var moved []movedAside
	restore := func() {
		for _, m := range slices.Backward(moved) {
			_ = os.Rename(m.to, m.from)
		}
	}
	previous := []string{dst}
	for _, p := range also {
		if filepath.Clean(p) != dst {
			previous = append(previous, p)
		}
	}
	for _, p := range previous {
		aside := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".old")
		if err := os.RemoveAll(aside); err != nil {
			restore()
			return fmt.Errorf("removing %s: %w", aside, err)
		}
		if err := os.Rename(p, aside); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			restore()
			return fmt.Errorf("moving %s aside: %w", p, err)
		}
		moved = append(moved, movedAside{from: p, to: aside})
	}
	if err := os.Rename(src, dst); err != nil {
		restore()
		return fmt.Errorf("moving %s into place: %w", rel, err)
	}
	var errs []error
	for _, m := range moved {
		if err := os.RemoveAll(m.to); err != nil {
			errs = append(errs, fmt.Errorf("removing the previous %s: %w", m.from, err))
		}
	}
	return errors.Join(errs...)
}

// digest sums up strings and numbers.
type digest struct {
	h maphash.Hash
	// files, when not nil, collects the source paths of the files whose
	// hash the digest includes.
	files *[]string
}

func newDigest() *digest {
	d := &digest{}
	d.h.SetSeed(contentSeed)
	return d
}

// newDigest returns a digest that notes the files it includes in
// r.reads, while jobs sets it.
func (r *pageRenderer) newDigest() *digest {
	d := newDigest()
	d.files = r.reads
	return d
}

// file adds the content of a file, by its hash.
func (d *digest) file(src source) *digest {
	d.num(src.hash)
	if d.files != nil && src.path != "" {
		*d.files = append(*d.files, src.path)
	}
	return d
}

func (d *digest) str(ss ...string) *digest {
	for _, s := range ss {
		d.h.WriteString(s)
		d.h.WriteByte(0)
	}
	return d
}

func (d *digest) num(n uint64) *digest {
	var b [8]byte
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	d.h.Write(b[:])
	return d
}

func (d *digest) sum() uint64 { return d.h.Sum64() }

// pageDigest sums up what a free page shows: its file.
func (r *pageRenderer) pageDigest(p *Page) uint64 {
	return r.newDigest().str(p.URL).file(p.src).sum()
}

// serviceDigest sums up what a service page shows: its file, its base
// text, its office and the other portals that offer the service.
func (r *pageRenderer) serviceDigest(svc *Service) uint64 {
	d := r.newDigest().str(svc.URL).file(svc.src)
	if svc.Base != nil {
		d.str(svc.Base.ID).file(svc.Base.src)
	}
	if o := svc.Office; o != nil {
		d.str("office", o.Site.ID, o.URL).file(o.src)
	}
	if svc.Base != nil {
		d.num(r.groupDigest("base:"+svc.Base.ID, r.byBase[svc.Base.ID]))
	} else {
		for _, k := range svc.Matter.LeiKa {
			d.num(r.groupDigest("leika:"+k, r.byLeiKa[k]))
		}
	}
	return d.sum()
}

// groupDigest sums up the portals and URLs of a group of services that
// "this service in other communes" lists, once per group.
func (r *pageRenderer) groupDigest(key string, group []*Service) uint64 {
	if h, ok := r.groups[key]; ok {
		return h
	}
	d := newDigest()
	for _, o := range group {
		d.str(o.Site.ID, o.URL)
	}
	if r.groups == nil {
		r.groups = map[string]uint64{}
	}
	h := d.sum()
	r.groups[key] = h
	return h
}

// officeDigest sums up what an office page shows: its file and the
// portal's services it is responsible for.
func (r *pageRenderer) officeDigest(o *Office) uint64 {
	d := r.newDigest().str(o.URL).file(o.src)
	for _, svc := range o.Services {
		if svc.Site == o.Site {
			d.str(svc.Matter.Title, svc.URL)
		}
	}
	return d.sum()
}

// startDigest sums up what a start page shows.
func (r *pageRenderer) startDigest(s *Site) uint64 {
	d := r.newDigest()
	if s.Start != nil {
		d.file(s.Start.src)
	}
	for _, svc := range s.Services {
		d.str(svc.Matter.Title, svc.URL)
	}
	for _, o := range s.Offices {
		d.str(o.Name, o.URL)
	}
	return d.sum()
}

// listsDigest sums up what the category pages and the A to Z lists of a
// portal show, the county's services included.
func (r *pageRenderer) listsDigest(s *Site) uint64 {
	d := newDigest()
	list := func(site *Site) {
		for _, svc := range site.Services {
			m := &svc.Matter
			d.str(m.Title, svc.URL, m.Summary, m.Category, m.Tier)
		}
	}
	list(s)
	if county := r.fc.county(); county != nil && county != s {
		d.str("county")
		list(county)
	}
	for _, o := range s.Offices {
		d.str(o.Name, o.URL, o.Street, o.PostalCode, o.City)
	}
	return d.sum()
}

// linkDigest sums up everything links resolve against: the URLs of every
// portal, its files included, the pages that offer each base text, the
// base texts with their tier, and the shared files. The sum does not
// depend on the order of maps.
func (r *pageRenderer) linkDigest() uint64 {
	var sum uint64
	for _, s := range r.fc.sites {
		for u := range s.urls {
			sum += newDigest().str("u", s.ID, u).sum()
		}
		for id, svc := range s.serviceByBase {
			sum += newDigest().str("b", s.ID, id, svc.URL).sum()
		}
	}
	for id, b := range r.fc.bases {
		sum += newDigest().str("t", id, b.Tier).sum()
	}
	for _, name := range r.fc.sharedNames {
		sum += newDigest().str("f", name).sum()
	}
	return sum
}

// filesDigest sums up what a portal's sitemap, feed, _headers and
// _redirects show: the URLs, titles, summaries, review dates and
// aliases of its pages.
func (r *pageRenderer) filesDigest(s *Site) uint64 {
	d := newDigest()
	for _, svc := range s.Services {
		m := &svc.Matter
		d.str("s", svc.URL, m.Title, m.Summary, svc.src.path).num(uint64(m.Reviewed.Unix()))
		d.str(m.Aliases...)
	}
	for _, o := range s.Offices {
		d.str("o", o.URL)
		d.str(o.Aliases...)
	}
	for _, p := range s.Pages {
		d.str("p", p.URL).num(uint64(p.Reviewed.Unix()))
		d.str(p.Aliases...)
	}
	if s.Start != nil {
		d.str("start")
		d.str(s.Start.Aliases...)
	}
	return d.sum()
}

// corpus returns the search index's input from the jobs' pages.
func (r *pageRenderer) corpus(jobs []*job) *search.Corpus {
	fc := r.fc
	c := &search.Corpus{Bases: r.searchBases()}
	for _, s := range fc.sites {
		c.Sites = append(c.Sites, search.Site{
			ID: s.ID, Name: s.Name, URL: s.URL, Kind: s.Kind, Parent: s.Parent,
		})
	}
	for _, cat := range fc.cfg.Categories {
		c.Categories = append(c.Categories, search.Category{ID: cat.ID, Title: cat.Title})
	}
	// The jobs come in the same order in every build, so the pages do.
	n := 0
	for _, j := range jobs {
		n += len(j.pages)
	}
	c.Pages = make([]search.Page, 0, n)
	for _, j := range jobs {
		c.Pages = append(c.Pages, j.pages...)
	}
	if len(r.only) > 0 {
		for _, s := range fc.sites {
			if slices.Contains(r.only, s.ID) {
				continue
			}
			for _, svc := range s.Services {
				if svc.Base != nil {
					c.Offers = append(c.Offers, search.Page{
						Site: s.ID, URL: absolute(s.Site, svc.URL), Base: svc.Base.ID})
				}
			}
		}
	}
	return c
}

// searchBases returns the base texts for the search index.
func (r *pageRenderer) searchBases() []search.Base {
	var l []search.Base
	for _, id := range r.fc.baseIDs {
		b := r.fc.bases[id]
		l = append(l, search.Base{
			ID: id, Title: b.Title, Summary: b.Summary, Text: r.baseTexts[id],
			Keywords: b.Keywords, Category: b.Category, Tier: b.Tier, LeiKa: b.LeiKa,
		})
	}
	return l
}

// searchPageCount returns about the number of search documents of the
// pages the build renders, which decides how the index is split.
func (r *pageRenderer) searchPageCount() int {
	n := 0
	for _, s := range r.builtSites() {
		n += len(s.Services) + len(s.Offices) + len(s.Pages)
	}
	return n
}

// update brings the output folder from the files of prev to those of
// next. It writes the files of the jobs that ran and the manifests
// encoded anew where they differ from prev's, each through a temporary
// file and a rename, and removes the removed paths that next lacks.
func (o *output) update(prev, next outputFiles, ran []*job, manifests []manifestFile, removed []string) error {
	write := func(rel string, data []byte, entry publish.Entry) error {
		if old, ok := prev.get(rel); ok && old == entry {
			return nil
		}
		return o.replace(rel, data)
	}
	for _, j := range ran {
		for i, f := range j.files {
			if f.data == nil {
				continue
			}
			if err := write(f.path, f.data, f.entry); err != nil {
				return err
			}
			j.files[i].data = nil
		}
	}
	for _, m := range manifests {
		if !m.encoded {
			continue
		}
		if err := write(m.path, m.data, m.entry); err != nil {
			return err
		}
	}
	var stale []string
	for _, rel := range removed {
		if _, ok := next.get(rel); !ok {
			stale = append(stale, rel)
		}
	}
	slices.Sort(stale)
	for _, rel := range slices.Compact(stale) {
		p := filepath.Join(o.final, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", rel, err)
		}
		o.removeEmptyParents(filepath.Dir(p))
	}
	return nil
}

// replace writes data to the file rel of the output folder through a
// temporary file in the same folder, so readers see the old or the new
// file, never a part.
func (o *output) replace(rel string, data []byte) error {
	p := filepath.Join(o.final, filepath.FromSlash(rel))
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating folder for %s: %w", rel, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp-")
	if err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return nil
}

// removeEmptyParents removes dir and its parents up to the output folder
// while they are empty, as a full build would not create them.
func (o *output) removeEmptyParents(dir string) {
	for dir != o.final && strings.HasPrefix(dir, o.final+string(filepath.Separator)) {
		if err := os.Remove(dir); err != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// siteFilePath returns the slash-separated path, relative to the output
// folder, of a root-relative URL of site: folders get index.html.
func siteFilePath(site, url string) string {
	p := strings.TrimPrefix(url, "/")
	if url == "" || strings.HasSuffix(url, "/") {
		p += "index.html"
	}
	return path.Join(site, p)
}

func jsonIndent(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
