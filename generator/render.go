package generator

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuin/goldmark/ast"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/internal/tomlpos"
	"github.com/verbund/verbund/search"
)

// pageRenderer renders the pages of one build.
type pageRenderer struct {
	fc    *federationContent
	md    *markdown
	theme *theme
	out   *output
	// bases are the parsed base texts, baseTexts their plain text.
	bases     map[string]*parsedText
	baseTexts map[string]string
	// reparseBases is set in a one-time build, which parses each base
	// text again for its pages and so holds it only while they render.
	reparseBases bool
	// assets are the fingerprinted asset paths per site.
	assets map[string]siteAssets
	// officeLocations are the offices' JSON-LD for service pages.
	officeLocations officeLocations
	// viewLinks are the links every view shares, made once.
	viewLinks     *viewLinks
	viewLinksInit sync.Once
	// byBase and byLeiKa group the services of all portals, for "this
	// service in other communes".
	byBase  map[string][]*Service
	byLeiKa map[string][]*Service
	portals []portalGroup
	// portalOrder is the place of each portal, by URL, in the footer's
	// list of portals, which other lists of portals follow.
	portalOrder map[string]int
	chrome      map[string]*siteChrome
	// baseUses counts, in a one-time build, the service pages of each
	// base text still to be written.
	baseUses map[string]*atomic.Int32
	// otherItems are, by Service.number, the items of the services in the
	// lists of the same service on other portals.
	otherItems []renderedOnce
	// otherLists are the lists of the same service on the portals by
	// base text or LeiKa keys, each made once.
	otherLists sync.Map
	// tocItems are the items of the table of contents of the parts, in
	// the order of Parts.
	tocItems []renderedOnce
	// baseHTML caches rendered parts of base texts.
	baseHTML *baseCache
	// groups memoizes groupDigest.
	groups map[string]uint64
	// links is the linkDigest of the build.
	links uint64
	// reads, while jobs computes the digests, collects the files that
	// each digest includes.
	reads *[]string
	// only are the sites a build limited to some renders.
	only []string
	// failed are the names of the content files with errors, in a build
	// that renders only to find more errors (failedNames). Links to them
	// are not reported as broken.
	failed map[string]bool
	// index, when set, receives the search documents of each job as it
	// finishes. With dropText set, the jobs then drop the pages' text,
	// because nothing reads it later.
	index    *search.Writer
	dropText bool
	// pack, when set, receives what rendering keeps to the end of the
	// build, each job's output and the HTML that pages share, so that it
	// does not stay scattered among the garbage of rendering. packMu
	// guards it.
	pack   *packer
	packMu sync.Mutex
	// probes is set when a later build may reuse the jobs' output, which
	// it does only where the jobs' digests are the same and their probes
	// resolve the same then. Without it, the jobs get no digests and
	// record no probes.
	probes bool
	// reviewMaxAge and now set the check for reviews that are due; zero
	// turns it off.
	reviewMaxAge time.Duration
	now          time.Time
	// contentDir is the absolute content folder, where the files of the
	// files folders are read again as they are written.
	contentDir string
	// needed are, by site ID, the names of the files of the portal that
	// its pages refer to, once the page jobs ran (planFiles).
	needed map[string]map[string]bool
}

// siteAssets are the fingerprinted paths of a portal's assets, and the
// data of its logo and icon; logo is empty without one.
type siteAssets struct {
	css, js, logo string
	logoData      []byte
	// icon is the portal's icon, published at iconURL and as
	// /favicon.ico.
	icon    favicon.Icon
	iconURL string
}

// newView fills the parts of a view every page shares.
func (r *pageRenderer) newView(s *Site, path, title, description string) *view {
	cfg := r.fc.cfg
	v := &view{
		Lang:        cfg.Language,
		Federation:  cfg,
		Site:        s,
		Title:       title,
		Description: description,
		Path:        path,
		Canonical:   absolute(s.Site, path),
		CSS:         r.assets[s.ID].css,
		JS:          r.assets[s.ID].js,
		Logo:        r.assets[s.ID].logo,
		Icon:        r.assets[s.ID].iconURL,
		IconSVG:     r.assets[s.ID].icon.Type == favicon.TypeSVG,
		Portals:     r.portals,
	}
	v.AccountURL = accountURL(cfg, v.Canonical)
	links := r.viewLinksOnce()
	v.SearchURL, v.SuggestURL = links.search, links.suggest
	v.Categories, v.Legal = links.categories, links.legal
	for i, c := range v.Categories {
		if c.URL == path {
			v.Categories = slices.Clone(v.Categories)
			v.Categories[i].Active = true
			break
		}
	}
	v.Breadcrumbs = []link{{Title: "Startseite", URL: "/"}}
	if c := r.chrome[s.ID]; c != nil {
		v.Chrome = chrome{Brand: c.brand, Footer: c.footer, Topics: c.topics[""]}
		if t, ok := c.topics[path]; ok {
			v.Chrome.Topics = t
		}
	}
	return v
}

// viewLinks are the links of a view that are the same on every page:
// the search endpoints, the categories with none active and the pages
// every portal publishes. Views share the slices and must not change
// them.
type viewLinks struct {
	search, suggest string
	categories      []categoryLink
	legal           []link
}

// viewLinksOnce returns the viewLinks of the federation, made on the
// first call.
func (r *pageRenderer) viewLinksOnce() *viewLinks {
	r.viewLinksInit.Do(func() {
		cfg := r.fc.cfg
		l := &viewLinks{}
		if cfg.Search.URL != "" {
			base := strings.TrimSuffix(cfg.Search.URL, "/")
			l.search = base + "/suche"
			l.suggest = base + "/api/suggest"
		}
		for _, c := range cfg.Categories {
			l.categories = append(l.categories, categoryLink{Category: c, URL: categoriesPath + c.ID + "/"})
		}
		for _, p := range requiredPages {
			l.legal = append(l.legal, link{Title: p.Title, URL: "/" + p.Slug + "/"})
		}
		r.viewLinks = l
	})
	return r.viewLinks
}

// renderChrome renders the blocks every page of site s shares.
func (r *pageRenderer) renderChrome(s *Site) (*siteChrome, error) {
	tmpl := r.theme.templates["page"]
	exec := func(name string, v *view) (template.HTML, error) {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, name, v); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil
	}
	c := &siteChrome{topics: map[string]template.HTML{}}
	v := r.newView(s, "", "", "")
	var err error
	if c.brand, err = exec("brand", v); err != nil {
		return nil, err
	}
	if c.footer, err = exec("footer", v); err != nil {
		return nil, err
	}
	if c.topics[""], err = exec("topics", v); err != nil {
		return nil, err
	}
	for _, cat := range r.fc.cfg.Categories {
		path := categoriesPath + cat.ID + "/"
		if c.topics[path], err = exec("topics", r.newView(s, path, "", "")); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// execute renders template name with v and writes it as path's HTML.
func (r *pageRenderer) execute(name string, v *view, j *job) {
	diags := &j.diags
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if err := r.theme.templates[name].ExecuteTemplate(buf, "layout.html", v); err != nil {
		r.theme.reportTemplateError(err, diags)
		pageBuffers.Put(buf)
		return
	}
	r.writeHTML(j, v.Site.ID, v.Path, buf.Bytes())
	if !r.out.inPlace {
		// The page is on disk. An update in place keeps the buffer instead.
		pageBuffers.Put(buf)
	}
}

// pageBuffers are buffers for rendering pages, reused to spare the
// garbage collector.
var pageBuffers = sync.Pool{New: func() any {
	b := new(bytes.Buffer)
	b.Grow(32 << 10)
	return b
}}

// renderService renders one service page.
func (r *pageRenderer) renderService(svc *Service, j *job) {
	diags := &j.diags
	s := svc.Site
	resolve := r.resolver(s, j)
	sv := &serviceView{Service: svc, Office: newOfficeCard(svc.Office), Reviewed: germanDate(svc.Matter.Reviewed),
		Parts: make([]renderedPart, 0, len(Parts))}

	var own *document
	ownText := ""
	if svc.src.path != "" {
		own = r.md.parseMarkdown(svc.src, true, diags)
		ownText = own.structuredText()
		own.lintStructured(diags)
	}
	j.pages = append(j.pages, serviceDocument(svc, ownText))
	base := (*document)(nil)
	if svc.Base != nil {
		base = r.baseDocument(svc.Base)
	}
	switch {
	case own != nil && len(own.intro) > 0:
		sv.Intro = r.md.renderNodes(own, own.intro, resolve, diags)
	case base != nil:
		sv.Intro = r.baseHTML.render(r.md, svc.Base, svc.Base.src.hash, base, "intro", base.intro, resolve, diags)
	}
	for i, p := range Parts {
		var html template.HTML
		var shared *cachedPart
		switch {
		case own != nil && own.has(p.Key):
			html = r.md.renderNodes(own, own.parts[p.Key], resolve, diags)
		case base != nil && base.has(p.Key):
			html, shared = r.baseHTML.renderShared(r.md, svc.Base, svc.Base.src.hash, base, p.Key, base.parts[p.Key],
				resolve, diags)
		}
		if p.Key == "forms" && html == "" && len(svc.Matter.Forms) == 0 {
			continue
		}
		if html != "" || p.Key == "forms" {
			sv.Parts = append(sv.Parts, renderedPart{Key: p.Key, Title: p.Title, ID: p.ID, HTML: html,
				number: i, shared: shared})
		}
	}

	if c, ok := r.fc.cfg.Category(svc.Matter.Category); ok {
		sv.Category = link{Title: c.Title, URL: categoriesPath + c.ID + "/"}
	}
	if svc.Office != nil && svc.Office.Site != s {
		sv.OfficeAt = absolute(svc.Office.Site.Site, svc.Office.URL)
	} else if svc.Office != nil {
		sv.OfficeAt = svc.Office.URL
	}
	if svc.Matter.Tier == TierCounty && s.Kind != federation.KindCounty {
		if county := r.fc.county(); county != nil {
			sv.DeliveredBy = county.Name
		}
	}
	sv.Others = r.others(svc, diags)
	r.checkServiceURLs(svc, sv, j)
	for i := range sv.Parts {
		part := &sv.Parts[i]
		if part.Key == "forms" {
			part.Forms = sv.Forms
			if !baseForms(svc) {
				part.shared = nil
			}
		}
		r.renderPart(part, diags)
	}
	sv.Toc = joinTocItems(sv.Parts)
	lintService(svc, own, base, r.reviewMaxAge, r.now, diags)

	v := r.newView(s, svc.URL, svc.Matter.Title, svc.Matter.Summary)
	v.Breadcrumbs = append(v.Breadcrumbs, sv.Category)
	v.Service = sv
	if svc.Matter.Lang != "" {
		v.Lang = svc.Matter.Lang
	}
	var location any
	if svc.Office != nil {
		location = r.officeLocations.of(svc.Office)
	}
	v.JSONLD = serviceJSONLD(svc, v.Canonical, r.fc.cfg, location)
	r.execute("service", v, j)
	if svc.Base != nil {
		r.usedBase(svc.Base)
	}
}

// countBaseUses counts, for a one-time build, the service pages that
// each base text's parts go into, so that usedBase can release a base
// text once its last page is written.
func (r *pageRenderer) countBaseUses() {
	r.baseUses = map[string]*atomic.Int32{}
	for _, s := range r.builtSites() {
		for _, svc := range s.Services {
			if svc.Base == nil {
				continue
			}
			n := r.baseUses[svc.Base.ID]
			if n == nil {
				n = new(atomic.Int32)
				r.baseUses[svc.Base.ID] = n
			}
			n.Add(1)
		}
	}
}

// parsedText is the parsed Markdown of a base text, parsed by the first
// page that needs it unless doc is set from the start.
type parsedText struct {
	once sync.Once
	src  source
	doc  *document
}

// baseDocument returns the parsed text of base text b.
func (r *pageRenderer) baseDocument(b *Base) *document {
	p := r.bases[b.ID]
	if p == nil {
		return nil
	}
	p.once.Do(func() {
		if p.doc == nil {
			// prepareContent reported the problems of the text.
			var reported diag.List
			p.doc = r.md.parseMarkdown(p.src, true, &reported)
		}
	})
	return p.doc
}

// usedBase notes that a page of base text b is written. After the last
// one, it drops the parsed text and the cached HTML of its parts, which
// no page needs any more. At 100,000 pages with 6,000 base texts, this
// took the build's peak memory from 2,154 to 1,889 MiB.
func (r *pageRenderer) usedBase(b *Base) {
	n := r.baseUses[b.ID]
	if n == nil || n.Add(-1) != 0 {
		return
	}
	if p := r.bases[b.ID]; p != nil {
		// Every page of b is written, so no goroutine reads p.doc.
		p.doc = nil
	}
	r.baseHTML.drop(b.ID, b.src.hash)
}

// has reports whether d writes the part key with some content; an empty
// part, as a new page's skeleton has, keeps the base text's.
func (d *document) has(key string) bool {
	return len(d.parts[key]) > 0
}

// others returns the list items that link to the same service on the
// other portals, in the order of the footer's portal list. Each item is
// rendered once per build, with the theme's template "other-commune",
// and each group's list once, because a service of a group of n portals
// appears in n-1 lists.
func (r *pageRenderer) others(svc *Service, diags *diag.List) template.HTML {
	key := ""
	if svc.Base != nil {
		key = "base " + svc.Base.ID
	} else if len(svc.Matter.LeiKa) > 0 {
		key = "leika " + strings.Join(svc.Matter.LeiKa, " ")
	} else {
		return ""
	}
	v, _ := r.otherLists.LoadOrStore(key, &otherList{})
	l := v.(*otherList)
	l.once.Do(func() { l.build(r, svc, diags) })
	for i, id := range l.sites {
		if id == svc.Site.ID {
			start := 0
			if i > 0 {
				start = l.ends[i-1]
			}
			return template.HTML(l.html[:start] + l.html[l.ends[i]:])
		}
	}
	return template.HTML(l.html)
}

// otherList is the list of one service on every portal that offers it,
// in the order of the footer's portal list, from which others cuts the item
// of the page's own portal.
type otherList struct {
	once sync.Once
	// html is the items joined, sites the portal of each item and ends
	// the end of each item in html.
	html  string
	sites []string
	ends  []int
}

// build makes the list of the group of svc: the services of its base
// text, or those of its LeiKa keys, the first of each portal.
func (l *otherList) build(r *pageRenderer, svc *Service, diags *diag.List) {
	var group []*Service
	if svc.Base != nil {
		group = r.byBase[svc.Base.ID]
	} else {
		for _, k := range svc.Matter.LeiKa {
			group = append(group, r.byLeiKa[k]...)
		}
	}
	seen := map[string]bool{}
	list := make([]*Service, 0, len(group))
	for _, o := range group {
		if !seen[o.Site.ID] {
			seen[o.Site.ID] = true
			list = append(list, o)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		return r.portalOrder[list[i].Site.URL] < r.portalOrder[list[j].Site.URL]
	})
	var b strings.Builder
	l.sites = make([]string, 0, len(list))
	l.ends = make([]int, 0, len(list))
	for _, o := range list {
		b.WriteString(string(r.otherItem(o, diags)))
		l.sites = append(l.sites, o.Site.ID)
		l.ends = append(l.ends, b.Len())
	}
	l.html = string(r.keep(template.HTML(b.String())))
}

// renderedOnce is HTML that many pages show and the first of them
// renders.
type renderedOnce struct {
	once sync.Once
	html template.HTML
}

// get returns the HTML, which render makes on the first call.
func (o *renderedOnce) get(render func() template.HTML) template.HTML {
	o.once.Do(func() { o.html = render() })
	return o.html
}

// executeNamed returns the output of the theme's template name in page
// template page with data, or reports the error and returns "".
func (r *pageRenderer) executeNamed(page, name string, data any, diags *diag.List) template.HTML {
	buf := fragmentBuffers.Get().(*bytes.Buffer)
	defer fragmentBuffers.Put(buf)
	buf.Reset()
	if err := r.theme.templates[page].ExecuteTemplate(buf, name, data); err != nil {
		r.theme.reportTemplateError(err, diags)
		return ""
	}
	return template.HTML(buf.String())
}

// otherItem returns the list item that links to svc from the pages of
// the same service on other portals. A template error is reported to
// the page that renders the item first.
func (r *pageRenderer) otherItem(svc *Service, diags *diag.List) template.HTML {
	return r.otherItems[svc.number].get(func() template.HTML {
		l := link{Title: svc.Site.Name, URL: absolute(svc.Site.Site, svc.URL)}
		return r.keep(r.executeNamed("service", "other-commune", l, diags))
	})
}

// renderPart sets the item of the table of contents and the section of
// part with the theme's templates "toc-item" and "part". A part of a base
// text that is the same on every portal shares its section with the
// other pages of the base text. renderService keeps the forms part from
// sharing unless the forms are the base text's (baseForms).
func (r *pageRenderer) renderPart(part *renderedPart, diags *diag.List) {
	part.TocItem = r.tocItems[part.number].get(func() template.HTML {
		return r.executeNamed("service", "toc-item", part, diags)
	})
	section := func() template.HTML {
		return r.executeNamed("service", "part", part, diags)
	}
	if part.shared != nil {
		part.Section = part.shared.section.get(section)
	} else {
		part.Section = section()
	}
}

// baseForms reports whether the forms of svc are those of its base text
// and link to the same address from every portal, so that its forms part
// is the same on every page of the base text.
func baseForms(svc *Service) bool {
	if svc.Base == nil {
		return false
	}
	own, base := svc.Matter.Forms, svc.Base.Forms
	if len(own) != len(base) || len(own) > 0 && &own[0] != &base[0] {
		return false
	}
	for _, f := range own {
		if !sameOnEveryPortal(f.URL) {
			return false
		}
	}
	return true
}

// joinTocItems returns the TocItem of every part of parts, joined in
// order.
func joinTocItems(parts []renderedPart) template.HTML {
	size := 0
	for i := range parts {
		size += len(parts[i].TocItem)
	}
	var toc strings.Builder
	toc.Grow(size)
	for i := range parts {
		toc.WriteString(string(parts[i].TocItem))
	}
	return template.HTML(toc.String())
}

func (r *pageRenderer) renderOffice(o *Office, j *job) {
	diags := &j.diags
	doc := r.md.parseMarkdown(o.src, false, diags)
	doc.lintContent(doc.intro, 2, diags)
	ov := &officeView{
		Office: o,
		Intro:  r.md.renderNodes(doc, doc.intro, r.resolver(o.Site, j), diags),
		Hours:  hoursRows(o.Hours),
	}
	for _, svc := range o.Services {
		u := svc.URL
		if svc.Site != o.Site {
			continue
		}
		ov.Services = append(ov.Services, link{Title: svc.Matter.Title, URL: u})
	}
	sort.Slice(ov.Services, func(i, j int) bool { return ov.Services[i].Title < ov.Services[j].Title })
	j.pages = append(j.pages, search.Page{
		Site: o.Site.ID, URL: absolute(o.Site.Site, o.URL), Kind: KindOffice, Title: o.Name,
		Summary: o.Street + ", " + o.PostalCode + " " + o.City,
		Text:    strings.TrimSpace(textOf(doc, doc.intro) + " " + o.Accessibility),
	})
	v := r.newView(o.Site, o.URL, o.Name, "Anschrift, Öffnungszeiten und Kontakt: "+o.Name)
	v.Breadcrumbs = append(v.Breadcrumbs, link{Title: "Dienststellen", URL: officesPath})
	v.Office = ov
	v.JSONLD = officeJSONLD(o, v.Canonical)
	r.execute("office", v, j)
}

func (r *pageRenderer) renderPage(p *Page, j *job) {
	diags := &j.diags
	doc := r.md.parseMarkdown(p.src, false, diags)
	doc.lintContent(doc.intro, 1, diags)
	j.pages = append(j.pages, search.Page{
		Site: p.Site.ID, URL: absolute(p.Site.Site, p.URL), Kind: KindPage, Title: p.Title,
		Summary: p.Summary, Text: textOf(doc, doc.intro),
	})
	v := r.newView(p.Site, p.URL, p.Title, p.Summary)
	v.Page = &pageView{Page: p, Body: r.md.renderNodes(doc, doc.intro, r.resolver(p.Site, j), diags)}
	if p.Lang != "" {
		v.Lang = p.Lang
	}
	r.execute("page", v, j)
}

func (r *pageRenderer) renderStart(s *Site, j *job) {
	diags := &j.diags
	title := s.Name
	sv := &startView{}
	if s.Start != nil {
		doc := r.md.parseMarkdown(s.Start.src, false, diags)
		doc.lintContent(doc.intro, 1, diags)
		sv.Intro = r.md.renderNodes(doc, doc.intro, r.resolver(s, j), diags)
		if s.Start.Title != "" {
			title = s.Start.Title
		}
	}
	for _, svc := range s.Services {
		sv.Popular = append(sv.Popular, link{Title: svc.Matter.Title, URL: svc.URL})
	}
	sort.Slice(sv.Popular, func(i, j int) bool { return sv.Popular[i].Title < sv.Popular[j].Title })
	if len(sv.Popular) > 12 {
		sv.Popular = sv.Popular[:12]
	}
	for _, o := range s.Offices {
		sv.Offices = append(sv.Offices, link{Title: o.Name, URL: o.URL})
	}
	v := r.newView(s, "/", title, "Online-Angebote und Dienstleistungen: "+s.Legal.Name)
	v.Breadcrumbs = nil
	v.Start = sv
	r.execute("start", v, j)
}

// renderLists renders the category pages and the A to Z lists of
// services and offices.
func (r *pageRenderer) renderLists(s *Site, j *job) {
	county := r.fc.county()
	for _, c := range r.fc.cfg.Categories {
		cv := &categoryView{Category: c}
		for _, svc := range s.Services {
			if svc.Matter.Category == c.ID {
				cv.Services = append(cv.Services, link{Title: svc.Matter.Title, URL: svc.URL, Note: svc.Matter.Summary})
			}
		}
		if county != nil && county != s {
			for _, svc := range county.Services {
				if svc.Matter.Category == c.ID && svc.Matter.Tier == TierCounty {
					cv.County = append(cv.County, link{Title: svc.Matter.Title,
						URL: absolute(county.Site, svc.URL), Note: svc.Matter.Summary})
				}
			}
		}
		sortLinks(cv.Services)
		sortLinks(cv.County)
		u := categoriesPath + c.ID + "/"
		v := r.newView(s, u, c.Title, c.Description)
		v.Category = cv
		r.execute("category", v, j)
	}

	v := r.newView(s, servicesPath, "Leistungen von A bis Z", "Alle Dienstleistungen: "+s.Legal.Name)
	for _, svc := range s.Services {
		v.Services = append(v.Services, link{Title: svc.Matter.Title, URL: svc.URL})
	}
	if county != nil && county != s {
		for _, svc := range county.Services {
			if svc.Matter.Tier == TierCounty {
				v.Services = append(v.Services, link{Title: svc.Matter.Title,
					URL: absolute(county.Site, svc.URL), Note: county.Name})
			}
		}
	}
	sortLinks(v.Services)
	r.execute("services", v, j)

	v = r.newView(s, officesPath, "Dienststellen", "Anschriften und Öffnungszeiten: "+s.Legal.Name)
	for _, o := range s.Offices {
		v.Offices = append(v.Offices, link{Title: o.Name, URL: o.URL, Note: o.Street + ", " + o.PostalCode + " " + o.City})
	}
	sortLinks(v.Offices)
	r.execute("offices", v, j)
}

// renderRequired renders the pages every portal must publish.
func (r *pageRenderer) renderRequired(s *Site, j *job) {
	county := r.fc.county()
	for _, p := range requiredPages {
		v := r.newView(s, "/"+p.Slug+"/", p.Title, p.Title+": "+s.Legal.Name)
		v.Required = &requiredView{Slug: p.Slug}
		if county != nil {
			v.Required.County = county.Site
		}
		r.execute(p.Slug, v, j)
	}
	v := r.newView(s, "/404.html", "Seite nicht gefunden", "")
	v.NoIndex = true
	v.Breadcrumbs = nil
	r.execute("notfound", v, j)
}

func sortLinks(ls []link) {
	sort.SliceStable(ls, func(i, j int) bool {
		return collate(ls[i].Title) < collate(ls[j].Title)
	})
}

// collate returns a sort key that orders German words as a dictionary
// does: umlauts with their base letters, case ignored.
func collate(s string) string {
	return collation.Replace(strings.ToLower(s))
}

var collation = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

var germanMonths = []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
	"August", "September", "Oktober", "November", "Dezember"}

func germanDate(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d. %s %d", d.Day(), germanMonths[d.Month()-1], d.Year())
}

// structuredText returns the plain text of a service description's full
// text and parts, for the search index.
func (d *document) structuredText() string {
	var b strings.Builder
	// The plain text is shorter than the Markdown it comes from.
	b.Grow(len(d.src.body))
	for _, n := range d.intro {
		writePlain(&b, n, d.src.body)
	}
	for _, p := range Parts {
		b.WriteByte(' ')
		for _, n := range d.parts[p.Key] {
			writePlain(&b, n, d.src.body)
		}
	}
	return strings.TrimSpace(b.String())
}

// lintStructured checks the content of a service description, whose full
// text and parts sit under second-level headings.
func (d *document) lintStructured(diags *diag.List) {
	d.lintContent(d.intro, 2, diags)
	for _, p := range Parts {
		d.lintContent(d.parts[p.Key], 2, diags)
	}
}

// textOf returns the plain text of nodes of d, for the search index.
func textOf(d *document, nodes []ast.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		writePlain(&b, n, d.src.body)
	}
	return b.String()
}

// resultsElement is where the search layout's results go. It is replaced
// after minifying by the marker the search endpoint looks for, because
// html/template and the minifier both drop comments.
const (
	resultsElement = "<verbund-results></verbund-results>"
	resultsMarker  = "<!--verbund:results-->"
)

// rootRelative matches attributes with a root-relative URL.
var rootRelative = regexp.MustCompile(`\b(href|src|action)="/((?:[^/"][^"]*)?)"`)

// SearchLayoutDir is the folder, under the search index folder, of the
// per-portal page layouts the search endpoint renders results into.
const SearchLayoutDir = "layouts"

// renderSearchLayout writes the page the search endpoint fills with the
// results for site s.
func (r *pageRenderer) renderSearchLayout(s *Site, j *job) {
	diags := &j.diags
	v := r.newView(s, "/suche/", "Suchergebnisse", "")
	v.NoIndex = true
	// The results page is no page of the portal, so "Mein Konto" leads
	// back to the portal's start page.
	v.AccountURL = accountURL(r.fc.cfg, absolute(s.Site, "/"))
	var buf bytes.Buffer
	if err := r.theme.templates["search"].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		diags.Errorf("themes", 0, 0, "template", "", "rendering the search layout of %s: %v", s.ID, err)
		return
	}
	min, err := minifyBytes(r.out.min, "text/html", buf.Bytes())
	if err != nil {
		diags.Errorf("themes", 0, 0, "minify", "", "minifying the search layout of %s: %v", s.ID, err)
		return
	}
	if bytes.Count(min, []byte(resultsElement)) != 1 {
		diags.Errorf("themes", 0, 0, "template", "put "+resultsElement+" once into templates/search.html",
			"the search layout of %s lacks its results element", s.ID)
		return
	}
	min = bytes.Replace(min, []byte(resultsElement), []byte(resultsMarker), 1)
	// The endpoint serves the page from its own origin, so links and
	// assets must name the portal's.
	min = rootRelative.ReplaceAll(min, []byte(`$1="`+strings.TrimSuffix(s.URL, "/")+`/$2"`))
	r.out.emit(j, IndexDir+"/"+SearchLayoutDir+"/"+s.ID+".html", min, diags)
}

// checkServiceURLs checks the links of a service's front matter and sets
// the URLs to publish. A link that the service inherits from its base
// text is reported in the base text.
func (r *pageRenderer) checkServiceURLs(svc *Service, sv *serviceView, j *job) {
	atKey := func(key string) func() (source, tomlpos.Pos) {
		return func() (source, tomlpos.Pos) {
			src := matterSource(svc, key)
			return src, keyPos(src, key)
		}
	}
	if svc.Matter.Online != "" {
		sv.Online = r.checkMatterURL(j, svc.Site, "online", svc.Matter.Online, atKey("online"))
	}
	if svc.Matter.Appointment != "" {
		sv.Appointment = r.checkMatterURL(j, svc.Site, "appointment", svc.Matter.Appointment, atKey("appointment"))
	}
	for _, f := range svc.Matter.Forms {
		atURL := func() (source, tomlpos.Pos) {
			src := matterSource(svc, "forms")
			return src, valuePos(src, "forms", f.URL)
		}
		sv.Forms = append(sv.Forms, Form{Title: f.Title, URL: r.checkMatterURL(j, svc.Site, "forms", f.URL, atURL)})
	}
}
