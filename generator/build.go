// Package generator builds the portals of a federation: it loads
// sites.toml and the Markdown content, resolves base texts, offices and
// links, renders every page with the theme and writes one folder per
// portal.
package generator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/publish"
	"github.com/verbund/verbund/search"
)

// IndexDir is the folder, under the output folder, of the search index.
// It sits beside the portals' folders, so uploading a portal leaves it
// out.
const IndexDir = "_search"

// Options configure a build.
type Options struct {
	// ConfigPath is the path of sites.toml.
	ConfigPath string
	// ThemeDir is the theme folder. When empty, the build uses
	// themes/default beside sites.toml, or the theme built into verbund
	// without that folder.
	ThemeDir string
	// OutputDir replaces the output folder of sites.toml when set.
	OutputDir string
	// Override, when set, may change the loaded configuration before the
	// build, as the preview server does to give every portal a local
	// address.
	Override func(*federation.Config)
	// DryRun runs every step and check but writes nothing.
	DryRun bool
	// ReviewMaxAge, when positive, warns about services whose last
	// review is older, counted from Now.
	ReviewMaxAge time.Duration
	// Now is the time review ages are counted from; default time.Now().
	Now time.Time
	// KeepCorpus returns the search corpus in Result.Corpus, for tests
	// that index it another way.
	KeepCorpus bool
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called while pages are rendered with the
	// number of pages done and the total.
	Progress func(done, total int)
	// SkipIndex builds the portals without the search index, for
	// federations whose search runs elsewhere or is built in another job.
	SkipIndex bool
	// Sites, when set, limits the build to these portals and their part
	// of the search index. The part replaces the search index folders
	// whose portals the build all rebuilds, and the build fails before it
	// writes anything when a folder contains some of them and others.
	// The rest of the output folder stays as it is. The whole federation
	// is still loaded and checked, so links to other portals are checked
	// too. An ID given twice counts once.
	Sites []string
	// Written, when set, is called when a build has written the portals.
	// An update calls it before it updates the search index.
	Written func()
	// LiveIndex keeps the search index of the last build open for
	// searches through Builder.Index. After an update, the documents that
	// changed are updated in a copy of the index in the background, while
	// searches use the previous index, and IndexReady is called with each
	// index opened.
	LiveIndex  bool
	IndexReady func(*search.Index)
}

// Result describes a finished build.
type Result struct {
	// Output is the folder written.
	Output string
	Sites  int
	// Pages is the number of HTML pages of the portals.
	Pages int
	// Rendered is the number of HTML pages rendered by this build: all of
	// them in a full build, those a change affects in an update.
	Rendered int
	// Files is the number of files of the output, pages included.
	Files int
	// Updated is set when the build updated the previous output in place
	// instead of building all of it.
	Updated  bool
	Warnings diag.List
	Duration time.Duration
	// Corpus is the search index's input, set with KeepCorpus.
	Corpus *search.Corpus
}

// Build loads the federation at opts.ConfigPath, renders every portal and
// swaps the result into the output folder. On errors in the content it
// returns a *diag.Errors listing all of them, and the previous output is
// left as it was.
func Build(ctx context.Context, opts Options) (*Result, error) {
	b := NewBuilder(opts)
	b.once = true
	return b.Build(ctx, nil)
}

// Builder builds a federation again and again, as the preview server
// does. The first build renders everything. A later build that receives
// the content files that changed renders only the pages those changes
// affect and updates the previous output and search index in place. Its
// output equals that of a full build.
type Builder struct {
	opts Options
	// once is set when the Builder builds a single time, as Build does.
	// It then drops what only a later update needs as soon as the pages
	// are written, so the search index is built in less memory.
	once bool
	// last is the state of the last successful build, nil before it.
	last *state
	// mu guards the fields of the live index below, which the index
	// worker changes.
	mu    sync.Mutex
	index *search.Index
	// nextCorpus is the corpus the worker indexes next, and indexing is
	// set while the worker runs; idle is closed when it stops.
	nextCorpus *search.Corpus
	indexing   bool
	idle       chan struct{}
	// stopIndexing cancels the index build that runs, so a new build has
	// the processors to itself. fullBuild is set while a full build
	// waits for the worker to stop.
	stopIndexing context.CancelFunc
	fullBuild    bool
	// liveDir is a copy of the search index that updates change, and
	// liveCorpus the corpus it contains, or nil when that is unknown.
	// The worker copies liveDir over the served index after each update.
	liveDir    string
	liveCorpus *search.Corpus
	// pending are the changed files of builds that failed since the last
	// successful one. pendingAll is set when one of them received no list.
	pending    []string
	pendingAll bool
	// revert, set during an update that changed the last build's content
	// in place, undoes that change when the update fails.
	revert func()
}

// NewBuilder returns a Builder for opts.
func NewBuilder(opts Options) *Builder {
	// Sorted without repeats, the IDs have the order of the part's
	// name, and a portal named twice is built and indexed once.
	opts.Sites = sortedIDs(opts.Sites)
	return &Builder{opts: opts}
}

// Index returns the open search index, with Options.LiveIndex, or nil.
// It stays open until a newer one replaces it or Close.
func (b *Builder) Index() *search.Index {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.index
}

// WaitIndex waits until the live search index follows the last
// successful build.
func (b *Builder) WaitIndex() {
	b.mu.Lock()
	idle, running := b.idle, b.indexing
	b.mu.Unlock()
	if running {
		<-idle
	}
}

// Close waits for the index worker and closes the live search index.
func (b *Builder) Close() error {
	b.WaitIndex()
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []error
	if b.liveDir != "" {
		errs = append(errs, os.RemoveAll(b.liveDir))
		b.liveDir, b.liveCorpus = "", nil
	}
	if b.index != nil {
		errs = append(errs, b.index.Close())
		b.index = nil
	}
	return errors.Join(errs...)
}

// Build builds the federation. changed lists the files, by absolute
// path, that changed since the last successful build, or is nil when
// that is unknown. When the last build succeeded and every changed file
// lies in the content folder, Build updates the previous output;
// otherwise it builds everything anew. On errors the previous output,
// and what the next build compares against, stay as they were.
func (b *Builder) Build(ctx context.Context, changed []string) (*Result, error) {
	// The changes since the last successful build include those of the
	// builds that failed after it.
	if changed == nil {
		b.pendingAll = true
	}
	b.pending = append(b.pending, changed...)

	b.mu.Lock()
	if b.stopIndexing != nil {
		b.stopIndexing()
	}
	b.mu.Unlock()

	prev, rel := b.last, []string(nil)
	if prev != nil && !b.pendingAll && len(b.opts.Sites) == 0 {
		rel = prev.changedContent(b.pending, b.now())
	}
	if rel == nil {
		prev = nil
		// A full build replaces the output folder, the index worker's
		// folder included, and builds its own index.
		b.mu.Lock()
		b.nextCorpus = nil
		b.fullBuild = true
		b.mu.Unlock()
		b.WaitIndex()
		b.mu.Lock()
		b.fullBuild = false
		b.mu.Unlock()
	}
	st, res, err := b.build(ctx, prev, rel)
	revert := b.revert
	b.revert = nil
	if err != nil {
		if revert != nil {
			revert()
		}
		return nil, err
	}
	if b.opts.DryRun || len(b.opts.Sites) > 0 {
		return res, nil
	}
	b.last, b.pending, b.pendingAll = st, nil, false
	if b.opts.LiveIndex && !b.opts.SkipIndex {
		if prev == nil {
			if err := b.reopenIndex(st.out); err != nil {
				return nil, err
			}
			if err := b.copyLiveIndex(st); err != nil {
				return nil, err
			}
		} else {
			b.indexLater(st.out, st.corpus)
		}
	}
	return res, nil
}

func (b *Builder) now() time.Time {
	if !b.opts.Now.IsZero() {
		return b.opts.Now
	}
	return time.Now()
}

// reopenIndex opens the index in out in place of the old one, which is
// closed a little later so that searches still running on it can finish.
func (b *Builder) reopenIndex(out string) error {
	ix, err := search.Open(filepath.Join(out, IndexDir))
	if err != nil {
		return err
	}
	b.mu.Lock()
	old := b.index
	b.index = ix
	b.mu.Unlock()
	if old != nil {
		time.AfterFunc(5*time.Second, func() { old.Close() })
	}
	if b.opts.IndexReady != nil {
		b.opts.IndexReady(ix)
	}
	return nil
}

// indexLater builds the live search index of c anew in the background. A
// newer corpus replaces one that still waits, so a burst of updates
// builds the index once or twice.
func (b *Builder) indexLater(out string, c *search.Corpus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextCorpus = c
	if b.indexing {
		return
	}
	b.indexing = true
	b.idle = make(chan struct{})
	go b.indexWorker(out)
}

// indexRetryDelay is how long the index worker waits after a build
// interrupted it, which is longer than an update of one page takes.
const indexRetryDelay = 300 * time.Millisecond

func (b *Builder) indexWorker(out string) {
	log := b.opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		b.mu.Lock()
		c := b.nextCorpus
		b.nextCorpus = nil
		if c == nil {
			b.indexing = false
			b.stopIndexing = nil
			close(b.idle)
			b.mu.Unlock()
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		b.stopIndexing = cancel
		b.mu.Unlock()
		start := time.Now()
		err := b.updateLiveIndex(ctx, out, c)
		cancel()
		if errors.Is(err, context.Canceled) {
			// A build started. It queues a newer corpus when it
			// succeeds; until then, this one is still the newest.
			b.mu.Lock()
			if b.nextCorpus == nil && !b.fullBuild {
				b.nextCorpus = c
			}
			b.mu.Unlock()
			time.Sleep(indexRetryDelay)
			continue
		}
		if err != nil {
			log.Error("updating the search index failed; searches show the previous content", "err", err)
			continue
		}
		log.Debug("search index updated", "documents", len(c.Pages),
			"duration", time.Since(start).Round(time.Millisecond))
	}
}

// copyLiveIndex copies the search index of the full build st into the
// folder that later updates change.
func (b *Builder) copyLiveIndex(st *state) error {
	if b.liveDir == "" {
		dir, err := os.MkdirTemp("", "verbund-live-index-")
		if err != nil {
			return fmt.Errorf("copying the search index: %w", err)
		}
		b.liveDir = dir
	}
	b.liveCorpus = nil
	if err := search.CopyIndex(filepath.Join(st.out, IndexDir), b.liveDir); err != nil {
		return err
	}
	b.liveCorpus = st.corpus
	return nil
}

// updateLiveIndex brings the copy of the search index to c, with an
// update of the documents that changed, or builds it anew when its
// content is unknown, and then serves it in place of the index in out.
// Only the build anew stops when ctx ends: an update is short.
func (b *Builder) updateLiveIndex(ctx context.Context, out string, c *search.Corpus) error {
	if b.liveCorpus != nil {
		if err := search.UpdateDir(context.Background(), b.liveDir, b.liveCorpus, c); err != nil {
			b.liveCorpus = nil
			return err
		}
	} else if err := search.Build(ctx, b.liveDir, c); err != nil {
		return err
	}
	b.liveCorpus = c
	if err := search.CopyIndex(b.liveDir, filepath.Join(out, IndexDir)); err != nil {
		return err
	}
	return b.reopenIndex(out)
}

// build runs one build, updating prev's output when prev is not nil.
// changed are the changed content files relative to the content folder.
func (b *Builder) build(ctx context.Context, prev *state, changed []string) (*state, *Result, error) {
	opts := b.opts
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := b.load(ctx, prev, changed)
	if err != nil {
		return nil, nil, err
	}
	var diags diag.List
	siteIDs := map[string]bool{}
	for _, s := range st.cfg.Sites {
		siteIDs[s.ID] = true
	}
	if err := checkSiteIDs(opts.Sites, st.cfg, st.cfgName); err != nil {
		return nil, nil, err
	}
	// An edit of the body of files alone leaves the resolved content as
	// it was, and with it what decoding and resolving reported, so the
	// update takes both from prev, with the new bodies, and puts the old
	// bodies back if the build fails.
	var fc *federationContent
	if prev != nil {
		var revert func()
		if fc, revert = prev.withBodies(st, changed); fc != nil {
			b.revert = revert
			diags.Add(prev.contentDiags...)
		}
	}
	fileCount := len(st.files)
	if fc == nil {
		var prevDecoded map[string]*decodedFile
		if prev != nil {
			prevDecoded = prev.decoded
		}
		reread := ""
		if b.once {
			// Nothing updates this build, so the bodies are read
			// again as pages render instead of held all along.
			reread = st.contentDir
		}
		next := st.decoded
		if b.once {
			// Nothing decodes again from this build's results.
			next, st.decoded = nil, nil
		}
		l := decodeContent(st.files, siteIDs, prevDecoded, next, reread, &diags)
		fileCount = len(st.files)
		if b.once {
			// The decoded content contains all that the build needs of the files.
			st.files = nil
		}
		fc = resolve(st.cfg, st.cfgName, l, b.now(), &diags)
		fc.contentName = st.contentName
	}
	st.fc = fc
	st.contentDiags = slices.Clone(diags)
	log.Debug("content loaded", "files", fileCount, "bases", len(fc.bases),
		"elapsed", time.Since(start).Round(time.Millisecond))
	// A one-time build whose content has errors still renders its pages,
	// without writing them, so that it reports the errors that rendering
	// finds, such as broken links, with the others.
	contentFailed := diags.Err() != nil
	if contentFailed && (!b.once || prev != nil) {
		return nil, nil, diags.Err()
	}

	var out *output
	if prev != nil {
		out = &output{final: prev.out, staging: prev.out, min: st.min, inPlace: true}
	} else {
		if !opts.DryRun {
			// Checked first, so that a wrong output folder shows even
			// when the content has errors and nothing is written.
			if err := checkOutputFolder(st.cfg.OutputDir, []string{opts.ConfigPath, st.contentDir}); err != nil {
				return nil, nil, err
			}
			if len(opts.Sites) > 0 && !opts.SkipIndex {
				if _, err := supersededIndexes(st.cfg.OutputDir, opts.Sites, st.cfg); err != nil {
					return nil, nil, err
				}
			}
		}
		if out, err = newOutput(st.cfg.OutputDir, st.min, opts.DryRun || contentFailed); err != nil {
			return nil, nil, err
		}
	}
	st.out = out.final
	r := &pageRenderer{fc: fc, md: newMarkdown(), theme: st.theme, out: out,
		reviewMaxAge: opts.ReviewMaxAge, now: b.now(), reparseBases: b.once, contentDir: st.contentDir}
	if contentFailed {
		r.failed = failedNames(diags)
	}
	r.prepareContent(st, prev, &diags)
	if prev != nil {
		r.assets, r.portals, r.chrome = prev.assets, prev.portals, prev.chrome
	} else {
		r.prepareSites(&diags)
	}
	st.assets, st.portals, st.chrome = r.assets, r.portals, r.chrome
	r.portalOrder = map[string]int{}
	for _, pg := range r.portals {
		for _, p := range pg.Portals {
			r.portalOrder[p.URL] = len(r.portalOrder)
		}
	}
	r.only = opts.Sites
	// index is the writer of a one-time build's search index until the
	// build hands it to writeIndex.
	var index *search.Writer
	if b.once && !opts.DryRun && !opts.SkipIndex && !contentFailed {
		// The index takes each page's text as the page renders, so the
		// build does not hold the text of every page.
		if index, err = search.NewWriter(b.indexDir(out), r.searchBases(), r.searchPageCount()); err != nil {
			out.abort()
			return nil, nil, fmt.Errorf("building the search index: %w", err)
		}
		defer func() {
			if index != nil {
				index.Abort()
			}
		}()
		r.index = index
	}
	// A one-time build reads the pages' text only for the index, which
	// has it once the page is indexed.
	r.dropText = b.once && !opts.KeepCorpus
	if b.once {
		r.pack = &packer{}
	}
	r.probes = !b.once
	if b.once {
		r.countBaseUses()
	}
	var p *plan
	switch {
	case prev == nil:
		p = r.planAll(nil, 0)
	case fc == prev.fc:
		// withBodies returned prev's content: only bodies changed.
		p = r.planBodies(prev.jobs, prev.links, editedSources(st, changed))
	default:
		p = r.planAll(prev.jobs, prev.links)
	}
	if b.once {
		p.todo = byBase(p.todo)
	}
	pages, rendered, err := r.run(ctx, p, opts.Progress, &diags)
	if err != nil {
		out.abort()
		return nil, nil, err
	}
	var prevJobs *jobList
	if prev != nil {
		prevJobs = prev.jobs
	}
	if err := r.runFiles(ctx, p, r.planFiles(p, prevJobs), &diags); err != nil {
		out.abort()
		return nil, nil, err
	}
	r.warnUnusedShared(&diags)
	log.Debug("pages rendered", "pages", pages, "rendered", rendered,
		"elapsed", time.Since(start).Round(time.Millisecond))
	if err := diags.Err(); err != nil {
		out.abort()
		return nil, nil, err
	}
	st.links = r.links
	st.jobs = p.list
	outputs, changedSites, removed := outputsOf(p, prev)
	st.outputs = outputs
	manifests := manifestFiles(r.builtSites(), st.outputs, prev, changedSites, &diags)
	if err := diags.Err(); err != nil {
		out.abort()
		return nil, nil, err
	}
	if prev != nil {
		if err := out.update(prev.outputs, st.outputs, p.todo, manifests, removed); err != nil {
			// The output is part old, part new: build all of it next.
			b.pendingAll = true
			return nil, nil, err
		}
	} else {
		for _, m := range manifests {
			out.emit(nil, m.path, m.data, &diags)
		}
		if err := diags.Err(); err != nil {
			out.abort()
			return nil, nil, err
		}
	}
	st.manifests = map[string][]byte{}
	manifestEntries := map[string]publish.Entry{}
	for _, m := range manifests {
		manifestEntries[path.Base(m.path)] = m.entry
		st.manifests[m.path] = m.data
	}
	st.outputs[publish.ManifestDir] = manifestEntries
	if prev != nil && opts.Written != nil {
		opts.Written()
	}
	st.corpus = r.corpus(p.list.jobs)
	built, files := r.builtSites(), st.outputs.count()
	if b.once {
		// Nothing compares against this build, so the content, the jobs
		// and the output list can go before the index takes its memory.
		p, r, fc = nil, nil, nil
		st.drop()
	}
	if !opts.DryRun && !opts.SkipIndex {
		w := index
		index = nil // Close removes what it wrote when it fails.
		if err := b.writeIndex(ctx, prev, st, out, w); err != nil {
			out.abort()
			b.pendingAll = b.pendingAll || prev != nil
			return nil, nil, err
		}
		log.Debug("search index written", "documents", len(st.corpus.Pages),
			"elapsed", time.Since(start).Round(time.Millisecond))
	}
	if prev == nil {
		commit := out.commit
		if len(opts.Sites) > 0 {
			commit = func() error { return out.commitSites(opts.Sites, !opts.SkipIndex, st.cfg) }
		}
		if err := commit(); err != nil {
			out.abort()
			return nil, nil, err
		}
		if !opts.DryRun && opts.Written != nil {
			opts.Written()
		}
	}
	// A warning of a base text comes once for every portal that renders
	// it and is reported once.
	warnings := diags.Warnings()
	warnings.Sort()
	res := &Result{
		Output: st.cfg.OutputDir, Sites: len(built), Pages: pages, Rendered: rendered,
		Updated: prev != nil, Warnings: slices.Compact(warnings), Duration: time.Since(start),
	}
	if !opts.DryRun {
		res.Files = files
	}
	if opts.KeepCorpus {
		res.Corpus = st.corpus
	}
	log.Info("build finished", "sites", res.Sites, "pages", res.Pages, "rendered", res.Rendered,
		"files", res.Files, "duration", res.Duration.Round(time.Millisecond))
	return st, res, nil
}

// indexDir returns the folder of the search index in the staging folder
// of a full build: the index of the federation, or a part of it.
func (b *Builder) indexDir(out *output) string {
	dir := filepath.Join(out.staging, IndexDir)
	if sites := b.opts.Sites; len(sites) > 0 {
		dir = filepath.Join(dir, search.PartsDirName, partName(sites))
	}
	return dir
}

// writeIndex writes the search index: anew into the staging folder on a
// full build, as an update of the previous index otherwise. A full build
// with the index writer w, which has indexed the pages, closes it.
func (b *Builder) writeIndex(ctx context.Context, prev, st *state, out *output, w *search.Writer) error {
	if prev == nil {
		st.corpus.Only = b.opts.Sites
		var err error
		if w != nil {
			err = w.Close(ctx, st.corpus)
		} else {
			err = search.Build(ctx, b.indexDir(out), st.corpus)
		}
		if err != nil {
			return fmt.Errorf("building the search index: %w", err)
		}
		return nil
	}
	if b.opts.LiveIndex {
		// The index worker builds it after the build.
		return nil
	}
	if err := search.UpdateDir(ctx, filepath.Join(out.final, IndexDir), prev.corpus, st.corpus); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	return nil
}

// relativeTo returns p relative to base for messages, or p itself.
func relativeTo(base, p string) string {
	if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// failedNames returns the names by which links may reach the content
// files that have errors in diags: each file's name without .md, which is
// a base text's id, and its slug, which ends the URL of its page.
func failedNames(diags diag.List) map[string]bool {
	names := map[string]bool{}
	for _, d := range diags.Errors() {
		if !strings.HasSuffix(d.File, ".md") {
			continue
		}
		stem := strings.TrimSuffix(filepath.Base(d.File), ".md")
		names[stem] = true
		names[Slugify(stem)] = true
	}
	return names
}

// linksToFailed reports whether dest, a link destination as written, has
// a path segment or a base text id in failed.
func linksToFailed(dest string, failed map[string]bool) bool {
	for _, part := range strings.FieldsFunc(dest, func(r rune) bool { return r == '/' || r == ':' || r == '#' || r == '?' }) {
		if failed[part] {
			return true
		}
	}
	return false
}

// prepareContent parses the base texts, reusing those of prev that did
// not change, and groups the services of all portals.
func (r *pageRenderer) prepareContent(st, prev *state, diags *diag.List) {
	fc := r.fc
	st.bases = map[string]*parsedBase{}
	r.bases = map[string]*parsedText{}
	r.baseTexts = map[string]string{}
	// The base texts that changed are parsed in parallel, which at
	// thousands of base texts takes a second or more.
	parsed := make([]*parsedBase, len(fc.baseIDs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, id := range fc.baseIDs {
		src := fc.bases[id].src
		if prev != nil {
			if old := prev.bases[id]; old != nil && old.hash == src.hash {
				parsed[i] = old
				continue
			}
		}
		g.Go(func() error {
			pb := &parsedBase{hash: src.hash}
			pb.doc = r.md.parseMarkdown(src, true, &pb.diags)
			pb.doc.lintStructured(&pb.diags)
			pb.text = pb.doc.structuredText()
			if r.reparseBases {
				pb.doc = nil
			}
			parsed[i] = pb
			return nil
		})
	}
	// The goroutines return no error: each reports into the
	// diagnostics of its base text.
	_ = g.Wait()
	for i, id := range fc.baseIDs {
		pb := parsed[i]
		diags.Add(pb.diags...)
		st.bases[id] = pb
		r.bases[id] = &parsedText{src: fc.bases[id].src, doc: pb.doc}
		r.baseTexts[id] = pb.text
	}
	if prev != nil {
		st.baseHTML = prev.baseHTML
	} else {
		st.baseHTML = &baseCache{}
	}
	r.baseHTML = st.baseHTML
	r.baseHTML.keep(st.bases)

	r.otherItems = make([]renderedOnce, fc.services)
	r.tocItems = make([]renderedOnce, len(Parts))
	if prev != nil && prev.fc == fc {
		// The same resolved content has the same groups of services.
		r.byBase, r.byLeiKa = prev.byBase, prev.byLeiKa
	} else {
		r.groupServices()
	}
	st.byBase, st.byLeiKa = r.byBase, r.byLeiKa
}

// groupServices groups the services of all portals by base text and,
// those without one, by LeiKa key.
func (r *pageRenderer) groupServices() {
	r.byBase = map[string][]*Service{}
	r.byLeiKa = map[string][]*Service{}
	for _, s := range r.fc.sites {
		for _, svc := range s.Services {
			if svc.Base != nil {
				r.byBase[svc.Base.ID] = append(r.byBase[svc.Base.ID], svc)
				continue
			}
			for _, k := range svc.Matter.LeiKa {
				r.byLeiKa[k] = append(r.byLeiKa[k], svc)
			}
		}
	}
}

// prepareSites computes what every page of a portal shares: assets,
// the federation's portals and the rendered chrome. It depends on
// sites.toml and the theme only.
func (r *pageRenderer) prepareSites(diags *diag.List) {
	fc := r.fc
	r.assets = map[string]siteAssets{}
	for _, s := range fc.sites {
		a := siteAssets{
			css: "/assets/" + fingerprint("style.css", r.theme.siteCSS(s.Site)),
			js:  "/assets/" + fingerprint("verbund.js", r.theme.js),
		}
		if logo := s.Theme.Logo; logo != "" {
			data, err := os.ReadFile(logo)
			if err == nil && strings.EqualFold(filepath.Ext(logo), ".svg") {
				data, err = minifyBytes(r.out.min, "image/svg+xml", data)
			}
			if err != nil {
				line, col := fc.cfg.SiteKeyPos(s.ID, "theme", "logo")
				diags.Errorf(fc.cfg.FileName(), line, col, "invalid-value",
					"give the path of an SVG or PNG file relative to sites.toml",
					"site %q: reading logo: %v", s.ID, err)
			} else {
				a.logoData = data
				a.logo = "/assets/" + fingerprint("logo"+strings.ToLower(filepath.Ext(logo)), data)
			}
		}
		a.icon = r.siteIcon(s, diags)
		a.iconURL = "/assets/" + fingerprint("icon"+a.icon.Ext(), a.icon.Image)
		r.assets[s.ID] = a
	}

	groups := []struct {
		kind, title string
	}{
		{federation.KindCounty, "Landkreis"},
		{federation.KindMunicipality, "Städte und Gemeinden"},
		{federation.KindSamtgemeinde, "Samtgemeinden"},
	}
	for _, g := range groups {
		pg := portalGroup{Title: g.title}
		for _, s := range fc.sites {
			if s.Kind == g.kind {
				pg.Portals = append(pg.Portals, link{Title: s.Name, URL: s.URL})
			}
		}
		sortLinks(pg.Portals)
		if len(pg.Portals) > 0 {
			r.portals = append(r.portals, pg)
		}
	}

	r.chrome = map[string]*siteChrome{}
	for _, s := range fc.sites {
		c, err := r.renderChrome(s)
		if err != nil {
			r.theme.reportTemplateError(err, diags)
			continue
		}
		r.chrome[s.ID] = c
	}
}

// siteIcon returns the icon of site s: the file that its icon key in
// sites.toml names, or the theme's. It reports a file it cannot use at
// the key and returns the theme's icon then.
func (r *pageRenderer) siteIcon(s *Site, diags *diag.List) favicon.Icon {
	if s.Theme.Icon == "" {
		return r.theme.icon
	}
	icon, err := favicon.Load(s.Theme.Icon, r.theme.icon.ICO)
	if err == nil && icon.Type == favicon.TypeSVG {
		// A citizen may open the icon's URL, and the SVG file then runs
		// as a page of the portal, so it gets the check of SVG files
		// in files folders, which reports each problem in the file.
		if !checkSVG(s.Theme.Icon, icon.Image, diags) {
			return r.theme.icon
		}
		if icon.Image, err = minifyBytes(r.out.min, favicon.TypeSVG, icon.Image); err != nil {
			err = fmt.Errorf("minifying icon: %w", err)
		}
	}
	if err != nil {
		line, col := r.fc.cfg.SiteKeyPos(s.ID, "theme", "icon")
		diags.Errorf(r.fc.cfg.FileName(), line, col, "invalid-value",
			fmt.Sprintf("give the path of an SVG file or of a square PNG file of %d to %d pixels, relative to sites.toml",
				favicon.MinEdge, favicon.MaxEdge),
			"site %q: %v", s.ID, err)
		return r.theme.icon
	}
	return icon
}

// writeSiteFiles writes a portal's assets, icon, sitemap and robots.txt.
func (r *pageRenderer) writeSiteFiles(s *Site, j *job) {
	a := r.assets[s.ID]
	r.writeFile(j, s.ID, a.css, r.theme.siteCSS(s.Site))
	r.writeFile(j, s.ID, a.js, r.theme.js)
	if a.logo != "" {
		r.writeFile(j, s.ID, a.logo, a.logoData)
	}
	r.writeFile(j, s.ID, a.iconURL, a.icon.Image)
	r.writeFile(j, s.ID, faviconFile, a.icon.ICO)
	for name, data := range r.theme.static {
		r.writeFile(j, s.ID, "/assets/"+name, data)
	}
	r.writeFile(j, s.ID, "/sitemap.xml", r.sitemap(s))
	robots := fmt.Sprintf("User-agent: *\nAllow: /\n\nSitemap: %s\n", absolute(s.Site, "/sitemap.xml"))
	if r.indexSite() == s {
		r.writeFile(j, s.ID, sitemapIndexFile, r.sitemapIndex())
		robots += fmt.Sprintf("Sitemap: %s\n", absolute(s.Site, sitemapIndexFile))
	}
	r.writeFile(j, s.ID, "/robots.txt", []byte(robots))
	r.writeFile(j, s.ID, feedFile, r.feed(s))
	r.writeFile(j, s.ID, headersFile, r.headers(s, &j.diags))
	r.writeFile(j, s.ID, redirectsFile, r.redirects(s, &j.diags))
}

// sitemap lists the portal's pages with the date of their last review.
func (r *pageRenderer) sitemap(s *Site) []byte {
	type entry struct{ loc, lastmod string }
	entries := []entry{{loc: "/"}}
	for _, c := range r.fc.cfg.Categories {
		entries = append(entries, entry{loc: categoriesPath + c.ID + "/"})
	}
	entries = append(entries, entry{loc: servicesPath}, entry{loc: officesPath})
	for _, p := range requiredPages {
		entries = append(entries, entry{loc: "/" + p.Slug + "/"})
	}
	for _, svc := range s.Services {
		entries = append(entries, entry{loc: svc.URL, lastmod: svc.Matter.Reviewed.String()})
	}
	for _, o := range s.Offices {
		entries = append(entries, entry{loc: o.URL})
	}
	for _, p := range s.Pages {
		entries = append(entries, entry{loc: p.URL, lastmod: p.Reviewed.String()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].loc < entries[j].loc })

	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, e := range entries {
		b.WriteString("<url><loc>" + xmlEscape(absolute(s.Site, e.loc)) + "</loc>")
		if e.lastmod != "" {
			b.WriteString("<lastmod>" + e.lastmod + "</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return []byte(b.String())
}
