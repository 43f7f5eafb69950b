package auth

import (
	"net/url"
	"strings"

	"github.com/verbund/verbund/federation"
)

// validReturn returns raw normalised if it points to a page of one of
// the portals, whose origins are the keys of portals, or "" if it does
// not. It accepts only absolute http(s) URLs whose origin, normalised as
// federation.URLOrigin does, is a portal's, with no user info and a path
// without dot segments.
func validReturn(raw string, portals map[string]bool) string {
	if raw == "" || len(raw) > 2048 || strings.ContainsAny(raw, "\\\x00\r\n\t ") {
		return ""
	}

	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" || u.Host == "" {
		return ""
	}

	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}

	if hasDotSegment(path) || strings.HasPrefix(path, "//") {
		return ""
	}

	origin, err := federation.URLOrigin(u)
	if err != nil || !portals[origin] {
		return ""
	}
	rest := url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}
	if rest.Path == "" {
		rest.Path = "/"
	}
	return origin + rest.String()
}

// hasDotSegment reports whether a path has "." or ".." segments, also
// percent-encoded, which servers and proxies may resolve to another path
// than the one checked.
func hasDotSegment(escaped string) bool {
	decoded, err := url.PathUnescape(escaped)
	if err != nil {
		return true
	}
	for _, p := range []string{escaped, decoded} {
		for seg := range strings.SplitSeq(p, "/") {
			if seg == "." || seg == ".." {
				return true
			}
		}
	}
	return strings.Contains(decoded, "\\")
}

// localPath returns p if it is a path on this service, such as
// "/konto/sitzungen", and "/" otherwise.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsAny(p, "\\\r\n\t") || hasDotSegment(p) {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}
