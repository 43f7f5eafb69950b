package generator

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
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
		return "", fmt.Errorf("link to unknown base text %q%s", id, suggest.Hint(id, fc.baseIDs))
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

// matterURL checks a link written in front matter, such as a form's
// url: a link to a portal of the federation must name one of its pages,
// and only http, https and mailto links and the Markdown link forms are
// accepted. It returns the URL to publish.
func (fc *federationContent) matterURL(s *Site, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, fmt.Errorf("invalid link %q", raw)
	}
	switch u.Scheme {
	case "http", "https":
		for _, other := range fc.portalsAt(u) {
			if err := other.checkPath(cmp.Or(u.EscapedPath(), "/")); err != nil {
				return raw, err
			}
		}
		return raw, nil
	case "mailto":
		return raw, nil
	}
	return fc.resolver(s)(raw)
}

// sameOnEveryPortal reports whether matterURL returns raw as it is for
// every portal without asking the portal's resolver: a web or mailto
// address.
func sameOnEveryPortal(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto")
}

// fixedMatterURL reports whether a front-matter link is checked the same
// way whatever the content: a mailto link, or a web address outside the
// federation's portals.
func (fc *federationContent) fixedMatterURL(raw string) bool {
	if strings.HasPrefix(raw, "mailto:") {
		return true
	}
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return len(fc.portalsAt(u)) == 0
}

// portalsAt returns the portals on the origin of u, an absolute URL.
func (fc *federationContent) portalsAt(u *url.URL) []*Site {
	origin, err := federation.URLOrigin(u)
	if err != nil {
		return nil
	}
	return fc.origins[origin]
}

// checkMatterURL checks the front-matter link raw under key of src with
// matterURL for job j, reports an error at the key and records the
// result. It returns the URL to publish.
func (r *pageRenderer) checkMatterURL(j *job, s *Site, src source, key, raw string) string {
	u, err := r.fc.matterURL(s, raw)
	if r.probes && (err != nil || !r.fc.fixedMatterURL(raw)) {
		j.probes = append(j.probes, probe{kind: probeMatter, site: s.ID, dest: raw, result: probeResult(u, err)})
	}
	if err != nil {
		p := keyPos(src, key)
		j.diags.Errorf(src.path, p.Line, p.Column, "broken-link", linkHint, "%s: %v", key, err)
	}
	return u
}
