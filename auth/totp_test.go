package auth

import (
	"bytes"
	"context"
	"encoding/base32"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTOTPVectors(t *testing.T) {
	// RFC 6238 appendix B, SHA-1, truncated to six digits.
	secret := []byte("12345678901234567890")
	cases := map[int64]string{
		59:          "287082",
		1111111109:  "081804",
		1111111111:  "050471",
		1234567890:  "005924",
		2000000000:  "279037",
		20000000000: "353130",
	}
	for unix, want := range cases {
		if got := totpCode(secret, totpStepAt(time.Unix(unix, 0))); got != want {
			t.Errorf("code at %d = %s, want %s", unix, got, want)
		}
	}
}

var totpSecretPattern = regexp.MustCompile(`<code class="secret">([A-Z2-7 ]+)</code>`)

// enrollTOTP sets up TOTP for the client's account and returns the secret.
func enrollTOTP(t *testing.T, h *harness, c *http.Client) []byte {
	t.Helper()
	if r := h.post(c, "/konto/totp/einrichten", nil); r.Header.Get("Location") != "/konto/totp" {
		t.Fatalf("begin TOTP: status %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	page := h.get(c, "/konto/totp")
	m := totpSecretPattern.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no secret on the TOTP page:\n%s", page.body)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(m[1], " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.body, `href="otpauth://totp/`) {
		t.Errorf("TOTP page lacks the otpauth link:\n%s", page.body)
	}
	code := totpCode(secret, totpStepAt(h.clock.Now()))
	r := h.post(c, "/konto/totp/bestaetigen", url.Values{"code": {code}})
	if !strings.Contains(r.Header.Get("Location"), "hinweis=totp") {
		t.Fatalf("confirm TOTP: status %d\n%s", r.StatusCode, r.body)
	}
	// The confirmation used this step; the next login needs a new one.
	h.clock.Advance(totpStep)
	return secret
}

func TestTOTPLogin(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	secret := enrollTOTP(t, h, c)

	login := h.client()
	r := h.login(login, "anna@example.org", testPassword)
	if r.Header.Get("Location") != "/anmelden/faktor" {
		t.Fatalf("login with TOTP: Location %q", r.Header.Get("Location"))
	}
	if h.loggedIn(login) {
		t.Fatal("logged in before the second factor")
	}
	flowCookie := h.cookie(login, "__Host-flow")
	code := totpCode(secret, totpStepAt(h.clock.Now()))
	r = h.post(login, "/anmelden/faktor", url.Values{"code": {code}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("code: status %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	if !h.loggedIn(login) {
		t.Fatal("not logged in after the code")
	}
	// The pre-login flow identifier is not promoted to a session.
	if h.cookie(login, "__Host-session") == flowCookie {
		t.Error("flow identifier became the session identifier")
	}
	if h.loggedIn(h.clientWith("__Host-session", flowCookie)) {
		t.Error("flow identifier works as a session")
	}

	// Replay of the same code in the same step.
	again := h.client()
	h.login(again, "anna@example.org", testPassword)
	r = h.post(again, "/anmelden/faktor", url.Values{"code": {code}})
	if r.StatusCode == http.StatusSeeOther && r.Header.Get("Location") == "/" {
		t.Error("the same code was accepted twice")
	}
}

func TestTOTPClockDrift(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	secret := enrollTOTP(t, h, c)
	h.clock.Advance(5 * totpStep)

	now := totpStepAt(h.clock.Now())
	tooOld := h.client()
	h.login(tooOld, "anna@example.org", testPassword)
	r := h.post(tooOld, "/anmelden/faktor", url.Values{"code": {totpCode(secret, now-2)}})
	if r.Header.Get("Location") == "/" {
		t.Error("a code two steps old was accepted")
	}
	drift := h.client()
	h.login(drift, "anna@example.org", testPassword)
	r = h.post(drift, "/anmelden/faktor", url.Values{"code": {totpCode(secret, now-1)}})
	if r.Header.Get("Location") != "/" {
		t.Errorf("a code one step old was rejected: status %d", r.StatusCode)
	}
}

func TestTOTPSecretEncrypted(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	secret := enrollTOTP(t, h, c)
	if len(secret) != totpSecretLen {
		t.Errorf("secret has %d bytes, want %d", len(secret), totpSecretLen)
	}
	acc := h.account("anna@example.org")
	stored, err := h.store.TOTPByAccount(context.Background(), acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored.Secret, secret) {
		t.Error("the store holds the secret in the clear")
	}
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	if bytes.Contains(stored.Secret, []byte(b32)) {
		t.Error("the store holds the secret in base32")
	}
	opened, _, err := h.svc.keys.open(stored.Secret, []byte(acc.ID))
	if err != nil || !bytes.Equal(opened, secret) {
		t.Errorf("decrypting the stored secret: %v", err)
	}
	if _, _, err := h.svc.keys.open(stored.Secret, []byte("another-account")); err == nil {
		t.Error("the sealed secret opens for another account")
	}

	other := h.register("bert@example.org", testPassword)
	if bytes.Equal(enrollTOTP(t, h, other), secret) {
		t.Error("two accounts got the same secret")
	}
}

func TestTOTPWrongCodesEndFlow(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	secret := enrollTOTP(t, h, c)
	login := h.client()
	h.login(login, "anna@example.org", testPassword)
	var r *response
	for i := 0; i < maxCodeAttempts; i++ {
		r = h.post(login, "/anmelden/faktor", url.Values{"code": {"000000"}})
	}
	if !strings.Contains(r.Header.Get("Location"), "zu-viele-codes") {
		t.Fatalf("after %d wrong codes: status %d, Location %q", maxCodeAttempts, r.StatusCode, r.Header.Get("Location"))
	}
	r = h.post(login, "/anmelden/faktor", url.Values{"code": {totpCode(secret, totpStepAt(h.clock.Now()))}})
	if r.Header.Get("Location") == "/" {
		t.Error("the right code works after the flow died")
	}
}

func TestResetNeedsSecondFactor(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	secret := enrollTOTP(t, h, c)

	reset := h.client()
	h.post(reset, "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
	u, _ := url.Parse(h.lastLink("anna@example.org"))
	r := h.post(reset, "/passwort-neu", url.Values{"t": {u.Query().Get("t")}})
	if r.Header.Get("Location") != "/anmelden/faktor" {
		t.Fatalf("reset with TOTP: Location %q, want the second-factor step", r.Header.Get("Location"))
	}
	newPassword := "Ein ganz anderer Satz zum Merken"
	form := url.Values{"password": {newPassword}, "password2": {newPassword}}
	if r := h.post(reset, "/passwort-neu/setzen", form); r.StatusCode == http.StatusSeeOther {
		t.Fatal("password set without the second factor")
	}
	r = h.post(reset, "/anmelden/faktor", url.Values{"code": {totpCode(secret, totpStepAt(h.clock.Now()))}})
	if r.Header.Get("Location") != "/passwort-neu/setzen" {
		t.Fatalf("after code: Location %q", r.Header.Get("Location"))
	}
	if r := h.post(reset, "/passwort-neu/setzen", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password after code: status %d\n%s", r.StatusCode, r.body)
	}
	if h.loggedIn(c) {
		t.Error("old session survived the reset")
	}
}

func TestTOTPGuessesAcrossFlowsLocked(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	enrollTOTP(t, h, c)
	start := h.clock.Now()
	guesses := 0
	// An attacker who has the password and starts a new login whenever
	// the account is not locked, then guesses codes.
	for i := 0; i < 300 && h.clock.Now().Sub(start) < time.Hour; i++ {
		acc := h.account("anna@example.org")
		if wait := acc.LockedUntil.Sub(h.clock.Now()); wait > 0 {
			h.clock.Advance(wait)
			continue
		}
		login := h.client()
		if r := h.login(login, "anna@example.org", testPassword); r.Header.Get("Location") != "/anmelden/faktor" {
			h.clock.Advance(time.Second)
			continue
		}
		for range maxCodeAttempts {
			r := h.post(login, "/anmelden/faktor", url.Values{"code": {"000000"}})
			guesses++
			if r.StatusCode != http.StatusOK {
				break
			}
		}
		h.clock.Advance(time.Second)
	}
	if guesses > 100 {
		t.Errorf("%d code guesses evaluated in one hour, want at most 100", guesses)
	}
}
