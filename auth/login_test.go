package auth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoginTimingHidesAccounts(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	measure := func(email string) time.Duration {
		start := time.Now()
		h.login(h.client(), email, "falsches Passwort für den Test")
		return time.Since(start)
	}

	var known, unknown []time.Duration
	for range 9 {
		known = append(known, measure("anna@example.org"))
		unknown = append(unknown, measure("niemand@example.org"))
		// Keep the known account out of its lockout, which would take
		// the dummy-hash path and hide a difference.
		h.clock.Advance(time.Hour)
	}

	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}

	mk, mu := median(known), median(unknown)
	diff := mk - mu
	if diff < 0 {
		diff = -diff
	}

	// Both paths run one argon2id hash; the bound allows for the store
	// writes a known account adds and for noise on a shared machine.
	bound := max(20*time.Millisecond, min(mk, mu)/2)
	if diff > bound {
		t.Errorf("median login time: known %v, unknown %v; difference %v exceeds %v", mk, mu, diff, bound)
	}

	if mu < 5*time.Millisecond {
		t.Errorf("unknown address answered in %v: no dummy hash computed", mu)
	}
}

// sameAnswer compares two responses' status, body and headers, leaving
// out the Date header.
func sameAnswer(t *testing.T, what string, a, b *response) {
	t.Helper()
	if a.StatusCode != b.StatusCode {
		t.Errorf("%s: status %d vs %d", what, a.StatusCode, b.StatusCode)
	}
	if a.body != b.body {
		t.Errorf("%s: bodies differ:\n%s\n---\n%s", what, a.body, b.body)
	}
	ha, hb := a.Header.Clone(), b.Header.Clone()
	ha.Del("Date")
	hb.Del("Date")
	for k := range ha {
		if strings.Join(ha.Values(k), "|") != strings.Join(hb.Values(k), "|") {
			t.Errorf("%s: header %s: %q vs %q", what, k, ha.Values(k), hb.Values(k))
		}
	}
	for k := range hb {
		if _, ok := ha[k]; !ok {
			t.Errorf("%s: header %s only for the second address", what, k)
		}
	}
}

func TestAnswersHideAccounts(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	known, unknown := "anna@example.org", "niemand@example.org"
	cases := []struct {
		name string
		path string
		form func(email string) url.Values
	}{
		{"login", "/anmelden", func(e string) url.Values {
			return url.Values{"email": {e}, "password": {"falsches Passwort für den Test"}}
		}},
		{"registration", "/registrieren", func(e string) url.Values { return url.Values{"email": {e}} }},
		{"resend verification", "/registrieren/erneut", func(e string) url.Values { return url.Values{"email": {e}} }},
		{"password reset", "/passwort-vergessen", func(e string) url.Values { return url.Values{"email": {e}} }},
	}
	for _, c := range cases {
		a := h.post(h.client(), c.path, c.form(known))
		b := h.post(h.client(), c.path, c.form(unknown))
		sameAnswer(t, c.name, a, b)
	}
	// Each address got a mail for each mail-sending request, so the
	// outbox does not tell them apart either.
	if n, m := len(h.mails(known)), len(h.mails(unknown)); n-1 != m {
		t.Errorf("mails: %d to the known address (one from registering), %d to the unknown", n, m)
	}
}

func TestLockoutGrowsAndEnds(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	wrong := func() *response { return h.login(h.client(), "anna@example.org", "falsches Passwort für den Test") }
	first := wrong()
	for range lockoutAfter - 1 {
		wrong()
	}
	acc := h.account("anna@example.org")
	if acc.LockedUntil.IsZero() {
		t.Fatalf("no lockout after %d failures", lockoutAfter)
	}
	locked := h.login(h.client(), "anna@example.org", testPassword)
	if locked.StatusCode == http.StatusSeeOther {
		t.Fatal("the right password works during a lockout")
	}
	sameAnswer(t, "locked out vs wrong password", first, locked)

	var waits []time.Duration
	for range 4 {
		acc = h.account("anna@example.org")
		waits = append(waits, acc.LockedUntil.Sub(h.clock.Now()))
		h.clock.Advance(acc.LockedUntil.Sub(h.clock.Now()) + time.Second)
		wrong()
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1] {
			t.Errorf("lockout waits %v do not grow", waits)
		}
	}
	acc = h.account("anna@example.org")
	h.clock.Advance(acc.LockedUntil.Sub(h.clock.Now()) + time.Second)
	if r := h.login(h.client(), "anna@example.org", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Error("the right password fails after the lockout ended")
	}
}

func TestLockoutBoundsGuesses(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	start := h.clock.Now()
	guesses := 0
	maxWait := time.Duration(0)
	// An attacker who guesses whenever the account is not locked.
	for i := 0; i < 200 && h.clock.Now().Sub(start) < time.Hour; i++ {
		acc := h.account("anna@example.org")
		if wait := acc.LockedUntil.Sub(h.clock.Now()); wait > 0 {
			maxWait = max(maxWait, wait)
			h.clock.Advance(wait)
			continue
		}
		h.login(h.client(), "anna@example.org", "falsches Passwort für den Test")
		guesses++
		h.clock.Advance(time.Second)
	}
	if guesses > 100 {
		t.Errorf("%d guesses evaluated in one hour, want at most 100", guesses)
	}
	if guesses < lockoutAfter {
		t.Errorf("only %d guesses in an hour: the lockout is too strict to be temporary", guesses)
	}
	if maxWait > lockoutMax {
		t.Errorf("a lockout lasted %v, more than %v", maxWait, lockoutMax)
	}
}

func TestPerIPRateLimits(t *testing.T) {
	cases := []struct {
		class rateClass
		path  string
		form  url.Values
	}{
		{rateLogin, "/anmelden", url.Values{"email": {"a@example.org"}, "password": {"x"}}},
		{rateRegister, "/registrieren", url.Values{"email": {"not-an-address"}}},
		{rateReset, "/passwort-vergessen", url.Values{"email": {"not-an-address"}}},
		{rateCode, "/anmelden/faktor", url.Values{"code": {"123456"}}},
	}
	for _, c := range cases {
		t.Run(string(c.class), func(t *testing.T) {
			h := newHarness(t, withRateLimits())
			burst := defaultBudgets[c.class].burst
			for i := range burst {
				if r := h.post(h.client(), c.path, c.form); r.StatusCode == http.StatusTooManyRequests {
					t.Fatalf("request %d of a burst of %d got 429", i+1, burst)
				}
			}
			if r := h.post(h.client(), c.path, c.form); r.StatusCode != http.StatusTooManyRequests {
				t.Errorf("request after the burst: status %d, want 429", r.StatusCode)
			}
			h.clock.Advance(defaultBudgets[c.class].interval)
			if r := h.post(h.client(), c.path, c.form); r.StatusCode == http.StatusTooManyRequests {
				t.Error("still limited after the refill interval")
			}
		})
	}
	t.Run("mail", func(t *testing.T) {
		h := newHarness(t, withRateLimits())
		var last *response
		for i := range defaultBudgets[rateMail].burst + 1 {
			email := "person" + string(rune('a'+i)) + "@example.org"
			last = h.post(h.client(), "/passwort-vergessen", url.Values{"email": {email}})
		}
		if last.StatusCode != http.StatusTooManyRequests {
			t.Errorf("mail after the burst: status %d, want 429", last.StatusCode)
		}
	})
}

// finishRegistration opens a fresh registration link and posts password.
func finishRegistration(h *harness, email, password string) *response {
	h.t.Helper()
	h.post(h.client(), "/registrieren", url.Values{"email": {email}})
	u, _ := url.Parse(h.lastLink(email))
	return h.post(h.client(), "/registrieren/abschliessen", url.Values{"t": {u.Query().Get("t")},
		"password": {password}, "password2": {password}})
}

func TestPasswordLengthRules(t *testing.T) {
	h := newHarness(t)
	long64 := strings.Repeat("Moorlandschaft ", 5)[:64]
	long128 := "Q7" + strings.Repeat("Wiesen und Felder bei Meppen! ", 5)[:126]
	cases := []struct {
		password string
		ok       bool
	}{
		{"Kurzer Satz mit", true},                         // 15 code points
		{"Kurzer Satz mi", false},                         // 14 code points
		{"äöüßéèêäöüßéèê", false},                         // 14 code points, 28 bytes
		{"Bäume Brücke Öl", true},                         // 15 code points with umlauts
		{"🌧️🌳🐄 Regen im Moor", true},                      // emoji count as code points
		{long64, true},                                    // 64 characters
		{long128, true},                                   // 128 characters
		{"nur kleine buchstaben und keine ziffern", true}, // no composition rules
	}
	for i, c := range cases {
		email := "person" + string(rune('a'+i)) + "@example.org"
		r := finishRegistration(h, email, c.password)
		if got := r.StatusCode == http.StatusSeeOther; got != c.ok {
			t.Errorf("password %q (%d code points): accepted %v, want %v", c.password,
				len([]rune(c.password)), got, c.ok)
		}
	}

	// No truncation: a 128-character password fails if any character
	// differs, even the last.
	email := "persong@example.org" // the 128-character case
	altered := long128[:127] + "X"
	if r := h.login(h.client(), email, altered); r.StatusCode == http.StatusSeeOther {
		t.Error("a 128-character password with a different last character works")
	}
	if r := h.login(h.client(), email, long128); r.StatusCode != http.StatusSeeOther {
		t.Error("the 128-character password does not work")
	}

	// Unicode is normalised the same way at set and check.
	composed := "Caf\u00e9 am Marktplatz in Lingen"
	decomposed := "Cafe\u0301 am Marktplatz in Lingen"
	if r := finishRegistration(h, "cafe@example.org", composed); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration with composed é: status %d", r.StatusCode)
	}
	if r := h.login(h.client(), "cafe@example.org", decomposed); r.StatusCode != http.StatusSeeOther {
		t.Error("the decomposed form of the password does not work")
	}
}

func TestShortPasswordWithSecondFactor(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	short := "Kiebitz9"
	change := func() *response {
		return h.post(c, "/konto/passwort", url.Values{"current": {testPassword},
			"password": {short}, "password2": {short}})
	}
	if r := change(); r.StatusCode == http.StatusSeeOther {
		t.Fatal("8-character password accepted without a second factor")
	}
	enrollTOTP(t, h, c)
	if r := change(); r.StatusCode != http.StatusSeeOther {
		t.Errorf("8-character password rejected with a second factor: status %d", r.StatusCode)
	}
	// The last factor cannot go while the password is that short.
	h.post(c, "/konto/totp/entfernen", url.Values{"password": {short}})
	totp, _, _ := h.svc.hasFactor(t.Context(), h.account("anna@example.org").ID)
	if !totp {
		t.Error("last factor removed although the password is shorter than 15 characters")
	}
}

func TestPasswordBlocklist(t *testing.T) {
	h := newHarness(t)
	blocked := []string{
		"passwort123456789", "Passwort!Passwort!", "qwertzuiop123456", "123456789012345",
		"Lingen (Ems) Lingen (Ems)", "Haren2024Haren2024", "LandkreisEmsland2024",
		"Samtgemeinde Lingen 12", "aaaaaaaaaaaaaaaa", "abcabcabcabcabcabc",
	}
	for i, pw := range blocked {
		email := "block" + string(rune('a'+i)) + "@example.org"
		if r := finishRegistration(h, email, pw); r.StatusCode == http.StatusSeeOther {
			t.Errorf("blocked password %q accepted", pw)
		}
	}
	// The address's own local part.
	if r := finishRegistration(h, "anna.schmidt@example.org", "Anna.Schmidt.1984"); r.StatusCode == http.StatusSeeOther {
		t.Error("password made of the e-mail's local part accepted")
	}
	if r := finishRegistration(h, "anna.schmidt@example.org", "Anna geht gern im Moor spazieren"); r.StatusCode != http.StatusSeeOther {
		t.Error("a passphrase that merely contains a name was rejected")
	}
}

func TestPasswordChangeNeedsCurrent(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	next := "Zweiter langer Satz für das Konto"
	r := h.post(c, "/konto/passwort", url.Values{"current": {"falsches Passwort für den Test"},
		"password": {next}, "password2": {next}})
	if r.StatusCode == http.StatusSeeOther {
		t.Fatal("password changed without the current password")
	}
	if r := h.login(h.client(), "anna@example.org", next); r.StatusCode == http.StatusSeeOther {
		t.Error("new password works after a rejected change")
	}
}

func TestArgon2Parameters(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	hash := h.account("anna@example.org").PasswordHash
	p, err := parsePHC(hash)
	if err != nil {
		t.Fatalf("stored hash %q is not an argon2id PHC string: %v", hash, err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") {
		t.Errorf("hash %q lacks the argon2id PHC prefix", hash)
	}
	if p.params.Memory < 19*1024 || p.params.Time < 2 {
		t.Errorf("parameters m=%d KiB t=%d are below 19 MiB and 2 passes", p.params.Memory, p.params.Time)
	}

	// A service with stronger parameters rehashes at the next login.
	stronger := newHarness(t, withStore(h.store), withOptions(func(o *Options) {
		o.DataDir = h.dataDir
		o.Argon2 = Argon2Params{Memory: 19 * 1024, Time: 3, Threads: 1}
	}))
	if r := stronger.login(stronger.client(), "anna@example.org", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", r.StatusCode)
	}
	after := stronger.account("anna@example.org").PasswordHash
	if !strings.Contains(after, "m=19456,t=3,p=1") {
		t.Errorf("hash after login = %q, want t=3", after)
	}
	if r := stronger.login(stronger.client(), "anna@example.org", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Error("login with the rehashed password fails")
	}
	// A failed login does not rehash.
	weak := newHarness(t, withStore(h.store), withOptions(func(o *Options) {
		o.DataDir = h.dataDir
		o.Argon2 = Argon2Params{Memory: 20 * 1024, Time: 3, Threads: 1}
	}))
	weak.login(weak.client(), "anna@example.org", "falsches Passwort für den Test")
	if got := weak.account("anna@example.org").PasswordHash; got != after {
		t.Error("a failed login changed the hash")
	}
}

func TestLinksSingleUseExpiringBound(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	requestReset := func() string {
		h.post(h.client(), "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
		u, _ := url.Parse(h.lastLink("anna@example.org"))
		return u.Query().Get("t")
	}

	tok := requestReset()
	if r := h.post(h.client(), "/passwort-neu", url.Values{"t": {tok}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use: status %d", r.StatusCode)
	}
	if r := h.post(h.client(), "/passwort-neu", url.Values{"t": {tok}}); r.StatusCode != http.StatusGone {
		t.Errorf("second use: status %d, want 410", r.StatusCode)
	}

	tok = requestReset()
	h.clock.Advance(tokenLifetime)
	if r := h.post(h.client(), "/passwort-neu", url.Values{"t": {tok}}); r.StatusCode != http.StatusGone {
		t.Errorf("use after 10 minutes: status %d, want 410", r.StatusCode)
	}

	tok = requestReset()
	for _, path := range []string{"/email-bestaetigen", "/registrieren/abschliessen"} {
		if r := h.post(h.client(), path, url.Values{"t": {tok}, "password": {testPassword},
			"password2": {testPassword}}); r.StatusCode != http.StatusGone {
			t.Errorf("reset link used at %s: status %d, want 410", path, r.StatusCode)
		}
	}
	if r := h.post(h.client(), "/passwort-neu", url.Values{"t": {tok}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("reset link after tries at other flows: status %d, want 303", r.StatusCode)
	}

	// Forged signatures on a real ID kill the link after a few tries.
	tok = requestReset()
	id, _, _ := strings.Cut(tok, ".")
	for i := range maxTokenAttempts {
		forged := id + ".9999999999.xxxx." + strings.Repeat("A", 43-i)
		h.post(h.client(), "/passwort-neu", url.Values{"t": {forged}})
	}
	if r := h.post(h.client(), "/passwort-neu", url.Values{"t": {tok}}); r.StatusCode != http.StatusGone {
		t.Errorf("link after %d forged tries: status %d, want 410", maxTokenAttempts, r.StatusCode)
	}
}
