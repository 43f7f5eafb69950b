package auth

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/federation"
)

// Password length limits in Unicode code points, after NFKC normalisation.
// NIST SP 800-63B revision 4 requires 15 characters when the password is
// the only factor and 8 when it is one of two. The maximum only bounds
// the hashing work per request and is far above any typed password.
const (
	minPasswordSingleFactor = 15
	minPasswordWithFactor   = 8
	maxPassword             = 1024
	// minRemainder is how many characters must remain once the blocked
	// terms are taken out of a password.
	minRemainder = 6
)

//go:embed blocklist.txt
var blocklistText string

// passwordPolicy checks new passwords against length rules and a
// blocklist. It sets no composition rules.
type passwordPolicy struct {
	// terms are the blocked terms in folded form, longest first.
	terms []string
}

// newPasswordPolicy builds the blocklist from the embedded list and the
// federation's own names: its name, and every site's ID, short name and
// legal name.
func newPasswordPolicy(cfg *federation.Config) *passwordPolicy {
	seen := map[string]bool{}
	add := func(s string) {
		f := foldPassword(s)
		if utf8.RuneCountInString(f) >= 3 {
			seen[f] = true
		}
	}

	for line := range strings.Lines(blocklistText) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			add(line)
		}
	}

	names := []string{cfg.Name}
	for _, s := range cfg.Sites {
		names = append(names, s.ID, s.Name, s.Legal.Name)
	}

	for _, n := range names {
		add(n)
		for _, w := range strings.FieldsFunc(n, isSeparator) {
			add(w)
		}
	}

	p := &passwordPolicy{}
	for t := range seen {
		p.terms = append(p.terms, t)
	}

	sortLongestFirst(p.terms)
	return p
}

func sortLongestFirst(terms []string) {
	slices.SortFunc(terms, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
}

func isSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// normalizePassword applies NFKC, the same at set and at check, so the
// same characters typed on different keyboards give the same password.
func normalizePassword(s string) string {
	return norm.NFKC.String(s)
}

// foldPassword reduces s to lower-case letters and digits with umlauts
// spelt out and common digit-for-letter swaps undone, so "P4ssw0rt!" and
// "passwort" compare equal.
func foldPassword(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(norm.NFKC.String(s)) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		case '@', '4':
			b.WriteRune('a')
		case '3':
			b.WriteRune('e')
		case '1', '!':
			b.WriteRune('i')
		case '0':
			b.WriteRune('o')
		case '$', '5':
			b.WriteRune('s')
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
	}

	return b.String()
}

// plainFold is foldPassword without the digit swaps, so number sequences
// stay recognisable.
func plainFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(norm.NFKC.String(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Errors of the password policy, with messages for the citizen.
var (
	errPasswordShort   = errors.New("password too short")
	errPasswordLong    = errors.New("password too long")
	errPasswordBlocked = errors.New("password on the blocklist")
)

// check returns nil if password, already normalised, may be set for an
// account with the given e-mail address. withFactor lowers the minimum
// length for accounts that have a second factor.
func (p *passwordPolicy) check(password, email string, withFactor bool) error {
	n := utf8.RuneCountInString(password)
	minLen := minPasswordSingleFactor
	if withFactor {
		minLen = minPasswordWithFactor
	}

	if n < minLen {
		return fmt.Errorf("%w: %d characters, at least %d needed", errPasswordShort, n, minLen)
	}

	if n > maxPassword {
		return fmt.Errorf("%w: %d characters, at most %d allowed", errPasswordLong, n, maxPassword)
	}

	terms := p.terms
	if extra := emailTerms(email); len(extra) > 0 {
		terms = append(slices.Clone(p.terms), extra...)
		sortLongestFirst(terms)
	}

	for _, folded := range []string{foldPassword(password), plainFold(password)} {
		rest := folded
		for _, t := range terms {
			rest = strings.ReplaceAll(rest, t, "")
		}
		if weakRemainder(rest) {
			return errPasswordBlocked
		}
	}

	return nil
}

// emailTerms returns the folded local part of the address and its pieces.
func emailTerms(email string) []string {
	local, _, ok := strings.Cut(email, "@")
	if !ok {
		return nil
	}
	var out []string
	for _, s := range append([]string{local}, strings.FieldsFunc(local, isSeparator)...) {
		for _, f := range []string{foldPassword(s), plainFold(s)} {
			if utf8.RuneCountInString(f) >= 3 {
				out = append(out, f)
			}
		}
	}
	return out
}

// weakRemainder reports whether what is left of a password after removing
// blocked terms is too little: short, one repeated character, or a run
// of neighbouring characters such as "123456789" or "abcdef".
func weakRemainder(s string) bool {
	runes := []rune(s)
	if len(runes) < minRemainder {
		return true
	}
	same, up, down := true, true, true
	for i := 1; i < len(runes); i++ {
		prev, cur := runes[i-1], runes[i]
		same = same && cur == prev
		// Digit runs wrap around, as in "7890123" or "3210987".
		up = up && (cur == prev+1 || (prev == '9' && cur == '0'))
		down = down && (cur == prev-1 || (prev == '0' && cur == '9'))
	}
	if same || up || down {
		return true
	}
	// A short pattern repeated, as in "abcabcabc" or "121212121".
	for size := 1; size <= len(runes)/2; size++ {
		if len(runes)%size == 0 && strings.Repeat(string(runes[:size]), len(runes)/size) == s {
			return size < minRemainder
		}
	}
	return false
}
