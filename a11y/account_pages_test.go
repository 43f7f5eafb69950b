package a11y

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// accountSite names the account service in the audit's page names.
const accountSite = "konto"

// accountURL returns the public address of path on the account service.
func (s *suite) accountURL(path string) string {
	return strings.TrimSuffix(s.cfg.Account.URL, "/") + path
}

// clearCookies deletes every cookie of the browser, which ends the
// session at the account service.
func (tb *tab) clearCookies() {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, storage.ClearCookies, storage.ClearCookiesParams{}); err != nil {
		tb.t.Fatalf("deleting the browser's cookies: %v", err)
	}
}

// openAccountPage loads an account page and fails the test when the
// service sent the browser elsewhere, such as to the login page.
func (tb *tab) openAccountPage(p auditPage) {
	tb.t.Helper()
	tb.open(p.URL)
	if loc := tb.location(); loc != p.URL {
		tb.t.Fatalf("page %s: the browser was sent on to %s", p, loc)
	}
}

// logIn fills the login form of the loaded page and sends it with Enter
// in the password field.
func (tb *tab) logIn(email, password string) {
	tb.t.Helper()
	tb.eval(fmt.Sprintf(`(() => {
  const form = document.querySelector('form[action="/anmelden"]');
  form.elements.email.value = %q;
  form.elements.password.value = %q;
  form.elements.password.focus();
  return true;
})()`, email, password), nil)
	tb.pressAndLoad(kb.Enter)
}

// requestMail sends the e-mail form of path for email and checks that
// the service confirms the mail. It audits the confirmation when audit is
// set.
func (tb *tab) requestMail(path, email string, audit bool) {
	tb.t.Helper()
	tb.openAccountPage(auditPage{Site: accountSite, Kind: "mail form", URL: tb.suite.accountURL(path)})
	tb.eval(fmt.Sprintf(`(() => {
  const field = document.getElementById("email");
  field.value = %q;
  field.focus();
  return true;
})()`, email), nil)
	tb.pressAndLoad(kb.Enter)
	sent := auditPage{Site: accountSite, Kind: "mail sent", URL: tb.location()}
	tb.checkHeading(sent, "E-Mail verschickt")
	if audit {
		tb.audit(sent, "")
	}
}

// auditMailLink opens the newest link to path in the mails to email,
// audits the page, and focuses its first button.
func (tb *tab) auditMailLink(email, path, kind string) {
	tb.t.Helper()
	token, err := tb.suite.account.mailToken(email, path)
	if err != nil {
		tb.t.Fatal(err)
	}
	query := url.Values{"t": {token}}.Encode()
	p := auditPage{Site: accountSite, Kind: kind, URL: tb.suite.accountURL(path + "?" + query)}
	tb.openAccountPage(p)
	tb.audit(p, "")
	tb.eval(`(() => { document.querySelector("main form button").focus(); return true; })()`, nil)
}

// checkHeading fails the test unless the loaded page's h1 is want.
func (tb *tab) checkHeading(p auditPage, want string) {
	tb.t.Helper()
	var h1 string
	tb.eval(`(document.querySelector("h1") || {textContent: ""}).textContent.trim()`, &h1)
	if h1 != want {
		tb.t.Errorf("page %s: the heading is %q, want %q", p, h1, want)
	}
}

// TestAxeAccountPages audits the pages of the account service with the
// rules of the portal audit. It audits the pages without login and those
// that a mailed link opens, then, logged in as the suite's citizen, the
// account pages and the mailbox.
func TestAxeAccountPages(t *testing.T) {
	s := setup(t)
	if s.account == nil {
		t.Skip("sites.toml has no [account] url")
	}
	tb := s.newTab(t)
	tb.viewport(1280, 900)
	tb.clearCookies()
	defer tb.clearCookies()

	page := func(kind, path string) auditPage {
		return auditPage{Site: accountSite, Kind: kind, URL: s.accountURL(path)}
	}
	public := []auditPage{
		page("login", "/anmelden"),
		page("registration", "/registrieren"),
		page("password reset", "/passwort-vergessen"),
	}
	for _, p := range public {
		t.Run(p.Kind, func(t *testing.T) {
			sub := tb.in(t)
			sub.openAccountPage(p)
			sub.audit(p, "")
		})
	}

	t.Run("registration link", func(t *testing.T) {
		sub := tb.in(t)
		sub.requestMail("/registrieren", newcomerEmail, true)
		sub.auditMailLink(newcomerEmail, "/registrieren/abschliessen", "registration finish")
	})
	t.Run("password reset link", func(t *testing.T) {
		sub := tb.in(t)
		sub.requestMail("/passwort-vergessen", accountEmail, false)
		sub.auditMailLink(accountEmail, "/passwort-neu", "password reset link")
		sub.pressAndLoad(kb.Enter)
		p := auditPage{Site: accountSite, Kind: "new password", URL: sub.location()}
		if p.URL != s.accountURL("/passwort-neu/setzen") {
			t.Fatalf("Weiter on the reset link's page opened %s, want /passwort-neu/setzen", p.URL)
		}
		sub.audit(p, "")
	})

	tb.open(s.accountURL("/anmelden"))
	tb.logIn(accountEmail, accountPassword)
	if loc := tb.location(); loc != s.accountURL("/") {
		var text string
		tb.eval(`document.body.innerText`, &text)
		t.Fatalf("logging in as %s led to %s, want the account start page: %s", accountEmail, loc, text)
	}

	message := page("message", "/postfach/"+s.account.messageID)
	private := []auditPage{
		page("account start", "/"),
		page("sessions", "/konto/sitzungen"),
		page("authenticator app", "/konto/totp"),
		page("passkeys", "/konto/passkeys"),
		page("mailbox", "/postfach"),
		page("mailbox archive", "/postfach/archiv"),
		message,
		page("message needing a second factor", "/postfach/"+s.account.stepUpID),
		page("account deletion", "/konto/loeschen"),
		page("re-authentication", "/konto/bestaetigen"),
	}
	for _, p := range private {
		t.Run(p.Kind, func(t *testing.T) {
			sub := tb.in(t)
			sub.openAccountPage(p)
			sub.audit(p, "")
		})
	}

	t.Run("message deletion", func(t *testing.T) {
		sub := tb.in(t)
		sub.openAccountPage(message)
		sub.eval(`(() => {
  document.querySelector('form[action$="/loeschen"] button').focus();
  return true;
})()`, nil)
		sub.pressAndLoad(kb.Enter)
		p := auditPage{Site: accountSite, Kind: "message deletion", URL: sub.location()}
		sub.checkHeading(p, "Nachricht löschen")
		sub.audit(p, "")
	})

	t.Run("authenticator app setup and login", func(t *testing.T) {
		tb.in(t).auditSecondFactor()
	})
}

// auditSecondFactor sets up an authenticator app on the account
// factorEmail and audits the setup page, the page of the app in use and
// the login's second step.
func (tb *tab) auditSecondFactor() {
	tb.t.Helper()
	s := tb.suite
	tb.clearCookies()
	tb.open(s.accountURL("/anmelden"))
	tb.logIn(factorEmail, accountPassword)

	tb.openAccountPage(auditPage{Site: accountSite, Kind: "authenticator app", URL: s.accountURL("/konto/totp")})
	tb.eval(`(() => {
  document.querySelector('form[action="/konto/totp/einrichten"] button').focus();
  return true;
})()`, nil)
	tb.pressAndLoad(kb.Enter)
	setup := auditPage{Site: accountSite, Kind: "authenticator app setup", URL: tb.location()}
	tb.audit(setup, "")
	var secret string
	tb.eval(`(document.querySelector("code.secret") || {textContent: ""}).textContent`, &secret)
	if secret == "" {
		tb.t.Fatalf("page %s shows no secret", setup)
	}
	code, err := totpCode(secret, time.Now())
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.eval(fmt.Sprintf(`(() => {
  const field = document.getElementById("code");
  field.value = %q;
  field.focus();
  return true;
})()`, code), nil)
	tb.pressAndLoad(kb.Enter)
	active := auditPage{Site: accountSite, Kind: "authenticator app in use",
		URL: s.accountURL("/konto/totp?hinweis=totp")}
	if loc := tb.location(); loc != active.URL {
		tb.t.Fatalf("confirming the authenticator app led to %s, want %s", loc, active.URL)
	}
	tb.audit(active, "")

	tb.clearCookies()
	tb.open(s.accountURL("/anmelden"))
	tb.logIn(factorEmail, accountPassword)
	factor := auditPage{Site: accountSite, Kind: "second factor at login", URL: tb.location()}
	if !strings.HasPrefix(factor.URL, s.accountURL("/anmelden/faktor")) {
		tb.t.Fatalf("the login with an authenticator app led to %s, want /anmelden/faktor", factor.URL)
	}
	tb.audit(factor, "")
}
