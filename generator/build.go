// Package generator builds the portals of a federation: it loads
// sites.toml and the Markdown content, resolves base texts, offices and
// links, renders every page with the theme and writes one folder per
// portal.
package generator

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
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
	// ThemeDir is the theme folder; default themes/default beside
	// sites.toml.
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
}

// Result describes a finished build.
type Result struct {
	// Output is the folder written.
	Output string
	Sites  int
	// Pages is the number of HTML pages written.
	Pages int
	// Files is the number of files written, pages included.
	Files    int
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
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
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
	themeDir := opts.ThemeDir
	if themeDir == "" {
		themeDir = filepath.Join(root, "themes", "default")
	}
	min := newMinifier()
	th, err := loadTheme(os.DirFS(themeDir), min)
	if err != nil {
		return nil, err
	}

	files, err := readContent(ctx, os.DirFS(cfg.ContentDir), relativeTo(root, cfg.ContentDir))
	if err != nil {
		return nil, err
	}
	var diags diag.List
	siteIDs := map[string]bool{}
	for _, s := range cfg.Sites {
		siteIDs[s.ID] = true
	}
	cfgName := relativeTo(filepath.Dir(root), opts.ConfigPath)
	l := decodeContent(files, siteIDs, &diags)
	fc := resolve(cfg, filepath.Base(cfgName), l, &diags)
	log.Debug("content loaded", "files", len(files), "bases", len(fc.bases),
		"elapsed", time.Since(start).Round(time.Millisecond))
	if err := diags.Err(); err != nil {
		return nil, err
	}

	out, err := newOutput(cfg.OutputDir, min, opts.DryRun)
	if err != nil {
		return nil, err
	}
	r := &pageRenderer{fc: fc, md: newMarkdown(), theme: th, out: out, reviewMaxAge: opts.ReviewMaxAge, now: opts.Now}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	pages, err := r.renderAll(ctx, &diags)
	if err != nil {
		out.abort()
		return nil, err
	}
	log.Debug("pages rendered", "pages", pages, "elapsed", time.Since(start).Round(time.Millisecond))
	out.writeManifests(fc.sites, &diags)
	if err := diags.Err(); err != nil {
		out.abort()
		return nil, err
	}
	var corpus *search.Corpus
	if !opts.DryRun {
		if corpus, err = r.buildIndex(ctx); err != nil {
			out.abort()
			return nil, err
		}
	}
	log.Debug("search index built", "documents", len(r.index.pages),
		"elapsed", time.Since(start).Round(time.Millisecond))
	if err := out.commit(); err != nil {
		out.abort()
		return nil, err
	}
	warnings := diags.Warnings()
	warnings.Sort()
	res := &Result{
		Output: cfg.OutputDir, Sites: len(fc.sites), Pages: pages,
		Files: int(out.files.Load()), Warnings: dedupe(warnings), Duration: time.Since(start),
	}
	if opts.KeepCorpus {
		res.Corpus = corpus
	}
	log.Info("build finished", "sites", res.Sites, "pages", res.Pages,
		"files", res.Files, "duration", res.Duration.Round(time.Millisecond))
	return res, nil
}

// relativeTo returns p relative to base for messages, or p itself.
func relativeTo(base, p string) string {
	if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// dedupe drops repeated diagnostics, such as a warning in a base text
// reported once per portal that renders it.
func dedupe(l diag.List) diag.List {
	var out diag.List
	for i, d := range l {
		if i > 0 && d == l[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// renderAll renders every page of every portal in parallel and returns
// the number of pages.
func (r *pageRenderer) renderAll(ctx context.Context, diags *diag.List) (int, error) {
	fc := r.fc
	r.prepare(diags)

	var jobs []func(*diag.List)
	for _, s := range fc.sites {
		jobs = append(jobs,
			func(d *diag.List) { r.renderStart(s, d) },
			func(d *diag.List) { r.renderLists(s, d) },
			func(d *diag.List) { r.renderRequired(s, d) },
			func(d *diag.List) { r.writeSiteFiles(s, d) },
			func(d *diag.List) { r.renderSearchLayout(s, d) },
		)
		for _, svc := range s.Services {
			jobs = append(jobs, func(d *diag.List) { r.renderService(svc, d) })
		}
		for _, o := range s.Offices {
			jobs = append(jobs, func(d *diag.List) { r.renderOffice(o, d) })
		}
		for _, p := range s.Pages {
			jobs = append(jobs, func(d *diag.List) { r.renderPage(p, d) })
		}
	}

	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, job := range jobs {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var local diag.List
			job(&local)
			if len(local) > 0 {
				mu.Lock()
				diags.Add(local...)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	pages := 0
	for _, s := range fc.sites {
		pages += 1 + len(fc.cfg.Categories) + 2 + len(requiredPages) + 1 +
			len(s.Services) + len(s.Offices) + len(s.Pages)
	}
	return pages, nil
}

// prepare parses the base texts and computes what every page shares.
func (r *pageRenderer) prepare(diags *diag.List) {
	fc := r.fc
	r.bases = map[string]*document{}
	for _, id := range fc.baseIDs {
		d := r.md.parseMarkdown(fc.bases[id].src, true, diags)
		d.lintStructured(diags)
		r.bases[id] = d
	}
	r.byBase = map[string][]*Service{}
	r.byLeiKa = map[string][]*Service{}
	for _, s := range fc.sites {
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
			diags.Errorf("themes", 0, 0, "template", "", "%v", err)
			continue
		}
		r.chrome[s.ID] = c
	}
}

// writeSiteFiles writes a portal's assets, sitemap and robots.txt.
func (r *pageRenderer) writeSiteFiles(s *Site, diags *diag.List) {
	a := r.assets[s.ID]
	r.out.writeFile(s.ID, a.css, r.theme.siteCSS(s.Site), diags)
	r.out.writeFile(s.ID, a.js, r.theme.js, diags)
	if a.logo != "" {
		r.out.writeFile(s.ID, a.logo, a.logoData, diags)
	}
	for name, data := range r.theme.static {
		r.out.writeFile(s.ID, "/assets/"+name, data, diags)
	}
	r.out.writeFile(s.ID, "/sitemap.xml", r.sitemap(s), diags)
	robots := fmt.Sprintf("User-agent: *\nAllow: /\n\nSitemap: %s\n", absolute(s.Site, "/sitemap.xml"))
	if r.indexSite() == s {
		r.out.writeFile(s.ID, "/sitemap-index.xml", r.sitemapIndex(), diags)
		robots += fmt.Sprintf("Sitemap: %s\n", absolute(s.Site, "/sitemap-index.xml"))
	}
	r.out.writeFile(s.ID, "/robots.txt", []byte(robots), diags)
	r.out.writeFile(s.ID, feedFile, r.feed(s), diags)
	r.out.writeFile(s.ID, headersFile, r.headers(s), diags)
	r.out.writeFile(s.ID, redirectsFile, r.redirects(s, diags), diags)
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
