package federation

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// OriginError is the error of ParseOrigin and URLOrigin for a value that
// names no valid web origin.
type OriginError struct {
	// Value is the value as given.
	Value string
	// Reason is the problem with Value and its fix, such as
	// `has the path "/portal": remove it, because an origin has no path`.
	Reason string
}

func (e *OriginError) Error() string {
	return fmt.Sprintf("invalid origin %q: %s", e.Value, e.Reason)
}

// OriginReason returns the Reason of the *OriginError in err, for a
// message that names the value itself, or else the message of err.
func OriginReason(err error) string {
	if oe, ok := errors.AsType[*OriginError](err); ok {
		return oe.Reason
	}
	return err.Error()
}

// ParseOrigin returns the web origin that raw names, in the form browsers
// send in the Origin header: "scheme://host" or "scheme://host:port".
// The URLs of sites.toml and the Origin headers of requests both go
// through it, so that a comparison normalises both sides the same way.
//
// raw is an absolute http or https URL with nothing after the host and
// port but an optional "/": no user info, path, query or fragment. The
// result has the scheme and host in lower case and no port when the port
// is the scheme's default. An international host name becomes punycode
// A-labels by nontransitional UTS #46 processing, which the WHATWG URL
// Standard prescribes, and an IPv6 address takes its shortest form.
//
// Unlike browsers, ParseOrigin rejects host names with other characters
// than letters, digits, hyphens and dots (the STD3 rules), such as an
// underscore, labels that start or end with a hyphen, and IPv4 addresses
// in other forms than four decimal numbers. The error is an *OriginError.
func ParseOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", &OriginError{Value: raw, Reason: urlProblem(err)}
	}
	origin, reason := originOf(u)
	if reason == "" {
		reason = extraParts(raw, u)
	}
	if reason != "" {
		return "", &OriginError{Value: raw, Reason: reason}
	}
	return origin, nil
}

// URLOrigin returns the origin of u, an absolute http or https URL, in
// the form that ParseOrigin returns. The user info, path, query and
// fragment of u do not change the result. The error is an *OriginError.
func URLOrigin(u *url.URL) (string, error) {
	origin, reason := originOf(u)
	if reason != "" {
		return "", &OriginError{Value: u.String(), Reason: reason}
	}
	return origin, nil
}

// urlProblem returns the message of a url.Parse error without the
// repeated value.
func urlProblem(err error) string {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

// extraParts returns what raw has besides scheme, host and port, or "".
func extraParts(raw string, u *url.URL) string {
	switch {
	case u.User != nil:
		return "has user info: remove the part up to and including the @"
	case u.Path != "" && u.Path != "/":
		return fmt.Sprintf("has the path %q: remove it, because an origin has no path", u.Path)
	case u.RawQuery != "" || u.ForceQuery:
		return "has a query: remove the part from the ?"
	case strings.Contains(raw, "#"):
		return "has a fragment: remove the part from the #"
	}
	return ""
}

// originOf returns the origin of u, or a reason why u has none.
func originOf(u *url.URL) (origin, reason string) {
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", "does not start with https:// or http://"
	}
	if u.Opaque != "" {
		return "", fmt.Sprintf(`lacks "//" after "%s:"`, u.Scheme)
	}
	if u.Hostname() == "" {
		return "", "has no host name"
	}
	host, reason := normalizeHost(u.Hostname())
	if reason != "" {
		return "", reason
	}
	port, reason := normalizePort(u.Scheme, u.Port())
	if reason != "" {
		return "", reason
	}
	if port == "" {
		return u.Scheme + "://" + host, ""
	}
	return u.Scheme + "://" + host + ":" + port, ""
}

// normalizeHost returns a host name in lower-case A-labels or an IP
// address in the form browsers serialize it, with brackets around IPv6.
func normalizeHost(host string) (string, string) {
	if strings.Contains(host, ":") {
		addr, err := netip.ParseAddr(host)
		switch {
		case err != nil || !addr.Is6():
			return "", fmt.Sprintf("has the invalid IPv6 address %q", host)
		case addr.Zone() != "":
			return "", "has an IPv6 zone, which browsers do not accept in a URL: remove the part from %25"
		}
		return "[" + ipv6String(addr.As16()) + "]", ""
	}
	if isPlainHost(host) {
		return host, ""
	}
	ascii, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", fmt.Sprintf("has the invalid host name %q (%v): use letters, digits, hyphens and dots",
			host, err)
	}
	if hasEmptyLabel(host, ascii) {
		return "", fmt.Sprintf("has the invalid host name %q (empty label): write letters, digits "+
			"or hyphens between every two dots", host)
	}
	if endsInNumber(ascii) {
		addr, err := netip.ParseAddr(ascii)
		if err != nil || !addr.Is4() {
			return "", fmt.Sprintf("has the invalid IPv4 address %q: write four decimal numbers, "+
				"such as 192.0.2.1", host)
		}
		return addr.String(), ""
	}
	return ascii, ""
}

// isPlainHost reports whether host is a name that idna.Lookup returns
// unchanged. Such a name has labels of 1 to 63 lower-case ASCII letters,
// digits and hyphens, with no hyphen at a label's start or end or in its
// third and fourth place, and a last label that is not a number. Most
// hosts are plain, so a build skips the UTS #46 processing for most links.
func isPlainHost(host string) bool {
	if len(host) > 253 {
		return false
	}
	label := 0 // the length of the label so far
	for i := 0; i <= len(host); i++ {
		if i == len(host) || host[i] == '.' {
			if label == 0 || label > 63 || host[i-1] == '-' {
				return false
			}
			label = 0
			continue
		}
		switch c := host[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			// A hyphen starts no label, and "--" in the third and
			// fourth place marks an A-label such as "xn--".
			if label == 0 || label == 3 && host[i-1] == '-' {
				return false
			}
		default:
			return false
		}
		label++
	}
	return !endsInNumber(host)
}

// hasEmptyLabel reports whether ascii, the UTS #46 processing of host,
// has an empty label, such as the first of ".example". A last label
// that is empty in host too is the DNS root of a name that ends in a
// dot, and counts as none. The processing returns no error for a label
// that becomes empty, such as "xn--" or a soft hyphen, so a check of
// ascii alone would take "example.xn--" for the name "example.".
func hasEmptyLabel(host, ascii string) bool {
	hostLabels := splitLabels(host)
	asciiLabels := strings.Split(ascii, ".")
	if len(hostLabels) != len(asciiLabels) {
		return true
	}
	last := len(asciiLabels) - 1
	for i, label := range asciiLabels {
		root := i == last && i > 0 && hostLabels[i] == ""
		if label == "" && !root {
			return true
		}
	}
	return false
}

// splitLabels splits a host name at the dots that UTS #46 maps to ".":
// the full stop and its ideographic, fullwidth and halfwidth forms.
func splitLabels(host string) []string {
	var labels []string
	start := 0
	for i, r := range host {
		switch r {
		case '.', '\u3002', '\uff0e', '\uff61':
			labels = append(labels, host[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(labels, host[start:])
}

// endsInNumber reports whether the last label of a host name is a
// number, decimal or hexadecimal, which makes browsers read the host as
// an IPv4 address.
func endsInNumber(host string) bool {
	last := strings.TrimSuffix(host, ".")
	last = last[strings.LastIndexByte(last, '.')+1:]
	if last == "" {
		return false
	}
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		last = hex
		if last == "" {
			return true
		}
		return strings.Trim(last, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// ipv6String returns an IPv6 address as the URL Standard serializes it:
// eight groups of lower-case hexadecimal without leading zeros, the
// first longest run of two or more zero groups written as "::". Unlike
// netip.Addr.String, it writes an IPv4-mapped address in hexadecimal too.
func ipv6String(a [16]byte) string {
	var groups [8]string
	zeroStart, zeroLen := -1, 1
	for i := 0; i < 8; i++ {
		g := uint16(a[2*i])<<8 | uint16(a[2*i+1])
		groups[i] = strconv.FormatUint(uint64(g), 16)
	}
	for i := 0; i < 8; {
		if groups[i] != "0" {
			i++
			continue
		}
		j := i
		for j < 8 && groups[j] == "0" {
			j++
		}
		if j-i > zeroLen {
			zeroStart, zeroLen = i, j-i
		}
		i = j
	}
	if zeroStart < 0 {
		return strings.Join(groups[:], ":")
	}
	return strings.Join(groups[:zeroStart], ":") + "::" + strings.Join(groups[zeroStart+zeroLen:], ":")
}

// normalizePort returns port without leading zeros, or "" for no port
// or the default port of scheme.
func normalizePort(scheme, port string) (string, string) {
	if port == "" {
		return "", ""
	}
	// url.Parse leaves only digits in a port.
	n, err := strconv.Atoi(port)
	if err != nil || n > 65535 {
		return "", fmt.Sprintf("has the port %s, out of the range 0 to 65535", port)
	}
	if scheme == "https" && n == 443 || scheme == "http" && n == 80 {
		return "", ""
	}
	return strconv.Itoa(n), ""
}
