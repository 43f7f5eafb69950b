package auth

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/internal/syncbuf"
)

func TestSensitiveActionsNeedRecentLogin(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	h.clock.Advance(11 * time.Minute)
	h.loggedIn(c) // keeps the session from idling out

	forms := []struct {
		path string
		form url.Values
	}{
		{"/konto/email", url.Values{"email": {"neu@example.org"}}},
		{"/konto/totp/einrichten", nil},
		{"/konto/totp/entfernen", url.Values{"password": {testPassword}}},
		{"/konto/passkeys/entfernen", url.Values{"id": {"AAAA"}}},
		{"/konto/daten/export", nil},
		{"/konto/loeschen", url.Values{"confirm": {"ja"}}},
		{"/konto/sitzungen/andere-beenden", nil},
	}
	for _, f := range forms {
		r := h.post(c, f.path, f.form)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/konto/bestaetigen") {
			t.Errorf("POST %s without recent login: status %d, Location %q", f.path, r.StatusCode, loc)
		}
	}
	req, _ := http.NewRequest("POST", h.base+"/konto/passkeys/optionen", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := h.do(c, req); r.StatusCode != http.StatusForbidden {
		t.Errorf("passkey options without recent login: status %d, want 403", r.StatusCode)
	}
	if _, err := h.store.AccountByEmail(context.Background(), "anna@example.org"); err != nil {
		t.Fatalf("account gone without recent login: %v", err)
	}
	if len(h.mails("neu@example.org")) != 0 {
		t.Error("address change mail sent without recent login")
	}

	r := h.post(c, "/konto/bestaetigen", url.Values{"password": {"falsches Passwort für den Test"},
		"weiter": {"/konto/email"}})
	if r.StatusCode == http.StatusSeeOther {
		t.Fatal("re-authentication with a wrong password")
	}
	r = h.post(c, "/konto/bestaetigen", url.Values{"password": {testPassword}, "weiter": {"/konto/email"}})
	if r.Header.Get("Location") != "/konto/email" {
		t.Fatalf("re-authentication: Location %q", r.Header.Get("Location"))
	}
	if r := h.post(c, "/konto/email", url.Values{"email": {"neu@example.org"}}); r.StatusCode != http.StatusOK {
		t.Errorf("address change after re-authentication: status %d", r.StatusCode)
	}
	if len(h.mails("neu@example.org")) != 1 {
		t.Error("no confirmation mail to the new address")
	}
}

func TestEmailChange(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	h.register("bert@example.org", testPassword)

	h.post(c, "/konto/email", url.Values{"email": {"bert@example.org"}})
	if got := h.mails("bert@example.org"); strings.Contains(got[len(got)-1], "email-bestaetigen") {
		t.Error("a taken address got a confirmation link")
	}

	h.post(c, "/konto/email", url.Values{"email": {"anna@example.net"}})
	link := h.lastLink("anna@example.net")
	if r := h.get(h.client(), link); r.StatusCode != http.StatusOK {
		t.Fatalf("confirmation page: status %d", r.StatusCode)
	}
	if h.account("anna@example.org").Email != "anna@example.org" {
		t.Fatal("opening the link changed the address")
	}
	u, _ := url.Parse(link)
	if r := h.post(h.client(), "/email-bestaetigen", url.Values{"t": {u.Query().Get("t")}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: status %d", r.StatusCode)
	}
	if _, err := h.store.AccountByEmail(context.Background(), "anna@example.net"); err != nil {
		t.Errorf("new address not set: %v", err)
	}
	old := h.mails("anna@example.org")
	if !strings.Contains(old[len(old)-1], "anna@example.net") {
		t.Error("old address not told about the change")
	}
	if r := h.login(h.client(), "anna@example.net", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Error("login with the new address fails")
	}
}

// auditLines returns the audit log file's lines decoded as JSON.
func auditLines(t *testing.T, h *harness) ([]map[string]any, string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(h.dataDir, AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line is not JSON: %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out, string(raw)
}

func TestAuditLog(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	session := h.cookie(c, "__Host-session")
	h.post(h.client(), "/passwort-vergessen", url.Values{"email": {"anna@example.org"}})
	resetToken := h.lastLink("anna@example.org")

	injected := "x@example.org\n{\"msg\":\"login.success\",\"actor\":\"forged\"}"
	h.login(h.client(), injected, "geheimes Passwort 12345")
	for range lockoutAfter {
		h.login(h.client(), "anna@example.org", "geheimes Passwort 12345")
	}
	h.post(c, "/abmelden", nil)
	enrollClient := h.client()
	h.clock.Advance(time.Hour)
	h.login(enrollClient, "anna@example.org", testPassword)
	enrollTOTP(t, h, enrollClient)
	acc := h.account("anna@example.org")
	h.admin("POST", "/admin/accounts/"+acc.ID+"/disable", "")

	lines, raw := auditLines(t, h)
	events := map[string]bool{}
	for _, l := range lines {
		events[l["msg"].(string)] = true
		for _, key := range []string{"time", "actor", "ip", "result"} {
			if _, ok := l[key]; !ok {
				t.Errorf("audit line %v lacks %q", l, key)
			}
		}
		ts, _ := l["time"].(string)
		if at, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") || at.IsZero() {
			t.Errorf("audit time %q is not UTC RFC 3339", ts)
		}
		if l["actor"] == "forged" {
			t.Error("a line break in the input forged an audit line")
		}
	}
	for _, want := range []string{"account.created", "login.success", "login.failure", "login.lockout",
		"session.start", "session.end", "factor.add", "admin.disable", "reset.requested"} {
		if !events[want] {
			t.Errorf("no %q event in the audit log", want)
		}
	}
	for _, secret := range []string{testPassword, "geheimes Passwort 12345", session, resetToken} {
		if strings.Contains(raw, secret) {
			t.Errorf("audit log contains a secret: %q", secret)
		}
	}
	if strings.Contains(raw, "x@example.org") {
		t.Error("the audit log records the injected address, which is no valid address")
	}
	stored, err := h.store.ListAudit(context.Background(), acc.ID)
	if err != nil || len(stored) == 0 {
		t.Errorf("store has no audit events for the account: %v", err)
	}
}

func TestAdminNotOnCitizenListener(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	acc := h.account("anna@example.org")
	for _, method := range []string{"GET", "POST", "DELETE"} {
		for _, path := range []string{"/admin/accounts/" + acc.ID + "/disable", "/admin/accounts/" + acc.ID,
			"/admin/accounts/lookup", "/admin"} {
			req, _ := http.NewRequest(method, h.base+path, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if r := h.do(c, req); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s on the citizens' listener: status %d, want 404", method, path, r.StatusCode)
			}
		}
	}
	if h.account("anna@example.org").DisabledAt != (time.Time{}) {
		t.Error("account disabled through the citizens' listener")
	}

	req := httptest.NewRequest("POST", "/admin/accounts/"+acc.ID+"/disable", nil)
	rec := httptest.NewRecorder()
	h.svc.AdminHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("admin call without token: status %d, want 401", rec.Code)
	}
	req.Header.Set("Authorization", "Bearer wrong-token-of-sufficient-length")
	rec = httptest.NewRecorder()
	h.svc.AdminHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("admin call with a wrong token: status %d, want 401", rec.Code)
	}
	if rec := h.admin("POST", "/admin/accounts/lookup", `{"email":"anna@example.org"}`); !strings.Contains(rec.Body.String(), acc.ID) {
		t.Errorf("admin lookup: %d %s", rec.Code, rec.Body)
	}
}

func TestExportOwnDataOnly(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	other := h.register("bert@example.org", testPassword)
	enrollTOTP(t, h, other)
	h.clock.Advance(time.Minute)
	h.loggedIn(c)

	r := h.post(c, "/konto/daten/export", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export: status %d\n%s", r.StatusCode, r.body)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
	var doc Export
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	acc := h.account("anna@example.org")
	if doc.Konto.Email != "anna@example.org" || doc.Konto.ID != acc.ID {
		t.Errorf("export account = %+v", doc.Konto)
	}
	if len(doc.Sitzungen) != 1 || len(doc.Protokoll) == 0 {
		t.Errorf("export has %d sessions and %d events", len(doc.Sitzungen), len(doc.Protokoll))
	}
	if doc.Authenticator != nil {
		t.Error("export shows another account's authenticator app")
	}
	bert := h.account("bert@example.org")
	for _, foreign := range []string{"bert@example.org", bert.ID, acc.PasswordHash} {
		if strings.Contains(r.body, foreign) {
			t.Errorf("export contains %q", foreign)
		}
	}
}

func TestDeleteAccount(t *testing.T) {
	h := newHarness(t)
	c := h.register("anna@example.org", testPassword)
	c2 := h.client()
	h.login(c2, "anna@example.org", testPassword)
	other := h.register("bert@example.org", testPassword)
	acc := h.account("anna@example.org")

	if r := h.post(c, "/konto/loeschen", nil); r.StatusCode == http.StatusSeeOther {
		t.Fatal("deleted without the confirmation box")
	}
	r := h.post(c, "/konto/loeschen", url.Values{"confirm": {"ja"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: status %d\n%s", r.StatusCode, r.body)
	}
	if _, err := h.store.AccountByID(context.Background(), acc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("account still stored: %v", err)
	}
	if h.loggedIn(c) || h.loggedIn(c2) {
		t.Error("a session survived the deletion")
	}
	if !h.loggedIn(other) {
		t.Error("another account's session ended")
	}
	events, _ := h.store.ListAudit(context.Background(), acc.ID)
	deleted := false
	for _, e := range events {
		if e.IP != "" && e.Event != "account.deleted" {
			t.Errorf("audit event %s keeps the address %s", e.Event, e.IP)
		}
		deleted = deleted || e.Event == "account.deleted"
	}
	if !deleted {
		t.Error("no audit entry for the deletion")
	}
	if r := h.login(h.client(), "anna@example.org", testPassword); r.StatusCode == http.StatusSeeOther {
		t.Error("deleted account can log in")
	}
}

func TestProductionMode(t *testing.T) {
	cfg := testConfig("https://konto.emsland.example")
	smtp := SMTPOptions{Addr: "127.0.0.1:1", From: "konto@emsland.example"}

	_, err := New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(), Production: true, SMTP: smtp})
	if err == nil || !strings.Contains(err.Error(), "throw-away") {
		t.Errorf("production on a store in the temporary folder: err = %v", err)
	}
	_, err = New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(), Production: true,
		SMTP: smtp, Store: openMemoryStore(t)})
	if err == nil {
		t.Error("production on an in-memory store started")
	}
	_, err = New(context.Background(), Options{Config: testConfig("http://localhost:8082"),
		DataDir: t.TempDir(), Production: true, Insecure: true, SMTP: smtp})
	if err == nil {
		t.Error("production in insecure mode started")
	}

	// A data folder outside the temporary folder is a real store.
	dataDir := t.TempDir()
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "elsewhere"))
	var logs syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	_, err = New(context.Background(), Options{Config: cfg, DataDir: dataDir, Production: true, Logger: logger})
	if err == nil || !strings.Contains(err.Error(), "SMTP") {
		t.Errorf("production without SMTP: err = %v", err)
	}
	svc, err := New(context.Background(), Options{Config: cfg, DataDir: dataDir, Production: true,
		Logger: logger, SMTP: smtp})
	if err != nil {
		t.Fatalf("production on a durable SQLite store: %v", err)
	}
	svc.Close()
	if !strings.Contains(logs.String(), "backend=sqlite") {
		t.Errorf("log does not name the backend:\n%s", logs.String())
	}

	_, err = New(context.Background(), Options{Config: cfg, DataDir: dataDir, Production: true,
		Logger: logger, SMTP: smtp, DatabaseURL: "postgres://verbund:streng-geheim@127.0.0.1:1/konto?connect_timeout=1"})
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	if strings.Contains(err.Error(), "streng-geheim") || strings.Contains(logs.String(), "streng-geheim") {
		t.Errorf("the database password appears in the error or log: %v", err)
	}
}

func openMemoryStore(t *testing.T) store.Store {
	s, err := store.OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRegisterReturnsToPortal registers from a portal page's "Mein
// Konto" link and checks that the page to return to goes through the
// form, the mail's link and the password form to the welcome page.
func TestRegisterReturnsToPortal(t *testing.T) {
	h := newHarness(t)
	const portal = "https://lingen.emsland.example/leistungen/hundesteuer/"
	c := h.client()
	login := h.get(c, "/anmelden?return="+url.QueryEscape(portal))
	// html/template writes the escapes with lower-case hex digits.
	if !strings.Contains(strings.ToLower(login.body), strings.ToLower(`href="/registrieren?return=`+url.QueryEscape(portal)+`"`)) {
		t.Fatalf("the login page's registration link does not carry the return address:\n%s", login.body)
	}
	form := h.get(c, "/registrieren?return="+url.QueryEscape(portal))
	if !strings.Contains(form.body, `name="return" value="`+portal+`"`) {
		t.Fatalf("the registration form does not carry the return address:\n%s", form.body)
	}
	h.post(c, "/registrieren", url.Values{"email": {"anna@example.org"}, "return": {portal}})
	link := h.lastLink("anna@example.org")
	u, _ := url.Parse(link)
	if got := u.Query().Get("return"); got != portal {
		t.Fatalf("the mail's link returns to %q, want %q", got, portal)
	}
	if page := h.get(c, link); !strings.Contains(page.body, `name="return" value="`+portal+`"`) {
		t.Fatalf("the password form does not carry the return address:\n%s", page.body)
	}
	r := h.post(c, "/registrieren/abschliessen", url.Values{"t": {u.Query().Get("t")}, "return": {portal},
		"password": {testPassword}, "password2": {testPassword}})
	welcome := h.follow(c, r)
	if !strings.Contains(welcome.body, `href="`+portal+`">Zurück zum Portal`) {
		t.Errorf("the welcome page does not lead back to the portal:\n%s", welcome.body)
	}

	// Another host is no return address.
	form = h.get(h.client(), "/registrieren?return="+url.QueryEscape("https://evil.example/"))
	if strings.Contains(form.body, "evil.example") {
		t.Errorf("the form carries a foreign return address:\n%s", form.body)
	}
}
