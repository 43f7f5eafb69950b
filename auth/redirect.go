package auth

import (
	"net/url"
	"strings"
)

// returnTarget is a portal the service may send a citizen back to.
type returnTarget struct {
	scheme, host string
	// path is the portal's base path, ending in "/".
	path string
}

func newReturnTargets(siteURLs []string) []returnTarget {
	var out []returnTarget
	for _, raw := range siteURLs {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		p := u.EscapedPath()
		if !strings.HasSuffix(p, "/") {
			p += "/"
		}
		out = append(out, returnTarget{
			scheme: strings.ToLower(u.Scheme), host: canonicalHost(u), path: p,
		})
	}
	return out
}

// canonicalHost lowercases the host and drops a default port.
func canonicalHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" || (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// validReturn returns raw normalised if it points into one of the
// portals, or "" if it does not. It accepts only absolute http(s) URLs
// with a registered scheme, host and port, no user info, and a path at
// or below the portal's base path with no dot segments.
func validReturn(raw string, targets []returnTarget) string {
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

	scheme, host := strings.ToLower(u.Scheme), canonicalHost(u)
	for _, t := range targets {
		if scheme != t.scheme || host != t.host {
			continue
		}
		if path+"/" != t.path && !strings.HasPrefix(path, t.path) {
			continue
		}
		out := url.URL{Scheme: scheme, Host: host, Path: u.Path, RawPath: u.RawPath,
			RawQuery: u.RawQuery, Fragment: u.Fragment}
		if out.Path == "" {
			out.Path = "/"
		}
		return out.String()
	}

	return ""
}

// hasDotSegment reports whether a path has "." or ".." segments, also
// percent-encoded, which could climb out of a portal's base path.
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
