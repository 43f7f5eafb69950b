package generator

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/internal/tomlpos"
)

// URL paths of a portal.
const (
	servicesPath   = "/leistungen/"
	officesPath    = "/dienststellen/"
	categoriesPath = "/themen/"
)

// requiredPages are the pages every German public body must publish,
// generated from sites.toml, with their paths.
var requiredPages = []struct{ Slug, Title string }{
	{"impressum", "Impressum"},
	{"datenschutz", "Datenschutzerklärung"},
	{"barrierefreiheit", "Erklärung zur Barrierefreiheit"},
	{"leichte-sprache", "Leichte Sprache"},
	{"gebaerdensprache", "Gebärdensprache"},
}

var (
	langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
	timePattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	postalCode  = regexp.MustCompile(`^[0-9]{5}$`)
)

var weekdays = map[string]string{
	"mo": "Monday", "di": "Tuesday", "mi": "Wednesday", "do": "Thursday",
	"fr": "Friday", "sa": "Saturday", "so": "Sunday",
}

// federationContent is the resolved content of every portal.
type federationContent struct {
	cfg   *federation.Config
	sites []*Site
	byID  map[string]*Site
	bases map[string]*Base
	// baseIDs are the base text IDs in sorted order.
	baseIDs []string
	// origins maps the origin of every portal's URL, such as
	// https://www.lingen.de, in the form federation.ParseOrigin returns,
	// to the portals there.
	origins map[string][]*Site
	// services is the number of services of all portals.
	services int
	// today is the day of the build, at midnight UTC like a Date.
	today time.Time
	// failed marks the base texts, offices and files that have errors
	// of their own, as loaded.failed does.
	failed map[string]bool
	// shared are the files of content/_shared/files by name, and
	// sharedNames their names in sorted order.
	shared      map[string]*staticFile
	sharedNames []string
	// contentName is the path of the content folder in messages.
	contentName string
	// pack, unless nil, receives what resolving adds to the content:
	// addresses, merged lists and the services that portals offer from
	// base texts.
	pack *packer
}

// resolve checks references and layering and assigns URLs. now is the
// time of the build, which review dates may not be after.
func resolve(cfg *federation.Config, cfgName string, l *loaded, now time.Time, diags *diag.List) *federationContent {
	fc := &federationContent{cfg: cfg, byID: map[string]*Site{}, bases: l.bases,
		today:  time.Date(now.UTC().Year(), now.UTC().Month(), now.UTC().Day(), 0, 0, 0, 0, time.UTC),
		failed: l.failed, pack: l.pack}
	for id := range l.bases {
		fc.baseIDs = append(fc.baseIDs, id)
	}
	sort.Strings(fc.baseIDs)
	for _, id := range fc.baseIDs {
		fc.checkBase(l.bases[id], diags)
	}
	fc.shared = map[string]*staticFile{}
	for _, f := range l.files[SharedDir] {
		fc.shared[f.name] = f
		fc.sharedNames = append(fc.sharedNames, f.name)
	}
	sort.Strings(fc.sharedNames)

	for i := range cfg.Sites {
		s := &Site{
			Site:          &cfg.Sites[i],
			serviceByBase: map[string]*Service{},
			officeBySlug:  map[string]*Office{},
			urls:          map[string]string{},
			files:         map[string]*staticFile{},
		}
		fc.sites = append(fc.sites, s)
		fc.byID[s.ID] = s
	}
	fc.origins = map[string][]*Site{}
	for _, s := range fc.sites {
		if o, err := federation.ParseOrigin(s.URL); err == nil {
			s.origin = o
			fc.origins[o] = append(fc.origins[o], s)
		}
	}
	for _, s := range fc.sites {
		fc.collectSite(s, l, diags)
	}
	for _, s := range fc.sites {
		fc.offerBases(s, cfgName, diags)
	}
	for _, s := range fc.sites {
		for _, svc := range s.Services {
			fc.linkOffice(svc, diags)
		}
		sort.Slice(s.Services, func(i, j int) bool { return s.Services[i].Slug < s.Services[j].Slug })
		for _, svc := range s.Services {
			svc.number = fc.services
			fc.services++
		}
	}
	return fc
}

func (fc *federationContent) checkBase(b *Base, diags *diag.List) {
	m := &b.serviceMatter
	if m.Base != "" {
		p := keyPos(b.src, "base")
		diags.Errorf(b.src.path, p.Line, p.Column, "invalid-key",
			"remove base: base texts cannot extend other base texts", "base text with a base")
	}
	fc.checkServiceMatter(b.src, m, baseText, diags)
}

// serviceKind is the kind of service page whose front matter
// checkServiceMatter checks.
type serviceKind int

const (
	baseText serviceKind = iota
	standalonePage
	// communePage extends a base text, so it requires no key and
	// inherits the values that the base text's check covers.
	communePage
)

// checkServiceMatter validates the front matter m of a service page of
// the given kind: for a commune page, its own keys before merging.
func (fc *federationContent) checkServiceMatter(src source, m *serviceMatter, kind serviceKind, diags *diag.List) {
	if kind != communePage {
		requireKey(src, "title", m.Title, `"..."`, diags)
		if kind == baseText {
			requireKey(src, "summary", m.Summary, `"..."`, diags)
		} else {
			// A standalone page without a summary can go online, with an
			// empty line in lists and search results. Imports of source
			// systems without descriptions give such pages, and so does
			// verbund new, for the editor to fill in.
			recommendKey(src, "summary", m.Summary, `"..."`,
				"lists and search results show no text for the page", diags)
		}
		if kind == baseText && len(m.LeiKa) == 0 {
			requireKey(src, "leika", "", `"99..."`, diags)
		}
		requireKey(src, "category", m.Category, `"<category id>"`, diags)
		requireKey(src, "tier", m.Tier, `"gemeinde" or "kreis"`, diags)
		if m.Reviewed.IsZero() {
			requireKey(src, "reviewed", "", "2026-01-31", diags)
		}
	}
	for _, k := range m.LeiKa {
		if !isLeiKaKey(k) {
			p := keyPos(src, "leika")
			diags.Errorf(src.path, p.Line, p.Column, "invalid-value",
				"a LeiKa key has 14 digits and starts with 99", "invalid LeiKa key %q", k)
		}
	}
	if m.Category != "" {
		if _, ok := fc.cfg.Category(m.Category); !ok {
			p := keyPos(src, "category")
			diags.Errorf(src.path, p.Line, p.Column, "unknown-category",
				"use one of: "+strings.Join(fc.categoryIDs(), ", "), "unknown category %q", m.Category)
		}
	}
	switch m.Tier {
	case "", TierCounty, TierLocal:
	default:
		p := keyPos(src, "tier")
		diags.Errorf(src.path, p.Line, p.Column, "invalid-value",
			`use "gemeinde" or "kreis"`, "invalid tier %q", m.Tier)
	}
	fc.checkReviewed(src, m.Reviewed, diags)
	checkLang(src, m.Lang, diags)
	for i, f := range m.Forms {
		if f.Title == "" || f.URL == "" {
			p := keyPos(src, "forms")
			diags.Errorf(src.path, p.Line, p.Column, "missing-key",
				"give every form a title and a url", "form %d lacks a title or url", i+1)
		}
	}
}

// requireKey reports the required front-matter key of src when its
// value is empty: as missing at the opening +++ line when the key is not
// written, else as empty at the key.
func requireKey(src source, key, value, example string, diags *diag.List) {
	if strings.TrimSpace(value) != "" {
		return
	}
	if len(tomlpos.Find(src.frontMatter, []string{key})) == 0 {
		diags.Errorf(src.path, 1, 1, "missing-key", "add "+key+" = "+example+" to the front matter",
			"missing required front-matter key %q", key)
		return
	}
	p := keyPos(src, key)
	diags.Errorf(src.path, p.Line, p.Column, "missing-key", "write the value: "+key+" = "+example,
		"empty value of required front-matter key %q", key)
}

// recommendKey warns when the key is missing or empty, as requireKey
// reports an error, and names what the page lacks without it.
func recommendKey(src source, key, value, example, without string, diags *diag.List) {
	if strings.TrimSpace(value) != "" {
		return
	}
	if len(tomlpos.Find(src.frontMatter, []string{key})) == 0 {
		diags.Warnf(src.path, 1, 1, "missing-key", "add "+key+" = "+example+" to the front matter",
			"no front-matter key %q: %s", key, without)
		return
	}
	p := keyPos(src, key)
	diags.Warnf(src.path, p.Line, p.Column, "missing-key", "write the value: "+key+" = "+example,
		"empty front-matter key %q: %s", key, without)
}

// checkReviewed reports a review date after the day of the build. A
// date one day ahead passes, because the editor's day may have begun
// while it is still the day before in UTC, the time of the build.
func (fc *federationContent) checkReviewed(src source, d Date, diags *diag.List) {
	if fc.today.IsZero() || !d.After(fc.today.AddDate(0, 0, 1)) {
		return
	}
	p := keyPos(src, "reviewed")
	diags.Errorf(src.path, p.Line, p.Column, "invalid-value",
		"set reviewed to the day you checked the page, today or earlier",
		"review date %s is in the future", d)
}

func (fc *federationContent) categoryIDs() []string {
	var ids []string
	for _, c := range fc.cfg.Categories {
		ids = append(ids, c.ID)
	}
	return ids
}

// register records that file produces url on site s and reports a
// collision with another file.
func (s *Site) register(url, file string, diags *diag.List) bool {
	if prev, dup := s.urls[url]; dup {
		hint := "rename one of the two files; the file name sets the page's address"
		if prev == "sites.toml" {
			hint = "rename the file: the portal makes this page itself from sites.toml"
		}
		diags.Errorf(file, 1, 1, "duplicate-url", hint,
			"page %s%s is also produced by %s", s.URL, url, prev)
		return false
	}
	s.urls[url] = file
	return true
}

// collectSite files the loaded content of site s and checks it.
func (fc *federationContent) collectSite(s *Site, l *loaded, diags *diag.List) {
	s.register("/", "sites.toml", diags)
	for _, p := range requiredPages {
		s.register("/"+p.Slug+"/", "sites.toml", diags)
	}
	for _, u := range []string{servicesPath, officesPath, categoriesPath, "/404.html",
		"/sitemap.xml", "/robots.txt", feedFile, faviconFile, headersFile, redirectsFile, "/assets/", FilesPath} {
		s.register(u, "sites.toml", diags)
	}
	if fc.indexSite() == s {
		s.register(sitemapIndexFile, "sites.toml", diags)
	}
	for _, c := range fc.cfg.Categories {
		s.register(categoriesPath+c.ID+"/", "sites.toml", diags)
	}

	files := l.files[s.ID]
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	for _, f := range files {
		if s.register(FilesPath+f.name, f.path, diags) {
			s.files[f.name] = f
			s.fileNames = append(s.fileNames, f.name)
		}
	}

	s.Start = l.starts[s.ID]
	if s.Start != nil {
		s.Start.Site = s
		s.Start.URL = "/"
		fc.checkReviewed(s.Start.src, s.Start.Reviewed, diags)
	}

	offices := l.offices[s.ID]
	sort.Slice(offices, func(i, j int) bool { return offices[i].src.path < offices[j].src.path })
	for _, o := range offices {
		o.Site = s
		o.URL = fc.pack.join(officesPath, o.Slug, "/")
		if !s.register(o.URL, o.src.path, diags) {
			continue
		}
		checkOffice(o, diags)
		s.Offices = append(s.Offices, o)
		s.officeBySlug[o.Slug] = o
	}

	pages := l.pages[s.ID]
	sort.Slice(pages, func(i, j int) bool { return pages[i].src.path < pages[j].src.path })
	for _, p := range pages {
		p.Site = s
		p.URL = fc.pack.join("/", p.Slug, "/")
		requireKey(p.src, "title", p.Title, `"..."`, diags)
		fc.checkReviewed(p.src, p.Reviewed, diags)
		checkLang(p.src, p.Lang, diags)
		if s.register(p.URL, p.src.path, diags) {
			s.Pages = append(s.Pages, p)
		}
	}

	services := l.services[s.ID]
	sort.Slice(services, func(i, j int) bool { return services[i].src.path < services[j].src.path })
	for _, svc := range services {
		svc.Site = s
		svc.URL = fc.pack.join(servicesPath, svc.Slug, "/")
		if !fc.layer(svc, diags) {
			continue
		}
		if !s.register(svc.URL, svc.src.path, diags) {
			continue
		}
		if svc.Base != nil {
			if other, dup := s.serviceByBase[svc.Base.ID]; dup {
				p := keyPos(svc.src, "base")
				diags.Errorf(svc.src.path, p.Line, p.Column, "duplicate-base",
					"keep one page per base text and site",
					"base text %q is already extended by %s", svc.Base.ID, other.src.path)
				continue
			}
			s.serviceByBase[svc.Base.ID] = svc
		}
		s.Services = append(s.Services, svc)
	}
}

// layer resolves a commune page's base text and merges the front matter.
func (fc *federationContent) layer(svc *Service, diags *diag.List) bool {
	own := svc.Matter
	if own.Base == "" {
		fc.checkServiceMatter(svc.src, &svc.Matter, standalonePage, diags)
		svc.officeSrc = &svc.src
		return true
	}
	b, ok := fc.bases[own.Base]
	if !ok && fc.failed["base "+own.Base] {
		// The base text's own errors are reported.
		return false
	}
	if !ok {
		p := keyPos(svc.src, "base")
		diags.Errorf(svc.src.path, p.Line, p.Column, "unknown-base",
			"name a file of content/_shared/services/ without .md"+suggest.Hint(own.Base, fc.baseIDs),
			"unknown base text %q", own.Base)
		return false
	}
	if b.Tier == TierCounty && svc.Site.Kind != federation.KindCounty {
		p := keyPos(svc.src, "base")
		diags.Errorf(svc.src.path, p.Line, p.Column, "county-service",
			"the county's portal publishes it and commune portals link there; remove this page or write a standalone page",
			"base text %q is delivered by the county", own.Base)
		return false
	}
	svc.Base = b
	svc.Matter = merge(b.serviceMatter, own)
	svc.Matter.Aliases = fc.pack.slice(svc.Matter.Aliases)
	svc.Matter.Keywords = fc.pack.slice(svc.Matter.Keywords)
	svc.officeSrc = &svc.src
	if own.Office == "" {
		svc.officeSrc = &b.src
	}
	fc.checkServiceMatter(svc.src, &own, communePage, diags)
	return true
}

// merge returns base overlaid with the keys own sets; keywords are
// joined without duplicates. Aliases are own's followed by base's,
// because Service.aliases splits them by that order. Their duplicates
// stay, so that the _redirects check reports them.
func merge(base, own serviceMatter) serviceMatter {
	m := base
	m.Base = own.Base
	m.Source = own.Source
	m.Aliases = append(slices.Clone(own.Aliases), base.Aliases...)
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.Title, own.Title)
	set(&m.Summary, own.Summary)
	set(&m.Category, own.Category)
	set(&m.Tier, own.Tier)
	set(&m.Office, own.Office)
	set(&m.Online, own.Online)
	set(&m.Appointment, own.Appointment)
	set(&m.Lang, own.Lang)
	if len(own.LeiKa) > 0 {
		m.LeiKa = own.LeiKa
	}
	if !own.Reviewed.IsZero() {
		m.Reviewed = own.Reviewed
	}
	if len(own.Forms) > 0 {
		m.Forms = own.Forms
	}
	m.Keywords = slices.Clone(base.Keywords)
	for _, k := range own.Keywords {
		if !slices.Contains(m.Keywords, k) {
			m.Keywords = append(m.Keywords, k)
		}
	}
	return m
}

// offerBases adds pages for the base texts a site offers without writing
// a page itself: the commune-tier texts it lists in offers, and for the
// county every county-tier text.
func (fc *federationContent) offerBases(s *Site, cfgName string, diags *diag.List) {
	if s.Office != "" && s.officeBySlug[s.Office] == nil && !fc.failed["office "+s.ID+"/"+s.Office] {
		line, col := fc.cfg.SiteKeyPos(s.ID, "office")
		diags.Errorf(cfgName, line, col, "unknown-office",
			"add the office file content/"+s.ID+"/offices/"+s.Office+".md or name an existing one",
			"site %q: office %q not found", s.ID, s.Office)
	}
	var ids []string
	if s.Kind == federation.KindCounty {
		for _, id := range fc.baseIDs {
			if fc.bases[id].Tier == TierCounty {
				ids = append(ids, id)
			}
		}
	}
	for _, o := range s.Offers {
		if o == "*" {
			for _, id := range fc.baseIDs {
				if fc.bases[id].Tier == TierLocal {
					ids = append(ids, id)
				}
			}
			continue
		}
		b, ok := fc.bases[o]
		if !ok {
			line, col := fc.cfg.SiteKeyPos(s.ID, "offers")
			diags.Errorf(cfgName, line, col, "unknown-base", "list ids of files in content/_shared/services/"+suggest.Hint(o, fc.baseIDs),
				"site %q offers unknown base text %q", s.ID, o)
			continue
		}
		if b.Tier == TierCounty && s.Kind != federation.KindCounty {
			line, col := fc.cfg.SiteKeyPos(s.ID, "offers")
			diags.Errorf(cfgName, line, col, "county-service", "remove it from offers: the county's portal publishes it",
				"site %q offers %q, which the county delivers", s.ID, o)
			continue
		}
		ids = append(ids, o)
	}
	for _, id := range ids {
		if _, has := s.serviceByBase[id]; has {
			continue
		}
		b := fc.bases[id]
		svc := fc.pack.newService()
		*svc = Service{Site: s, Slug: b.ID, URL: fc.pack.join(servicesPath, b.ID, "/"), Base: b,
			Matter: b.serviceMatter}
		svc.officeSrc = &b.src
		if b.Tier == TierLocal || b.Office == "" {
			svc.Matter.Office = s.Office
			svc.officeSrc = nil
		}
		if prev, taken := s.urls[svc.URL]; taken {
			reportOfferConflict(s, b, svc.URL, prev, diags)
			continue
		}
		s.urls[svc.URL] = fc.pack.join(b.src.path, " (offered by ", s.ID, ")")
		s.serviceByBase[id] = svc
		s.Services = append(s.Services, svc)
	}
}

// reportOfferConflict reports that the page of base text b, which site s
// offers, would have the address url, which the file prev already
// produces: a standalone service page named like the base text, or a
// page the portal makes from sites.toml.
func reportOfferConflict(s *Site, b *Base, url, prev string, diags *diag.List) {
	if prev == "sites.toml" {
		diags.Errorf(b.src.path, 1, 1, "duplicate-url", "rename the base text",
			"base text %q, which portal %q offers, has the address %s, which the portal makes from sites.toml",
			b.ID, s.ID, url)
		return
	}
	diags.Errorf(prev, 1, 1, "duplicate-url",
		fmt.Sprintf("add base = %q to extend the base text, or rename the file", b.ID),
		"standalone service page has the address %s of base text %q, which portal %q offers",
		url, b.ID, s.ID)
}

// linkOffice resolves a service's office reference.
func (fc *federationContent) linkOffice(svc *Service, diags *diag.List) {
	ref := svc.Matter.Office
	if ref == "" {
		return
	}
	site, slug := svc.Site, ref
	if id, rest, ok := strings.Cut(ref, "/"); ok {
		site, slug = fc.byID[id], rest
	}
	var o *Office
	if site != nil {
		o = site.officeBySlug[slug]
	}
	if o == nil {
		if svc.officeSrc == nil {
			// The site's office in sites.toml; offerBases reports it.
			return
		}
		if site != nil && fc.failed["office "+site.ID+"/"+slug] {
			// The office file's own errors are reported.
			return
		}
		p := keyPos(*svc.officeSrc, "office")
		diags.Errorf(svc.officeSrc.path, p.Line, p.Column, "unknown-office",
			`name an office file of the same site ("buergerbuero") or of another site ("emsland/strassenverkehrsamt")`,
			"unknown office %q", ref)
		return
	}
	svc.Office = o
	o.Services = append(o.Services, svc)
}

func checkOffice(o *Office, diags *diag.List) {
	for _, k := range []struct{ key, value string }{
		{"name", o.Name}, {"street", o.Street}, {"postal_code", o.PostalCode}, {"city", o.City},
	} {
		requireKey(o.src, k.key, k.value, `"..."`, diags)
	}
	if o.PostalCode != "" && !postalCode.MatchString(o.PostalCode) {
		p := keyPos(o.src, "postal_code")
		diags.Errorf(o.src.path, p.Line, p.Column, "invalid-value", "write five digits",
			"invalid postal code %q", o.PostalCode)
	}
	for i, h := range o.Hours {
		// Finding a key's position reads the front matter, so it waits
		// for an error.
		for _, d := range h.Days {
			if _, ok := weekdays[d]; !ok {
				p := tableKeyPos(o.src, "hours", i, "days")
				diags.Errorf(o.src.path, p.Line, p.Column, "invalid-value",
					"use mo, di, mi, do, fr, sa or so", "opening hours %d: invalid day %q", i+1, d)
			}
		}
		if len(h.Days) == 0 {
			p := tableKeyPos(o.src, "hours", i, "days")
			diags.Errorf(o.src.path, p.Line, p.Column, "missing-key", `add days = ["mo", "di"]`,
				"opening hours %d: no days", i+1)
		}
		if !timePattern.MatchString(h.Opens) || !timePattern.MatchString(h.Closes) || h.Opens >= h.Closes {
			key := "opens"
			if timePattern.MatchString(h.Opens) && !timePattern.MatchString(h.Closes) {
				key = "closes"
			}
			p := tableKeyPos(o.src, "hours", i, key)
			diags.Errorf(o.src.path, p.Line, p.Column, "invalid-value",
				`write times as "08:00" with opens before closes`,
				"opening hours %d: invalid times %q to %q", i+1, h.Opens, h.Closes)
		}
	}
}

// isLeiKaKey reports whether k has the form of a LeiKa key: 14 digits
// that start with 99. It runs for every service of every build, where a
// regular expression costs more than the loop.
func isLeiKaKey(k string) bool {
	if len(k) != 14 || !strings.HasPrefix(k, "99") {
		return false
	}
	for i := range len(k) {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}

// checkLang checks a page's language tag, which the page's html element
// declares for screen readers and translation tools.
func checkLang(src source, lang string, diags *diag.List) {
	if lang != "" && !langPattern.MatchString(lang) {
		p := keyPos(src, "lang")
		diags.Errorf(src.path, p.Line, p.Column, "invalid-value",
			`write a BCP 47 language tag such as "en", "tr" or "de-x-ls" for Leichte Sprache`,
			"invalid language %q", lang)
	}
}
