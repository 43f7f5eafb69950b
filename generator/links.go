package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/internal/tomlpos"
)

// resolver returns the link resolver for pages of site s.
func (fc *federationContent) resolver(s *Site) linkResolver {
	return func(dest string, image bool) (string, error) {
		if image {
			return fc.resolveImage(s, dest)
		}
		switch {
		case dest == "" || strings.HasPrefix(dest, "#"):
			return dest, nil
		case strings.HasPrefix(dest, "leistung:"):
			return fc.serviceLink(s, strings.TrimPrefix(dest, "leistung:"))
		case strings.HasPrefix(dest, "//"):
			return dest, nil
		case strings.HasPrefix(dest, "/"):
			if err := fc.checkPath(s, s, dest, false); err != nil {
				return dest, err
			}
			return dest, nil
		}
		u, err := url.Parse(dest)
		if err != nil {
			return dest, fmt.Errorf("invalid link %q: %v", dest, err)
		}
		switch u.Scheme {
		case "http", "https":
			// A link to a file of a portal of the federation is checked
			// like a path of the portal. Other web addresses are not.
			if err := fc.checkPortalFile(s, u); err != nil {
				return dest, err
			}
			return dest, nil
		case "mailto", "tel":
			return dest, nil
		case "":
			return dest, fmt.Errorf("relative link %q: write a root-relative path such as /leistungen/reisepass/", dest)
		}
		other, ok := fc.byID[u.Scheme]
		if !ok {
			return dest, fmt.Errorf("link %q names no site and no known scheme", dest)
		}
		path, err := sitePath(dest, u)
		if err != nil {
			return dest, err
		}
		if err := fc.checkPath(s, other, path, false); err != nil {
			return dest, err
		}
		return absolute(other.Site, path), nil
	}
}

// sitePath returns the path of the link dest to another portal, parsed
// as u: the part after the site id, with its query and fragment.
func sitePath(dest string, u *url.URL) (string, error) {
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
		return "", fmt.Errorf("link %q: write the path after the site id with a leading slash", dest)
	}
	return path, nil
}

// checkPath reports whether the root-relative path p, with an optional
// query or fragment, names a page or file of portal target, for a link
// or image on a page of portal from.
func (fc *federationContent) checkPath(from, target *Site, p string, image bool) error {
	if isFileLink(p) {
		return fc.checkFile(from, target, p, image)
	}
	return target.checkPath(p)
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
	if to, ok := s.aliasTarget(path); ok {
		return fmt.Errorf("broken link %q: portal %q has no page %s, but an alias redirects it to %s: link to %s",
			p, s.ID, path, to, to)
	}
	urls := make([]string, 0, len(s.urls))
	for u := range s.urls {
		urls = append(urls, u)
	}
	// Of equally near addresses, the first in order is suggested.
	sort.Strings(urls)
	return fmt.Errorf("broken link %q: portal %q has no page %s%s", p, s.ID, path, suggest.Hint(path, urls))
}

// aliasTarget returns the URL of the page of s that gives the unescaped
// path as an alias, with or without its final slash.
func (s *Site) aliasTarget(path string) (string, bool) {
	s.redirectsOnce.Do(func() {
		s.redirectTo = map[string]string{}
		s.eachAliasList(func(_ source, aliases []string, to string, _ bool) {
			for _, a := range aliases {
				from, problem := canonicalAlias(a)
				if problem != nil {
					continue
				}
				if unescaped, err := url.PathUnescape(from); err == nil {
					s.redirectTo[unescaped] = to
				}
			}
		})
	})
	if to, ok := s.redirectTo[path]; ok {
		return to, true
	}
	to, ok := s.redirectTo[path+"/"]
	return to, ok
}

// serviceLink resolves leistung:<base id> on site s: to s's own page for
// the service, else to the page of the county when it delivers it.
func (fc *federationContent) serviceLink(s *Site, id string) (string, error) {
	b, ok := fc.bases[id]
	if !ok {
		return "", &refError{
			message: fmt.Sprintf("link to unknown base text %q%s", id, suggest.Hint(id, fc.baseIDs)),
			hint:    "after leistung: name a file of content/" + SharedDir + "/services/ without .md",
		}
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
			if err := fc.checkPath(s, other, cmp.Or(u.EscapedPath(), "/"), false); err != nil {
				return raw, err
			}
		}
		return raw, nil
	case "mailto":
		return raw, nil
	}
	return fc.resolver(s)(raw, false)
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

// checkMatterURL checks the front-matter link raw under key with
// matterURL for job j, records the result and reports an error where
// locate finds the link: in which file and at which position. It
// returns the URL to publish.
func (r *pageRenderer) checkMatterURL(j *job, s *Site, key, raw string, locate func() (source, tomlpos.Pos)) string {
	u, err := r.fc.matterURL(s, raw)
	if r.probes && (err != nil || !r.fc.fixedMatterURL(raw)) {
		j.probes = append(j.probes, probe{kind: probeMatter, site: s.ID, dest: raw, result: probeResult(u, err)})
	}
	if err != nil {
		src, p := locate()
		j.diags.Errorf(src.path, p.Line, p.Column, errorID(err, "broken-link"), errorHint(err, linkHint), "%s: %v", key, err)
	} else {
		r.noteFile(j, s, raw)
	}
	return u
}

// matterSource returns the file whose front matter gives key to service
// svc: the service's own file when it writes the key or extends no base
// text, else its base text.
func matterSource(svc *Service, key string) source {
	if svc.Base == nil || svc.src.path != "" && len(tomlpos.Find(svc.src.frontMatter, []string{key})) > 0 {
		return svc.src
	}
	return svc.Base.src
}

// valuePos returns the position in the file of the string value, written
// in quotes at or after the line of key of src, such as the url of a form
// in an inline table or a [[forms]] table. It returns the key's position
// when it does not find the value.
func valuePos(src source, key, value string) tomlpos.Pos {
	at := keyPos(src, key)
	lines := bytes.SplitAfter(src.frontMatter, []byte("\n"))
	// The front matter starts on the second line of the file.
	for i := max(at.Line-2, 0); i < len(lines); i++ {
		for _, q := range []string{`"`, `'`} {
			if col := bytes.Index(lines[i], []byte(q+value+q)); col >= 0 {
				return tomlpos.Pos{Line: i + 2, Column: utf8.RuneCount(lines[i][:col]) + 1}
			}
		}
	}
	return at
}
