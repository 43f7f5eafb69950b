package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/publish"
)

// Files for CDNs that read the Netlify and Cloudflare Pages conventions.
const (
	headersFile   = "/_headers"
	redirectsFile = "/_redirects"
	feedFile      = "/feed.xml"
)

// faviconFile is the icon that browsers request when a page links none,
// and that other clients, such as feed readers, request without reading
// a page.
const faviconFile = "/favicon.ico"

// sitemapIndexFile lists the sitemaps of every portal. Only the portal
// that indexSite returns publishes it.
const sitemapIndexFile = "/sitemap-index.xml"

// Caching: fingerprinted assets never change under their name; HTML and
// other files are revalidated after a few minutes.
const (
	immutableCache = "public, max-age=31536000, immutable"
	shortCache     = "public, max-age=300, must-revalidate"
)

// contentSecurityPolicy returns the policy the default theme satisfies:
// scripts and styles only from the portal itself, suggestions fetched
// from the search endpoint, forms sent to the search endpoint.
func (r *pageRenderer) contentSecurityPolicy() string {
	connect := "'self'"
	form := "'self'"
	// The loader rejects a search url that names no origin, and an empty
	// one means no search box.
	if u, err := federation.ParseOrigin(r.fc.cfg.Search.URL); err == nil {
		connect += " " + u
		form += " " + u
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self'",
		"connect-src " + connect,
		"form-action " + form,
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
}

// headers returns the _headers file of site s. Netlify and Cloudflare
// Pages join the headers of every rule that matches a path, so caching
// and the Content-Security-Policy are set on disjoint rules: assets,
// files, and each top-level path. The pages' policy would otherwise join
// the policy of SVG files, and browsers enforce both, which blocks the
// inline styles of an SVG file.
//
// NOTE: no rule gives the pages' Content-Security-Policy to a path that
// the portal lacks, whose response is 404.html. The page is static, and
// the headers of the "/*" rule, X-Frame-Options included, still apply.
func (r *pageRenderer) headers(s *Site, diags *diag.List) []byte {
	var b strings.Builder
	rules := 0
	rule := func(pattern string, headers ...[2]string) {
		rules++
		b.WriteString(pattern + "\n")
		for _, h := range headers {
			fmt.Fprintf(&b, "  %s: %s\n", h[0], h[1])
		}
	}
	rule("/*",
		[2]string{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
		[2]string{"X-Content-Type-Options", "nosniff"},
		[2]string{"Referrer-Policy", "strict-origin-when-cross-origin"},
		[2]string{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
		[2]string{"X-Frame-Options", "DENY"})
	pagePolicy := [2]string{"Content-Security-Policy", r.contentSecurityPolicy()}
	rule("/assets/*", [2]string{"Cache-Control", immutableCache}, pagePolicy)
	rule(FilesPath+"*", [2]string{"Cache-Control", filesCache})
	rule(FilesPath+"*.svg", [2]string{"Content-Security-Policy", svgPolicy})

	tops := map[string]bool{}
	for u := range s.urls {
		if strings.HasPrefix(u, "/assets/") || strings.HasPrefix(u, FilesPath) || strings.HasPrefix(u, "/_") {
			continue
		}
		top := "/"
		if rest := strings.TrimPrefix(u, "/"); rest != "" {
			first, _, nested := strings.Cut(rest, "/")
			top = "/" + first
			if nested {
				top += "/*"
			}
		}
		tops[top] = true
	}
	var paths []string
	for p := range tops {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		rule(p, [2]string{"Cache-Control", shortCache}, pagePolicy)
	}
	if rules > maxHeaderRules {
		line, col := r.fc.cfg.SiteKeyPos(s.ID, "url")
		diags.Warnf(r.fc.cfg.FileName(), line, col, "header-rules",
			"on Cloudflare Pages, set the caching and security headers of the portal's pages in its "+
				"dashboard instead; other hosts that read _headers document no such limit",
			"portal %q: _headers has %d rules, one for each top-level path of its pages, "+
				"and Cloudflare Pages allows %d per project", s.ID, rules, maxHeaderRules)
	}
	return []byte(b.String())
}

// maxHeaderRules is the number of rules of a _headers file that
// Cloudflare Pages documents as its limit per project
// (developers.cloudflare.com/pages/configuration/headers/).
const maxHeaderRules = 100

// maxRedirectRule is the maximum length in bytes of a line of
// _redirects: Cloudflare Pages documents a limit of 1,000 characters per
// redirect declaration (developers.cloudflare.com/pages/configuration/redirects/).
// Canonical aliases are ASCII, so their characters are bytes.
const maxRedirectRule = 1000

// redirectRule is one line of _redirects.
type redirectRule struct {
	// from is the alias in its canonical, percent-encoded form, and
	// written is the alias as the front matter gives it.
	from, written, to string
	// src is the file whose front matter gives the alias, and index is
	// the alias's position in its aliases array.
	src   source
	index int
	// inherited is set for an alias of a base text on a page that
	// extends it.
	inherited bool
}

// redirects returns the _redirects file of site s: a permanent redirect
// from every alias of a moved page to its current URL. A service page
// has the aliases of its own file and those of its base text.
func (r *pageRenderer) redirects(s *Site, diags *diag.List) []byte {
	var rules []redirectRule
	add := func(src source, aliases []string, to string, inherited bool) {
		for i, a := range aliases {
			from, problem := canonicalAlias(a)
			if problem == nil {
				problem = ruleLengthProblem(from, to)
			}
			if problem != nil {
				p := elementPos(src, "aliases", i)
				diags.Errorf(src.path, p.Line, p.Column, "invalid-value", problem.hint,
					"invalid alias %q: %s", a, problem.message)
				continue
			}
			if problem := s.aliasConflict(from); problem != nil {
				p := elementPos(src, "aliases", i)
				diags.Errorf(src.path, p.Line, p.Column, "duplicate-url", problem.hint,
					"alias %s %s", describeAlias(a, from), problem.message)
				continue
			}
			rules = append(rules, redirectRule{from: from, written: a, to: to,
				src: src, index: i, inherited: inherited})
		}
	}
	s.eachAliasList(add)
	sort.Slice(rules, func(i, j int) bool {
		if rules[i].from != rules[j].from {
			return rules[i].from < rules[j].from
		}
		if rules[i].src.path != rules[j].src.path {
			return rules[i].src.path < rules[j].src.path
		}
		return rules[i].index < rules[j].index
	})
	var b strings.Builder
	// first is the index of the first rule with the alias of rules[i].
	first := 0
	for i, rl := range rules {
		if i == 0 || rules[first].from != rl.from {
			first = i
			fmt.Fprintf(&b, "%s %s 301\n", rl.from, rl.to)
			continue
		}
		reportDuplicateAlias(rules[first], rl, diags)
	}
	return []byte(b.String())
}

// aliasConflict returns a problem when the canonical alias from names
// a page or file that the build writes for site s, or a page's address
// without its final slash. Netlify serves an existing file instead of
// such a rule, Cloudflare Pages documents that it redirects anyway,
// hiding the file, and an upload that makes an object of each rule, as
// on S3, overwrites it.
func (s *Site) aliasConflict(from string) *aliasProblem {
	if owner, taken := s.urls[from]; taken {
		if owner == "sites.toml" {
			return &aliasProblem{"is an address of a page or file that the build makes itself", "remove the alias"}
		}
		return &aliasProblem{"is the page of " + owner, "remove the alias or the other page"}
	}
	if strings.HasPrefix(from, "/assets/") {
		return &aliasProblem{"lies in /assets/, where the build writes the theme's files", "remove the alias"}
	}
	if dir, ok := strings.CutSuffix(from, "/index.html"); ok {
		if _, taken := s.urls[dir+"/"]; taken {
			return &aliasProblem{"is the file of the page " + dir + "/",
				"remove the alias: the build writes the page to that file"}
		}
	}
	if !strings.HasSuffix(from, "/") {
		if _, taken := s.urls[from+"/"]; taken {
			return &aliasProblem{"is the address " + from + "/ without its final /",
				"remove the alias: hosts send that address to the page already"}
		}
	}
	return nil
}

// eachAliasList calls f with each list of aliases that the pages of s
// give, the file that gives it, and the URL of the page. A service page
// gives its own aliases and those it inherits from its base text, as
// two lists.
func (s *Site) eachAliasList(f func(src source, aliases []string, to string, inherited bool)) {
	for _, svc := range s.Services {
		own, inherited := svc.aliases()
		if svc.src.path != "" {
			f(svc.src, own, svc.URL, false)
		}
		if svc.Base != nil {
			f(svc.Base.src, inherited, svc.URL, true)
		}
	}
	for _, o := range s.Offices {
		f(o.src, o.Aliases, o.URL, false)
	}
	for _, p := range s.Pages {
		f(p.src, p.Aliases, p.URL, false)
	}
	if s.Start != nil {
		f(s.Start.src, s.Start.Aliases, s.Start.URL, false)
	}
}

// aliases splits the aliases of a service page into those of its own
// file and those it inherits from its base text. merge puts the page's
// own aliases first.
func (svc *Service) aliases() (own, inherited []string) {
	all := svc.Matter.Aliases
	if svc.Base == nil {
		return all, nil
	}
	n := len(all) - len(svc.Base.Aliases)
	return all[:n], all[n:]
}

// reportDuplicateAlias reports rule dup, which redirects the same path as
// the earlier rule first.
func reportDuplicateAlias(first, dup redirectRule, diags *diag.List) {
	p := elementPos(dup.src, "aliases", dup.index)
	alias := describeAlias(dup.written, dup.from)
	switch {
	case first.src.path == dup.src.path:
		diags.Errorf(dup.src.path, p.Line, p.Column, "duplicate-url", "give the alias once",
			"alias %s is given twice", alias)
	case first.inherited != dup.inherited:
		diags.Errorf(dup.src.path, p.Line, p.Column, "duplicate-url",
			"remove the alias from the commune page: it inherits the aliases of its base text",
			"alias %s is also given by %s", alias, first.src.path)
	default:
		diags.Errorf(dup.src.path, p.Line, p.Column, "duplicate-url", "keep the alias on one page",
			"alias %s is also given by %s", alias, first.src.path)
	}
}

// describeAlias returns the alias as written for a message, followed by
// its canonical form when that differs.
func describeAlias(written, canonical string) string {
	if written == canonical {
		return fmt.Sprintf("%q", written)
	}
	return fmt.Sprintf("%q (%s)", written, canonical)
}

// ruleLengthProblem returns a problem when the _redirects rule that
// redirects the canonical alias from to the URL to is longer than
// maxRedirectRule.
func ruleLengthProblem(from, to string) *aliasProblem {
	line := from + " " + to + " 301"
	if len(line) <= maxRedirectRule {
		return nil
	}
	return &aliasProblem{
		fmt.Sprintf("its _redirects rule would have %d bytes, more than the %d that Cloudflare Pages accepts",
			len(line), maxRedirectRule),
		"shorten the alias or remove it",
	}
}

// aliasProblem is the error message about an invalid alias and its hint.
type aliasProblem struct {
	message, hint string
}

// canonicalAlias returns alias in the form that browsers request, which
// _redirects gets. The text is normalized to NFC. Every byte outside
// ASCII and every ASCII character that browsers percent-encode in a path
// becomes %XX with upper-case hex digits. Percent-escapes of letters,
// digits, '-', '.', '_' and '~' are decoded (RFC 3986, section 6.2.2).
// Two spellings of the same path so give the same rule. canonicalAlias
// returns a problem for an alias that no rule could match or that would
// break the file.
//
// NOTE: Netlify's documentation requires special characters in paths
// percent-encoded; how Cloudflare Pages compares encoded paths is not
// documented, and neither CDN was tried with these rules.
func canonicalAlias(alias string) (string, *aliasProblem) {
	alias = norm.NFC.String(alias)
	if !strings.HasPrefix(alias, "/") {
		return "", &aliasProblem{"the path does not start with /",
			"write the earlier path root-relative, such as /buergerservice/ausweis/"}
	}
	if p := aliasCharProblem(alias); p != nil {
		return "", p
	}
	if strings.HasPrefix(alias, "//") {
		return "", &aliasProblem{"browsers read a path that starts with // as the address of another host",
			"start the path with a single /"}
	}
	var b strings.Builder
	for i := 0; i < len(alias); i++ {
		c := alias[i]
		switch {
		case c == '%':
			if i+2 >= len(alias) || !isHex(alias[i+1]) || !isHex(alias[i+2]) {
				return "", &aliasProblem{"% is not followed by two hexadecimal digits",
					"write % itself as %25"}
			}
			v := unhex(alias[i+1])<<4 | unhex(alias[i+2])
			if v < 0x20 || v == 0x7f {
				return "", &aliasProblem{fmt.Sprintf("%s encodes the control character U+%04X", alias[i:i+3], v),
					"remove the escape"}
			}
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				fmt.Fprintf(&b, "%%%02X", v)
			}
			i += 2
		case c >= 0x80 || strings.IndexByte("\"<>`{}", c) >= 0:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	canonical := b.String()
	for _, seg := range strings.Split(canonical, "/") {
		if seg == "." || seg == ".." {
			return "", &aliasProblem{fmt.Sprintf("the path contains the segment %q, which browsers resolve before they send the request", seg),
				"write the path as the browser requests it, without . and .. segments"}
		}
	}
	return canonical, nil
}

// aliasCharProblem returns a problem for the first character of alias
// that a rule of _redirects cannot contain or never matches.
func aliasCharProblem(alias string) *aliasProblem {
	if !utf8.ValidString(alias) {
		return &aliasProblem{"the path is not valid UTF-8", "retype the alias"}
	}
	for i, c := range []rune(alias) {
		at := fmt.Sprintf("character %d", i+1)
		switch {
		case unicode.IsSpace(c) || !unicode.IsGraphic(c):
			return &aliasProblem{
				fmt.Sprintf("%s is U+%04X, a space, control or invisible character", at, c),
				"remove it; if the earlier path contains it, write it percent-encoded, such as %20 for a space"}
		case c == '?':
			return &aliasProblem{at + " starts a query string, which no rule matches",
				"remove the part from ? on"}
		case c == '#':
			return &aliasProblem{at + " starts a fragment, which browsers do not send",
				"remove the part from # on"}
		case c == '*' || c == ':':
			return &aliasProblem{fmt.Sprintf("%s is %q, which _redirects reads as a splat or placeholder", at, c),
				"remove the character"}
		case c == '\\':
			return &aliasProblem{at + ` is \, which browsers read as /`,
				"write / between the segments of the path"}
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// isUnreserved reports whether c is an unreserved character of RFC 3986.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// feed returns the Atom feed of a portal's services, newest review first.
// Dates come from the content's review dates, so an unchanged portal
// gives the same feed in every build.
func (r *pageRenderer) feed(s *Site) []byte {
	services := append([]*Service(nil), s.Services...)
	sort.SliceStable(services, func(i, j int) bool {
		a, b := services[i].Matter.Reviewed.Time, services[j].Matter.Reviewed.Time
		if !a.Equal(b) {
			return a.After(b)
		}
		return services[i].URL < services[j].URL
	})
	if len(services) > 50 {
		services = services[:50]
	}
	updated := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(services) > 0 {
		updated = services[0].Matter.Reviewed.Time
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="` + xmlEscape(r.fc.cfg.Language) + `">` + "\n")
	fmt.Fprintf(&b, "<title>%s: neue und geänderte Leistungen</title>\n", xmlEscape(s.Name))
	fmt.Fprintf(&b, "<id>%s</id>\n", xmlEscape(absolute(s.Site, feedFile)))
	fmt.Fprintf(&b, `<link rel="self" href="%s"/>`+"\n", xmlEscape(absolute(s.Site, feedFile)))
	fmt.Fprintf(&b, `<link rel="alternate" type="text/html" href="%s"/>`+"\n", xmlEscape(absolute(s.Site, "/")))
	fmt.Fprintf(&b, "<updated>%s</updated>\n", updated.Format(time.RFC3339))
	fmt.Fprintf(&b, "<author><name>%s</name></author>\n", xmlEscape(s.Legal.Name))
	for _, svc := range services {
		u := absolute(s.Site, svc.URL)
		b.WriteString("<entry>\n")
		fmt.Fprintf(&b, "<title>%s</title>\n", xmlEscape(svc.Matter.Title))
		fmt.Fprintf(&b, "<id>%s</id>\n", xmlEscape(u))
		fmt.Fprintf(&b, `<link rel="alternate" type="text/html" href="%s"/>`+"\n", xmlEscape(u))
		fmt.Fprintf(&b, "<updated>%s</updated>\n", svc.Matter.Reviewed.Format(time.RFC3339))
		if svc.Matter.Summary != "" {
			fmt.Fprintf(&b, "<summary>%s</summary>\n", xmlEscape(svc.Matter.Summary))
		}
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
	return []byte(b.String())
}

// sitemapIndex lists the sitemaps of every portal. It is published on
// the county's portal, or the first portal without a county.
func (r *pageRenderer) sitemapIndex() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, s := range r.fc.sites {
		fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>\n", xmlEscape(absolute(s.Site, "/sitemap.xml")))
	}
	b.WriteString("</sitemapindex>\n")
	return []byte(b.String())
}

// indexSite returns the site that publishes the sitemap index.
func (r *pageRenderer) indexSite() *Site {
	return r.fc.indexSite()
}

// indexSite returns the site that publishes the sitemap index: the
// county's portal, or the first portal without a county.
func (fc *federationContent) indexSite() *Site {
	if c := fc.county(); c != nil {
		return c
	}
	return fc.sites[0]
}

func hashEntry(data []byte) publish.Entry {
	sum := sha256.Sum256(data)
	return publish.Entry{Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}
