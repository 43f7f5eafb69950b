package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
)

// postRoutes are every state-changing route of the citizens' handler.
var postRoutes = []string{
	"/anmelden", "/anmelden/faktor", "/anmelden/passkey/optionen", "/anmelden/passkey/pruefen",
	"/abmelden", "/registrieren", "/registrieren/erneut", "/registrieren/abschliessen",
	"/passwort-vergessen", "/passwort-neu", "/passwort-neu/setzen", "/konto/bestaetigen",
	"/konto/passwort", "/konto/sitzungen/beenden", "/konto/sitzungen/andere-beenden",
	"/konto/email", "/email-bestaetigen", "/konto/totp/einrichten", "/konto/totp/bestaetigen",
	"/konto/totp/entfernen", "/konto/passkeys/optionen", "/konto/passkeys/speichern",
	"/konto/passkeys/entfernen", "/konto/daten/export", "/konto/loeschen",
}

func (h *harness) postFrom(c *http.Client, path, origin, fetchSite string) *response {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.base+path, strings.NewReader("email=anna%40example.org"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	return h.do(c, req)
}

func TestCrossSiteRequestsRejected(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	for _, path := range postRoutes {
		if r := h.postFrom(c, path, "https://evil.example", "cross-site"); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s cross-site: status %d, want 403", path, r.StatusCode)
		}
		if r := h.postFrom(c, path, "https://evil.example", ""); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s with foreign Origin: status %d, want 403", path, r.StatusCode)
		}
	}
	if !h.loggedIn(c) {
		t.Error("a rejected cross-site logout ended the session")
	}
	if mails := h.mails("anna@example.org"); len(mails) != 1 {
		t.Errorf("rejected requests sent mail: %d mails", len(mails))
	}
}

func TestSiblingOriginsRejected(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)

	for _, origin := range []string{"https://evil.lingen.emsland.example", "https://evil.emsland.example",
		"http://lingen.emsland.example", "https://lingen.emsland.example.evil.com"} {
		if r := h.postFrom(c, "/abmelden", origin, "same-site"); r.StatusCode != http.StatusForbidden {
			t.Errorf("logout from %s: status %d, want 403", origin, r.StatusCode)
		}
	}
	if !h.loggedIn(c) {
		t.Fatal("a rejected logout ended the session")
	}
	// A portal is on the logout allow-list, but on no other route.
	for _, path := range []string{"/konto/passwort", "/konto/loeschen", "/anmelden", "/konto/email"} {
		if r := h.postFrom(c, path, "https://lingen.emsland.example", "same-site"); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s from a portal: status %d, want 403", path, r.StatusCode)
		}
	}
	r := h.postFrom(c, "/abmelden", "https://lingen.emsland.example", "same-site")
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout from the portal: status %d, want 303", r.StatusCode)
	}
	if h.loggedIn(c) {
		t.Error("logout from the portal did not end the session")
	}
}

// TestPortalOriginsNormalized checks the origin of a portal whose url
// is written in upper case with an umlaut: browsers send it as punycode,
// which the logout form and the form-action of the login page accept.
func TestPortalOriginsNormalized(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)

	const origin = "https://xn--emsbren-q2a.emsland.example"
	resp := h.get(h.client(), "/anmelden")
	csp := resp.Header.Get("Content-Security-Policy")
	_, formAction, _ := strings.Cut(csp, "form-action ")
	formAction, _, _ = strings.Cut(formAction, ";")
	if !strings.Contains(" "+formAction+" ", " "+origin+" ") {
		t.Errorf("form-action %q lacks %s", formAction, origin)
	}
	if strings.Contains(formAction, "ü") || strings.Contains(formAction, "Emsland") {
		t.Errorf("form-action %q has the url as written in sites.toml", formAction)
	}

	if r := h.postFrom(c, "/abmelden", origin, "same-site"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout from %s: status %d, want 303", origin, r.StatusCode)
	}
	if h.loggedIn(c) {
		t.Error("logout from the portal did not end the session")
	}
}

func TestSiteURLNotOrigin(t *testing.T) {
	cfg := testConfig("https://konto.example.com")
	cfg.Sites[1].URL = "https://lingen.emsland.example/portal/"
	_, err := New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(), Store: openTestStore(t)})
	if err == nil {
		t.Fatal("New accepted a site url with a path")
	}
	for _, want := range []string{`site "lingen"`, `has the path "/portal/"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %s", err, want)
		}
	}
}

// TestAccountOriginNormalized checks that the issuer and the relying
// party ID of passkeys use the account origin in the form browsers send.
func TestAccountOriginNormalized(t *testing.T) {
	cfg := testConfig("https://Konto.Emsbüren.example:443/")
	svc, err := New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(), Store: openTestStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if want := "https://konto.xn--emsbren-q2a.example"; svc.origin != want {
		t.Errorf("origin = %q, want %q", svc.origin, want)
	}
	if want := "konto.xn--emsbren-q2a.example"; svc.webauthn.Config.RPID != want {
		t.Errorf("relying party ID = %q, want %q", svc.webauthn.Config.RPID, want)
	}
}

func TestNoStateChangeByGet(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	for _, path := range postRoutes {
		for _, method := range []string{"GET", "HEAD"} {
			if isPageRoute(path) {
				continue
			}
			req, _ := http.NewRequest(method, h.base+path, nil)
			if r := h.do(c, req); r.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", method, path, r.StatusCode)
			}
		}
	}
	if !h.loggedIn(c) {
		t.Error("a GET ended the session")
	}

	// Opening a mailed link, as a mail scanner does, uses nothing up.
	h.post(h.client(), "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
	link := h.lastLink("anna@example.org")
	for range 3 {
		if r := h.get(h.client(), link); r.StatusCode != http.StatusOK {
			t.Fatalf("GET reset link: status %d", r.StatusCode)
		}
	}
	u, _ := url.Parse(link)
	r := h.post(h.client(), "/passwort-neu", url.Values{"t": {u.Query().Get("t")}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("POST after GETs of the link: status %d, want 303", r.StatusCode)
	}
}

// isPageRoute reports whether a POST route also has a GET page.
func isPageRoute(path string) bool {
	switch path {
	case "/anmelden", "/anmelden/faktor", "/registrieren", "/registrieren/abschliessen",
		"/passwort-vergessen", "/passwort-neu", "/passwort-neu/setzen", "/konto/bestaetigen",
		"/konto/passwort", "/konto/email", "/email-bestaetigen", "/konto/loeschen":
		return true
	}
	return false
}

func TestJSONCallsNeedJSON(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	for _, path := range []string{"/konto/passkeys/optionen", "/konto/passkeys/speichern",
		"/anmelden/passkey/optionen", "/anmelden/passkey/pruefen"} {
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			req, _ := http.NewRequest("POST", h.base+path, strings.NewReader("{}"))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if r := h.do(c, req); r.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("POST %s as %q: status %d, want 415", path, ct, r.StatusCode)
			}
		}
	}
	req, _ := http.NewRequest("POST", h.base+"/konto/passkeys/optionen", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := h.do(c, req); r.StatusCode != http.StatusOK {
		t.Errorf("POST passkey options as JSON: status %d, want 200\n%s", r.StatusCode, r.body)
	}
}

func TestCORSExactOrigins(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	ask := func(method, origin string) *response {
		req, _ := http.NewRequest(method, h.base+"/api/sitzung", nil)
		req.Header.Set("Origin", origin)
		if method == "OPTIONS" {
			req.Header.Set("Access-Control-Request-Method", "GET")
		}
		return h.do(c, req)
	}
	for _, method := range []string{"GET", "OPTIONS"} {
		for origin, allow := range map[string]string{
			"https://lingen.emsland.example":          "https://lingen.emsland.example",
			"https://haren.emsland.example":           "https://haren.emsland.example",
			"https://xn--emsbren-q2a.emsland.example": "https://xn--emsbren-q2a.emsland.example",
			"https://LINGEN.emsland.example:443":      "https://lingen.emsland.example",
		} {
			r := ask(method, origin)
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != allow {
				t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want %q", method, origin, got, allow)
			}
			if r.Header.Get("Access-Control-Allow-Credentials") != "true" {
				t.Errorf("%s from %s: credentials not allowed", method, origin)
			}
			if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("%s from %s: no Vary: Origin", method, origin)
			}
		}
		for _, origin := range []string{"null", "https://evil.example", "http://lingen.emsland.example",
			"https://lingen.emsland.example.evil.com", "https://evil.lingen.emsland.example",
			"https://lingen.emsland.example:8443", "https://lingen-emsland.example", "*"} {
			r := ask(method, origin)
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want none", method, origin, got)
			}
			if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("%s from %s: no Vary: Origin", method, origin)
			}
		}
	}
}

func TestReturnAddresses(t *testing.T) {
	portals := map[string]bool{}
	for _, site := range testConfig("https://konto.example.com").Sites {
		origin, err := federation.ParseOrigin(site.URL)
		if err != nil {
			t.Fatal(err)
		}
		portals[origin] = true
	}
	valid := map[string]string{
		"https://lingen.emsland.example":                      "https://lingen.emsland.example/",
		"https://lingen.emsland.example/":                     "https://lingen.emsland.example/",
		"https://LINGEN.emsland.example/a/b?x=1#top":          "https://lingen.emsland.example/a/b?x=1#top",
		"https://lingen.emsland.example:443/konto":            "https://lingen.emsland.example/konto",
		"https://haren.emsland.example/leistungen/":           "https://haren.emsland.example/leistungen/",
		"https://xn--emsbren-q2a.emsland.example/leistungen/": "https://xn--emsbren-q2a.emsland.example/leistungen/",
		"https://emsbüren.emsland.example/leistungen/":        "https://xn--emsbren-q2a.emsland.example/leistungen/",
	}
	for in, want := range valid {
		if got := validReturn(in, portals); got != want {
			t.Errorf("validReturn(%q) = %q, want %q", in, got, want)
		}
	}
	invalid := []string{
		"", "/konto", "//evil.example/", "https://evil.example/", "http://lingen.emsland.example/",
		"https://lingen.emsland.example.evil.com/", "https://evil.lingen.emsland.example/",
		"https://user@lingen.emsland.example/", "https://lingen.emsland.example:8443/",
		"javascript:alert(1)", "https:lingen.emsland.example", "https://lingen.emsland.example\\@evil.example",
		"https://haren.emsland.example/portal/../admin", "https://haren.emsland.example/portal/%2e%2e/admin",
		"https://xn--emsbren-q2a.emsland.example.evil.com/",
		"https://lingen.emsland.example/\r\nLocation: https://evil.example", "data:text/html,hi",
	}
	for _, in := range invalid {
		if got := validReturn(in, portals); got != "" {
			t.Errorf("validReturn(%q) = %q, want rejection", in, got)
		}
	}

	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	for _, in := range invalid {
		r := h.post(h.client(), "/anmelden", url.Values{"email": {"anna@example.org"},
			"password": {testPassword}, "return": {in}})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("login with return %q redirected to %q, want /", in, loc)
		}
	}
	for _, path := range []string{"//evil.example", "https://evil.example", "/\\evil.example"} {
		if got := localPath(path); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", path, got)
		}
	}
}
