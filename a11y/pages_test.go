package a11y

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/verbund/verbund/federation"
)

// auditPage is one page the browser tests visit.
type auditPage struct {
	// Site is the ID of the portal the page belongs to.
	Site string
	// Kind names the page type, such as "start" or "office".
	Kind string
	// URL is the page's public address. The tab routes it to the
	// loopback server of its origin.
	URL string
}

func (p auditPage) String() string { return p.Site + "/" + p.Kind + " " + p.URL }

// pageLists are the sources of the pages the audit visits. To audit
// pages of another part of the product that need no login, add its list
// here. The account service's pages need a session, so
// TestAxeAccountPages audits them.
var pageLists = []func(*suite) ([]auditPage, error){
	portalPages,
	searchPages,
}

// requiredPages are the pages every portal must publish by law.
var requiredPages = []string{"impressum", "datenschutz", "barrierefreiheit", "leichte-sprache", "gebaerdensprache"}

// Page kinds of a service page.
const (
	kindExtendingService  = "service extending a base text"
	kindStandaloneService = "standalone service"
	kindGeneratedService  = "generated service"
	kindCountyService     = "county service"
)

// allPages collects the pages of every list.
func (s *suite) allPages() ([]auditPage, error) {
	var pages []auditPage
	for _, list := range pageLists {
		ps, err := list(s)
		if err != nil {
			return nil, err
		}
		pages = append(pages, ps...)
	}
	return pages, nil
}

// portalPages returns one page of each type of every portal: start,
// category, A-Z list, each kind of service page the portal has, office
// list and office, free page, the required pages and the 404 page.
func portalPages(s *suite) ([]auditPage, error) {
	var pages []auditPage
	for i := range s.cfg.Sites {
		ps, err := s.sitePages(&s.cfg.Sites[i])
		if err != nil {
			return nil, err
		}
		pages = append(pages, ps...)
	}
	return pages, nil
}

func (s *suite) sitePages(site *federation.Site) ([]auditPage, error) {
	out := filepath.Join(s.public, site.ID)
	add := func(pages []auditPage, kind, p string) []auditPage {
		return append(pages, auditPage{Site: site.ID, Kind: kind, URL: site.URL + p})
	}
	pages := add(nil, "start", "/")

	category, err := largestPage(out, "themen")
	if err != nil {
		return nil, err
	}
	pages = add(pages, "category", category)
	pages = add(pages, "A-Z list", "/leistungen/")

	services, err := s.servicePages(site)
	if err != nil {
		return nil, err
	}
	pages = append(pages, services...)

	pages = add(pages, "office list", "/dienststellen/")
	office, err := largestPage(out, "dienststellen")
	if err != nil {
		return nil, err
	}
	pages = add(pages, "office", office)

	free, err := contentSlugs(filepath.Join(s.cfg.ContentDir, site.ID, "pages"))
	if err != nil {
		return nil, err
	}
	if len(free) > 0 {
		pages = add(pages, "free page", "/"+free[0].slug+"/")
	}
	for _, slug := range requiredPages {
		pages = add(pages, slug, "/"+slug+"/")
	}
	return add(pages, "404", "/diese-seite-gibt-es-nicht/"), nil
}

// servicePages returns the first service page of each kind the portal
// has. A page that the commune wrote either extends a base text or is
// standalone. A page without a content file of the site's own is
// generated from a base text the site offers, or, on the county's
// portal, is a service the county delivers.
func (s *suite) servicePages(site *federation.Site) ([]auditPage, error) {
	own, err := contentSlugs(filepath.Join(s.cfg.ContentDir, site.ID, "services"))
	if err != nil {
		return nil, err
	}
	first := map[string]string{}
	written := map[string]bool{}
	for _, c := range own {
		written[c.slug] = true
		kind := kindStandaloneService
		if c.extends {
			kind = kindExtendingService
		}
		if first[kind] == "" {
			first[kind] = c.slug
		}
	}
	generated := kindGeneratedService
	if site.Kind == federation.KindCounty {
		generated = kindCountyService
	}
	rendered, err := subfolders(filepath.Join(s.public, site.ID, "leistungen"))
	if err != nil {
		return nil, err
	}
	for _, slug := range rendered {
		if !written[slug] && first[generated] == "" {
			first[generated] = slug
		}
	}

	var pages []auditPage
	for _, kind := range []string{kindExtendingService, kindStandaloneService, generated} {
		slug := first[kind]
		if slug == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.public, site.ID, "leistungen", slug, "index.html")); err != nil {
			return nil, fmt.Errorf("site %s: the %s %s has no page /leistungen/%s/: %w", site.ID, kind, slug, slug, err)
		}
		pages = append(pages, auditPage{Site: site.ID, Kind: kind, URL: site.URL + "/leistungen/" + slug + "/"})
	}
	return pages, nil
}

// searchPages returns results pages of the search endpoint. A query with
// hits is shown in the layout of the first portal of each kind, because
// the layouts differ only in what the other pages of the audit show too.
// The first portal also gets a query without hits, a query narrowed to
// one commune and a rejected query.
func searchPages(s *suite) ([]auditPage, error) {
	if s.cfg.Search.URL == "" {
		return nil, nil
	}
	base := strings.TrimSuffix(s.cfg.Search.URL, "/") + "/suche?"
	var pages []auditPage
	kinds := map[string]bool{}
	for _, site := range s.cfg.Sites {
		if kinds[site.Kind] {
			continue
		}
		kinds[site.Kind] = true
		q := url.Values{"q": {"Hundesteuer"}, "site": {site.ID}}
		pages = append(pages, auditPage{Site: site.ID, Kind: "search results", URL: base + q.Encode()})
	}
	first := s.cfg.Sites[0].ID
	extra := []struct {
		kind  string
		query url.Values
	}{
		{"search without results", url.Values{"q": {"Zzyzxwvut"}, "site": {first}}},
		{"search narrowed to a commune", url.Values{"q": {"Ausweis"}, "site": {first}, "commune": {s.cfg.Sites[1].ID}}},
		{"rejected search", url.Values{"q": {strings.Repeat("Hund ", 100)}, "site": {first}}},
	}
	for _, e := range extra {
		pages = append(pages, auditPage{Site: first, Kind: e.kind, URL: base + e.query.Encode()})
	}
	return pages, nil
}

// contentFile is a Markdown file of a site's content folder.
type contentFile struct {
	slug    string
	extends bool
}

// contentSlugs lists the Markdown files of dir, sorted, with whether
// each extends a base text. A missing dir has none.
func contentSlugs(dir string) ([]contentFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing content: %w", err)
	}
	var files []contentFile
	for _, e := range entries {
		slug, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok || e.IsDir() {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading content: %w", err)
		}
		files = append(files, contentFile{slug: slug, extends: extendsBase(src)})
	}
	return files, nil
}

// extendsBase reports whether the TOML front matter of a content file
// sets the key base.
func extendsBase(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	fences := 0
	for sc.Scan() && fences < 2 {
		line := strings.TrimSpace(sc.Text())
		if line == "+++" {
			fences++
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if fences == 1 && ok && strings.TrimSpace(key) == "base" {
			return true
		}
	}
	return false
}

// subfolders lists the names of the folders in dir, sorted.
func subfolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing output: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// largestPage returns the path of the largest page in a section of a
// portal's output, such as the category with the most services, so the
// audit covers the most markup of that page type.
func largestPage(out, section string) (string, error) {
	names, err := subfolders(filepath.Join(out, section))
	if err != nil {
		return "", err
	}
	best, bestSize := "", int64(-1)
	for _, name := range names {
		info, err := os.Stat(filepath.Join(out, section, name, "index.html"))
		if err != nil {
			continue
		}
		if info.Size() > bestSize {
			best, bestSize = name, info.Size()
		}
	}
	if best == "" {
		return "", fmt.Errorf("%s has no pages in %s", out, section)
	}
	return path.Join("/", section, best) + "/", nil
}
