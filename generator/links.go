package generator

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"

	"github.com/verbund/verbund/diag"
)

// resolver returns the link resolver for pages of site s.
func (fc *federationContent) resolver(s *Site) linkResolver {
	return func(dest string) (string, error) {
		switch {
		case dest == "" || strings.HasPrefix(dest, "#"):
			return dest, nil
		case strings.HasPrefix(dest, "leistung:"):
			return fc.serviceLink(s, strings.TrimPrefix(dest, "leistung:"))
		case strings.HasPrefix(dest, "//"):
			return dest, nil
		case strings.HasPrefix(dest, "/"):
			if err := s.checkPath(dest); err != nil {
				return dest, err
			}
			return dest, nil
		}
		u, err := url.Parse(dest)
		if err != nil {
			return dest, fmt.Errorf("invalid link %q: %v", dest, err)
		}
		switch u.Scheme {
		case "http", "https", "mailto", "tel":
			return dest, nil
		case "":
			return dest, fmt.Errorf("relative link %q: write a root-relative path such as /leistungen/reisepass/", dest)
		}
		other, ok := fc.byID[u.Scheme]
		if !ok {
			return dest, fmt.Errorf("link %q names no site and no known scheme", dest)
		}
		path := u.Opaque
		if path == "" {
			path = u.EscapedPath()
		}
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
		if u.Fragment != "" {
			path += "#" + u.EscapedFragment()
		}
		if !strings.HasPrefix(path, "/") {
			return dest, fmt.Errorf("link %q: write the path after the site id with a leading slash", dest)
		}
		if err := other.checkPath(path); err != nil {
			return dest, err
		}
		return absolute(other.Site, path), nil
	}
}

// checkPath reports whether a root-relative path, with an optional query
// or fragment, names a page of s.
func (s *Site) checkPath(p string) error {
	path, _, _ := strings.Cut(p, "#")
	path, _, _ = strings.Cut(path, "?")
	if unescaped, err := url.PathUnescape(path); err == nil {
		path = unescaped
	}
	if _, ok := s.urls[path]; ok {
		return nil
	}
	if _, ok := s.urls[path+"/"]; ok {
		return nil
	}
	return fmt.Errorf("broken link %q: portal %q has no page %s", p, s.ID, path)
}

// serviceLink resolves leistung:<base id> on site s: to s's own page for
// the service, else to the page of the county when it delivers it.
func (fc *federationContent) serviceLink(s *Site, id string) (string, error) {
	b, ok := fc.bases[id]
	if !ok {
		return "", fmt.Errorf("link to unknown base text %q%s", id, closest(id, fc.baseIDs))
	}
	if svc, ok := s.serviceByBase[id]; ok {
		return svc.URL, nil
	}
	if b.Tier == TierCounty {
		if county := fc.county(); county != nil {
			if svc, ok := county.serviceByBase[id]; ok {
				return absolute(county.Site, svc.URL), nil
			}
		}
	}
	for p := fc.byID[s.Parent]; p != nil; p = fc.byID[p.Parent] {
		if svc, ok := p.serviceByBase[id]; ok {
			return absolute(p.Site, svc.URL), nil
		}
	}
	return "", fmt.Errorf("link to service %q, which portal %q does not offer; add it to the site's offers", id, s.ID)
}

func (fc *federationContent) county() *Site {
	for _, s := range fc.sites {
		if s.Kind == "kreis" {
			return s
		}
	}
	return nil
}

// checkMatterURL checks a link written in front matter, such as a form's
// url: a link to a portal of the federation must name one of its pages,
// and only http, https and mailto links and the Markdown link forms are
// accepted. It returns the URL to publish.
func (fc *federationContent) checkMatterURL(s *Site, src source, key, raw string, diags *diag.List) string {
	report := func(err error) {
		p := keyPos(src, key)
		diags.Errorf(src.path, p.Line, p.Column, "broken-link", linkHint, "%s: %v", key, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		report(fmt.Errorf("invalid link %q", raw))
		return raw
	}
	switch u.Scheme {
	case "http", "https":
		for _, other := range fc.sites {
			if origin(other.URL) == u.Scheme+"://"+u.Host {
				if err := other.checkPath(cmp.Or(u.EscapedPath(), "/")); err != nil {
					report(err)
				}
			}
		}
		return raw
	case "mailto":
		return raw
	}
	resolved, err := fc.resolver(s)(raw)
	if err != nil {
		report(err)
	}
	return resolved
}
