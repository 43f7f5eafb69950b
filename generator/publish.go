package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/publish"
)

// Files for CDNs that read the Netlify and Cloudflare Pages conventions.
const (
	headersFile   = "/_headers"
	redirectsFile = "/_redirects"
	feedFile      = "/feed.xml"
)

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
	if u := origin(r.fc.cfg.Search.URL); u != "" {
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

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// headers returns the _headers file of site s. Netlify and Cloudflare
// Pages join the headers of every rule that matches a path, so caching
// is set on disjoint rules: assets, and each top-level path.
func (r *pageRenderer) headers(s *Site) []byte {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, h := range [][2]string{
		{"Content-Security-Policy", r.contentSecurityPolicy()},
		{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
		{"X-Frame-Options", "DENY"},
	} {
		fmt.Fprintf(&b, "  %s: %s\n", h[0], h[1])
	}
	b.WriteString("/assets/*\n  Cache-Control: " + immutableCache + "\n")

	tops := map[string]bool{}
	for u := range s.urls {
		if strings.HasPrefix(u, "/assets/") || strings.HasPrefix(u, "/_") {
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
		b.WriteString(p + "\n  Cache-Control: " + shortCache + "\n")
	}
	return []byte(b.String())
}

// redirects returns the _redirects file of site s: a permanent redirect
// from every alias of a moved page to its current URL.
func (r *pageRenderer) redirects(s *Site, diags *diag.List) []byte {
	type rule struct {
		from, to string
		// src is the file whose front matter gives the alias.
		src source
	}
	var rules []rule
	add := func(src source, aliases []string, to string) {
		for _, a := range aliases {
			if !strings.HasPrefix(a, "/") || strings.ContainsAny(a, " \t\n*:") {
				p := keyPos(src, "aliases")
				diags.Errorf(src.path, p.Line, p.Column, "invalid-value",
					"write the earlier path root-relative, such as /buergerservice/ausweis/",
					"invalid alias %q", a)
				continue
			}
			if owner, taken := s.urls[a]; taken {
				p := keyPos(src, "aliases")
				diags.Errorf(src.path, p.Line, p.Column, "duplicate-url",
					"remove the alias or the other page", "alias %q is the page of %s", a, owner)
				continue
			}
			rules = append(rules, rule{from: a, to: to, src: src})
		}
	}
	for _, svc := range s.Services {
		if svc.src.path != "" {
			add(svc.src, svc.Matter.Aliases, svc.URL)
		}
	}
	for _, o := range s.Offices {
		add(o.src, o.Aliases, o.URL)
	}
	for _, p := range s.Pages {
		add(p.src, p.Aliases, p.URL)
	}
	sort.Slice(rules, func(i, j int) bool {
		if rules[i].from != rules[j].from {
			return rules[i].from < rules[j].from
		}
		return rules[i].src.path < rules[j].src.path
	})
	var b strings.Builder
	// first is the index of the first rule with the alias of rules[i].
	first := 0
	for i, rl := range rules {
		if i == 0 || rules[first].from != rl.from {
			first = i
		} else {
			p := keyPos(rl.src, "aliases")
			if other := rules[first].src.path; other != rl.src.path {
				diags.Errorf(rl.src.path, p.Line, p.Column, "duplicate-url", "keep the alias on one page",
					"alias %q is also given by %s", rl.from, other)
			} else {
				diags.Errorf(rl.src.path, p.Line, p.Column, "duplicate-url", "give the alias once",
					"alias %q is given twice", rl.from)
			}
			continue
		}
		fmt.Fprintf(&b, "%s %s 301\n", rl.from, rl.to)
	}
	return []byte(b.String())
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
	if c := r.fc.county(); c != nil {
		return c
	}
	return r.fc.sites[0]
}

func hashEntry(data []byte) publish.Entry {
	sum := sha256.Sum256(data)
	return publish.Entry{Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}
