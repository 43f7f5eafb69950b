package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// setCookie puts a cookie into a client's jar for the account origin.
func (h *harness) setCookie(c *http.Client, name, value string) {
	u, _ := url.Parse(h.base)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func (h *harness) clientWith(name, value string) *http.Client {
	c := h.client()
	h.setCookie(c, name, value)
	return c
}

func TestSessionCookieAttributes(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	r := h.login(h.client(), "anna@example.org", testPassword)
	var raw string
	for _, v := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "__Host-session=") {
			raw = v
		}
	}
	if raw == "" {
		t.Fatalf("no __Host-session cookie in %q", r.Header.Values("Set-Cookie"))
	}
	for _, attr := range []string{"; Path=/", "; HttpOnly", "; Secure", "; SameSite=Lax"} {
		if !strings.Contains(raw, attr) {
			t.Errorf("Set-Cookie %q lacks %q", raw, attr)
		}
	}
	if strings.Contains(strings.ToLower(raw), "domain=") {
		t.Errorf("Set-Cookie %q has a Domain attribute", raw)
	}
}

func TestInsecureModeCookies(t *testing.T) {
	cfg := testConfig("http://localhost:8082")
	svc, err := New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(),
		Insecure: true, Addr: "127.0.0.1:8082", Store: openTestStore(t)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer svc.Close()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://localhost:8082/abmelden", nil)
	svc.Handler().ServeHTTP(rec, req)
	raw := strings.Join(rec.Header().Values("Set-Cookie"), "\n")
	if !strings.Contains(raw, "session=;") || strings.Contains(raw, "__Host-") {
		t.Errorf("insecure cookies = %q, want plain names", raw)
	}
	if strings.Contains(raw, "Secure") {
		t.Errorf("insecure cookies = %q, want no Secure", raw)
	}

	for _, bad := range []struct{ url, addr string }{
		{"http://konto.emsland.example", "127.0.0.1:8082"},
		{"http://localhost:8082", "0.0.0.0:8082"},
	} {
		_, err := New(context.Background(), Options{Config: testConfig(bad.url), DataDir: t.TempDir(),
			Insecure: true, Addr: bad.addr, Store: openTestStore(t)})
		if err == nil {
			t.Errorf("insecure mode accepted for %s on %s", bad.url, bad.addr)
		}
	}
}

func TestSessionFixation(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)

	planted := "attacker-chosen-session-identifier-value-1234567"
	c := h.clientWith("__Host-session", planted)
	h.login(c, "anna@example.org", testPassword)
	got := h.cookie(c, "__Host-session")
	if got == "" || got == planted {
		t.Fatalf("session cookie after login = %q, want a new identifier", got)
	}
	if h.loggedIn(h.clientWith("__Host-session", planted)) {
		t.Error("the planted identifier was promoted")
	}

	before := got
	h.login(c, "anna@example.org", testPassword)
	after := h.cookie(c, "__Host-session")
	if after == before {
		t.Error("a second login kept the existing identifier")
	}
	if h.loggedIn(h.clientWith("__Host-session", before)) {
		t.Error("the identifier from before the second login still works")
	}
	if !h.loggedIn(c) {
		t.Error("the new identifier does not work")
	}
}

func TestSessionIdentifierStorage(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	value := h.cookie(c, "__Host-session")
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		t.Fatalf("cookie %q is not base64url: %v", value, err)
	}

	if len(raw)*8 < 128 {
		t.Errorf("session identifier has %d bits, want at least 128", len(raw)*8)
	}

	acc := h.account("anna@example.org")
	list, err := h.store.ListSessions(context.Background(), acc.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListSessions = %v, %v", list, err)
	}

	sum := sha256.Sum256([]byte(value))
	if !bytes.Equal(list[0].IDHash, sum[:]) {
		t.Error("the store does not keep the SHA-256 hash of the identifier")
	}

	if bytes.Contains(list[0].IDHash, []byte(value)) {
		t.Error("the store keeps the identifier itself")
	}

	// What a copy of the database holds cannot be replayed as a cookie.
	for _, stolen := range []string{hex.EncodeToString(list[0].IDHash),
		base64.RawURLEncoding.EncodeToString(list[0].IDHash)} {
		if h.loggedIn(h.clientWith("__Host-session", stolen)) {
			t.Errorf("the stored hash %q works as a cookie", stolen)
		}
	}

	// Two logins never share an identifier.
	other := h.client()
	h.login(other, "anna@example.org", testPassword)
	if h.cookie(other, "__Host-session") == value {
		t.Error("two sessions got the same identifier")
	}
}

func TestLogoutRevokesSession(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	value := h.cookie(c, "__Host-session")
	r := h.post(c, "/abmelden", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d", r.StatusCode)
	}
	if h.loggedIn(h.clientWith("__Host-session", value)) {
		t.Error("the cookie from before logout still works")
	}
}

func TestSessionTimeouts(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	h.clock.Advance(29 * time.Minute)
	if !h.loggedIn(c) {
		t.Fatal("session ended before the idle timeout")
	}
	h.clock.Advance(30 * time.Minute)
	if h.loggedIn(c) {
		t.Error("session survived 30 idle minutes")
	}

	c = h.client()
	h.login(c, "anna@example.org", testPassword)
	for elapsed := time.Duration(0); elapsed < 11*time.Hour+40*time.Minute; elapsed += 20 * time.Minute {
		h.clock.Advance(20 * time.Minute)
		if !h.loggedIn(c) {
			t.Fatalf("active session ended after %v", elapsed+20*time.Minute)
		}
	}
	h.clock.Advance(20 * time.Minute)
	if h.loggedIn(c) {
		t.Error("active session outlived the 12-hour absolute timeout")
	}
}

var sessionRef = regexp.MustCompile(`name="ref" value="([0-9a-f]+)"`)

func TestSessionListAndEnd(t *testing.T) {
	h := newHarness(t)
	c1 := h.register("anna@example.org", testPassword)
	c2, c3 := h.client(), h.client()
	h.login(c2, "anna@example.org", testPassword)
	h.login(c3, "anna@example.org", testPassword)
	other := h.register("bert@example.org", testPassword)

	page := h.get(c1, "/konto/sitzungen")
	refs := sessionRef.FindAllStringSubmatch(page.body, -1)
	if len(refs) != 3 {
		t.Fatalf("session list shows %d sessions, want 3", len(refs))
	}
	if !strings.Contains(page.body, "dieses Gerät") {
		t.Error("session list does not mark the current session")
	}

	// Another account's session is not found.
	otherHash := sha256.Sum256([]byte(h.cookie(other, "__Host-session")))
	r := h.post(c1, "/konto/sitzungen/beenden", url.Values{"ref": {hex.EncodeToString(otherHash[:])}})
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("ending another account's session: status %d, want 404", r.StatusCode)
	}
	if !h.loggedIn(other) {
		t.Error("another account's session was ended")
	}

	// Ending sessions needs a recent authentication.
	h.clock.Advance(11 * time.Minute)
	r = h.post(c1, "/konto/sitzungen/andere-beenden", nil)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/konto/bestaetigen") {
		t.Fatalf("ending sessions without recent login: Location %q", loc)
	}
	if !h.loggedIn(c2) {
		t.Fatal("sessions ended without re-authentication")
	}
	r = h.post(c1, "/konto/bestaetigen", url.Values{"password": {testPassword}, "weiter": {"/konto/sitzungen"}})
	if r.Header.Get("Location") != "/konto/sitzungen" {
		t.Fatalf("re-authentication: Location %q", r.Header.Get("Location"))
	}

	c2Hash := sha256.Sum256([]byte(h.cookie(c2, "__Host-session")))
	h.post(c1, "/konto/sitzungen/beenden", url.Values{"ref": {hex.EncodeToString(c2Hash[:])}})
	if h.loggedIn(c2) {
		t.Error("ended session still works")
	}
	if !h.loggedIn(c3) {
		t.Error("ending one session ended another")
	}
	h.post(c1, "/konto/sitzungen/andere-beenden", nil)
	if h.loggedIn(c3) {
		t.Error("\"end all others\" left a session")
	}
	if !h.loggedIn(c1) {
		t.Error("\"end all others\" ended the current session")
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	h := newHarness(t)
	c1 := h.register("anna@example.org", testPassword)
	page := h.get(c1, "/konto/passwort")
	if !strings.Contains(page.body, `name="end_others"`) {
		t.Fatal("password form does not offer to end the other sessions")
	}
	c2 := h.client()
	h.login(c2, "anna@example.org", testPassword)

	second := "Zweiter langer Satz für das Konto"
	r := h.post(c1, "/konto/passwort", url.Values{"current": {testPassword},
		"password": {second}, "password2": {second}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change without ending others: status %d\n%s", r.StatusCode, r.body)
	}
	if !h.loggedIn(c2) {
		t.Error("other session ended although the box was unticked")
	}
	third := "Dritter langer Satz für das Konto"
	h.post(c1, "/konto/passwort", url.Values{"current": {second},
		"password": {third}, "password2": {third}, "end_others": {"1"}})
	if h.loggedIn(c2) {
		t.Error("other session survived a password change with the box ticked")
	}
	if !h.loggedIn(c1) {
		t.Error("the changing session was ended")
	}
}

func TestDisableEndsEverything(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	acc := h.account("anna@example.org")

	// A pending reset link and a half-finished flow.
	h.post(h.client(), "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
	link := h.lastLink("anna@example.org")
	enrollTOTP(t, h, c)
	flowClient := h.client()
	h.login(flowClient, "anna@example.org", testPassword)

	rec := h.admin("POST", "/admin/accounts/"+acc.ID+"/disable", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("disable: status %d: %s", rec.Code, rec.Body)
	}
	if h.loggedIn(c) {
		t.Error("session survived disabling")
	}
	if r := h.get(h.client(), link); r.StatusCode != http.StatusGone {
		t.Errorf("reset link after disabling: status %d, want 410", r.StatusCode)
	}
	if r := h.get(flowClient, "/anmelden/faktor"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("second-factor step after disabling: status %d, want a redirect to login", r.StatusCode)
	}
	if r := h.login(h.client(), "anna@example.org", testPassword); r.StatusCode == http.StatusSeeOther {
		t.Error("disabled account can log in")
	}
	if rec := h.admin("POST", "/admin/accounts/"+acc.ID+"/enable", ""); rec.Code != http.StatusOK {
		t.Fatalf("enable: status %d", rec.Code)
	}
	if r := h.login(h.client(), "anna@example.org", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Error("re-enabled account cannot log in")
	}
}

// admin calls the admin API with the service's token.
func (h *harness) admin(method, path, body string) *httptest.ResponseRecorder {
	token, err := os.ReadFile(filepath.Join(h.dataDir, AdminTokenFile))
	if err != nil {
		h.t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.svc.AdminHandler().ServeHTTP(rec, req)
	return rec
}
