package auth

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Bounds of an e-mail address in bytes. RFC 5321 section 4.5.3.1 allows
// a path of 256 octets including the angle brackets and a local part of
// 64. A domain name has at most 253 characters in text form and a label
// 63 (RFC 1035 section 2.3.4).
const (
	maxAddressLength   = 254
	maxLocalPartLength = 64
	maxDomainLength    = 253
	maxLabelLength     = 63
)

// localPartSpecials are the characters besides ASCII letters and digits
// that RFC 5322 allows in an unquoted local part (atext).
const localPartSpecials = "!#$%&'*+-/=?^_`{|}~"

// normalizeEmail checks that raw is a plain address (an unquoted
// addr-spec without display name) and returns the form that accounts
// are stored under: trimmed, in lower case, with the domain in its
// Unicode form. It returns "" and false for anything else.
//
// The local part must be ASCII, because a non-ASCII one needs a relay
// with SMTPUTF8. An internationalised domain is accepted in Unicode or
// as A-labels (xn--) and checked with the IDNA lookup rules. Both forms
// are stored as Unicode, so they name the same account, and mail goes
// out with A-labels (see mailAddress).
func normalizeEmail(raw string) (string, bool) {
	// Check the bytes as typed: lowercasing would turn invalid UTF-8
	// into U+FFFD and hide it.
	if len(raw) > 4*maxAddressLength || !utf8.ValidString(raw) {
		return "", false
	}
	e := strings.TrimSpace(raw)
	if strings.ContainsFunc(e, isControlOrFormat) {
		return "", false
	}

	local, domain, ok := strings.Cut(e, "@")
	if !ok || !validLocalPart(local) {
		return "", false
	}
	ascii, err := asciiDomain(domain)
	if err != nil {
		return "", false
	}
	unicodeDomain, err := idna.Lookup.ToUnicode(ascii)
	if err != nil {
		return "", false
	}

	e = strings.ToLower(local) + "@" + unicodeDomain
	if len(strings.ToLower(local))+1+len(ascii) > maxAddressLength {
		return "", false
	}
	return e, true
}

// loginEmail returns the address that a login looks the account up by,
// in the form of normalizeEmail. For an address that normalizeEmail
// rejects but earlier versions accepted, such as one with a non-ASCII
// local part, it returns the trimmed lower-case form those versions
// stored. So such accounts can still log in, and no new ones are made.
func loginEmail(raw string) string {
	if e, ok := normalizeEmail(raw); ok {
		return e
	}
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" || len(e) > maxAddressLength || !utf8.ValidString(raw) ||
		strings.ContainsFunc(e, isControlOrFormat) || !strings.Contains(e, "@") {
		return ""
	}
	return e
}

// isControlOrFormat reports control characters and invisible format
// characters such as U+200B (zero width space) and U+202E (right-to-left
// override).
func isControlOrFormat(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// validLocalPart reports whether s is an unquoted ASCII local part: atext
// separated by single dots.
func validLocalPart(s string) bool {
	if s == "" || len(s) > maxLocalPartLength {
		return false
	}
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for _, c := range []byte(atom) {
			if !isASCIIAlnum(c) && !strings.ContainsRune(localPartSpecials, rune(c)) {
				return false
			}
		}
	}
	return true
}

// asciiDomain converts a domain to A-labels and checks that it is a host
// name of at least two labels, each of letters, digits and hyphens.
func asciiDomain(domain string) (string, error) {
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", err
	}
	if len(ascii) > maxDomainLength {
		return "", errors.New("domain too long")
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", errors.New("domain has no dot")
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", errors.New("invalid domain label")
		}
	}
	return ascii, nil
}

// validLabel reports whether l is a host name label (RFC 1123): letters,
// digits and inner hyphens.
func validLabel(l string) bool {
	if l == "" || len(l) > maxLabelLength || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range []byte(l) {
		if !isASCIIAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// mailAddress returns a stored address in the form for the SMTP envelope
// and the To header: ASCII only, with the domain as A-labels. It fails
// for anything normalizeEmail would reject, so no input can add a header
// line or a second recipient.
func mailAddress(addr string) (string, error) {
	e, ok := normalizeEmail(addr)
	if !ok {
		return "", errors.New("invalid recipient address")
	}
	local, domain, _ := strings.Cut(e, "@")
	ascii, err := asciiDomain(domain)
	if err != nil {
		return "", errors.New("invalid recipient address")
	}
	return local + "@" + ascii, nil
}
