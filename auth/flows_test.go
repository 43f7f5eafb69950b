package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verbund/verbund/auth/store/storetest"
)

func TestRegisterAndLogin(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	if !h.loggedIn(c) {
		t.Fatal("not logged in after registration")
	}
	home := h.get(c, "/")
	if !strings.Contains(home.body, "anna@example.org") {
		t.Errorf("home page does not show the address:\n%s", home.body)
	}

	c2 := h.client()
	r := h.login(c2, "anna@example.org", testPassword)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login: status %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	if !h.loggedIn(c2) {
		t.Error("second client not logged in")
	}
}

func TestRegistrationLinkSingleUse(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	u, _ := url.Parse(h.lastLink("anna@example.org"))
	form := url.Values{"t": {u.Query().Get("t")}, "password": {testPassword}, "password2": {testPassword}}
	if r := h.post(h.client(), "/registrieren/abschliessen", form); r.StatusCode != http.StatusGone {
		t.Errorf("second use of the registration link: status %d, want 410", r.StatusCode)
	}
	if r := h.get(h.client(), u.RequestURI()); r.StatusCode != http.StatusGone {
		t.Errorf("opening the used registration link: status %d, want 410", r.StatusCode)
	}

	h.post(h.client(), "/registrieren", url.Values{"email": {"bert@example.org"}})
	u, _ = url.Parse(h.lastLink("bert@example.org"))
	h.clock.Advance(tokenLifetime)
	form.Set("t", u.Query().Get("t"))
	if r := h.post(h.client(), "/registrieren/abschliessen", form); r.StatusCode != http.StatusGone {
		t.Errorf("registration link after 10 minutes: status %d, want 410", r.StatusCode)
	}
}

func TestLoginReturnsToPortal(t *testing.T) {
	h := newHarness(t)
	h.register("anna@example.org", testPassword)
	c := h.client()
	page := h.get(c, "/?return="+url.QueryEscape("https://lingen.emsland.example/buergerservice/"))
	if !strings.Contains(page.body, `value="https://lingen.emsland.example/buergerservice/"`) {
		t.Fatalf("login form lacks the return address:\n%s", page.body)
	}
	r := h.post(c, "/anmelden", url.Values{"email": {"anna@example.org"}, "password": {testPassword},
		"return": {"https://lingen.emsland.example/buergerservice/"}})
	if got := r.Header.Get("Location"); got != "https://lingen.emsland.example/buergerservice/" {
		t.Errorf("Location = %q, want the portal page", got)
	}
}

func TestPasswordResetFlow(t *testing.T) {
	h := newHarness(t)
	old := h.register("anna@example.org", testPassword)
	c := h.client()
	h.post(c, "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
	link := h.lastLink("anna@example.org")
	page := h.get(c, link)
	if page.StatusCode != 200 || !strings.Contains(page.body, `method="post"`) {
		t.Fatalf("reset link page: status %d\n%s", page.StatusCode, page.body)
	}

	u, _ := url.Parse(link)
	r := h.post(c, "/passwort-neu", url.Values{"t": {u.Query().Get("t")}})
	if r.Header.Get("Location") != "/passwort-neu/setzen" {
		t.Fatalf("after link: Location %q", r.Header.Get("Location"))
	}

	newPassword := "Ein ganz anderer Satz zum Merken"
	r = h.post(c, "/passwort-neu/setzen", url.Values{"password": {newPassword}, "password2": {newPassword}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: status %d\n%s", r.StatusCode, r.body)
	}

	if !h.loggedIn(c) {
		t.Error("not logged in after reset")
	}

	if h.loggedIn(old) {
		t.Error("older session survived the reset")
	}

	if r := h.login(h.client(), "anna@example.org", testPassword); r.StatusCode == http.StatusSeeOther {
		t.Error("old password still works")
	}

	if r := h.login(h.client(), "anna@example.org", newPassword); r.StatusCode != http.StatusSeeOther {
		t.Error("new password does not work")
	}
}

func TestFlowsOnPostgres(t *testing.T) {
	h := newHarness(t, withStore(storetest.OpenPostgres(t)))
	c := h.register("anna@example.org", testPassword)
	if !h.loggedIn(c) {
		t.Fatal("not logged in after registration")
	}
	secret := enrollTOTP(t, h, c)
	login := h.client()
	if r := h.login(login, "anna@example.org", testPassword); r.Header.Get("Location") != "/anmelden/faktor" {
		t.Fatalf("login: Location %q", r.Header.Get("Location"))
	}
	code := totpCode(secret, totpStepAt(h.clock.Now()))
	if r := h.post(login, "/anmelden/faktor", url.Values{"code": {code}}); r.Header.Get("Location") != "/" {
		t.Fatalf("code: status %d", r.StatusCode)
	}
	if r := h.post(h.client(), "/anmelden/faktor", url.Values{"code": {code}}); r.Header.Get("Location") == "/" {
		t.Error("code accepted without a flow")
	}
	h.post(login, "/abmelden", nil)
	if h.loggedIn(login) {
		t.Error("session survived logout")
	}
}
