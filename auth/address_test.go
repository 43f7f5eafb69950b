package auth

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestNormalizeEmail(t *testing.T) {
	valid := map[string]string{
		"anna@example.org":          "anna@example.org",
		"  Anna.Maier@Example.ORG ": "anna.maier@example.org",
		"a+b_c@lingen.emsland.de":   "a+b_c@lingen.emsland.de",
		"anna@Müller.DE":            "anna@müller.de",
		"anna@xn--mller-kva.de":     "anna@müller.de",
		"x@a-b.example":             "x@a-b.example",
	}
	for raw, want := range valid {
		got, ok := normalizeEmail(raw)
		if !ok || got != want {
			t.Errorf("normalizeEmail(%q) = %q, %v; want %q, true", raw, got, ok, want)
		}
	}

	invalid := []string{
		"",
		"x\xff@example.org",
		"x@exa\x00mple.org",
		"x@example.org\r\nBcc: b@example.org",
		"x@exam\tple.org",
		"x\u200b@example.org",
		"x@exam\u202eple.org",
		"jürgen@example.org",
		"x@ex_ample.org",
		"x@-example.org",
		"x@example-.org",
		"x@example..org",
		"x@localhost",
		"a..b@example.org",
		".a@example.org",
		`"a b"@example.org`,
		"Anna <anna@example.org>",
		"a@b@example.org",
		"MySecretPassw0rd!2026",
		strings.Repeat("a", 65) + "@example.org",
		"a@" + strings.Repeat("b", 64) + ".org",
		"a@" + strings.Repeat(strings.Repeat("b", 60)+".", 5) + "org",
	}
	for _, raw := range invalid {
		if got, ok := normalizeEmail(raw); ok || got != "" {
			t.Errorf("normalizeEmail(%q) = %q, %v; want rejected", raw, got, ok)
		}
	}
}

func TestRegisterRejectsInvalidAddresses(t *testing.T) {
	h := newHarness(t)
	for _, raw := range []string{
		"x\xff@example.org",
		"x@exa\x00mple.org",
		"x@example.org\r\nBcc: b@example.org",
		"jürgen@example.org",
	} {
		r := h.post(h.client(), "/registrieren", url.Values{"email": {raw}})
		if !strings.Contains(r.body, "gültige E-Mail-Adresse") {
			t.Errorf("register %q: no error about the address (status %d)", raw, r.StatusCode)
		}
	}
	if entries, _ := os.ReadDir(h.outbox); len(entries) != 0 {
		t.Errorf("%d mails sent to invalid addresses", len(entries))
	}
}

func TestMailToInternationalDomain(t *testing.T) {
	h := newHarness(t)
	h.post(h.client(), "/registrieren", url.Values{"email": {"Anna@Müller.de"}})
	if m := h.mails("anna@xn--mller-kva.de"); len(m) != 1 {
		t.Errorf("%d mails with the domain as A-labels in To, want 1", len(m))
	}
	if m := h.mails("anna@müller.de"); len(m) != 0 {
		t.Error("mail with a raw non-ASCII To header")
	}
}

func TestMailersRejectHeaderInjection(t *testing.T) {
	m, err := newOutboxMailer(t.TempDir(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{
		"a@example.org\r\nBcc: b@example.org",
		"a@example.org\nBcc: b@example.org",
		"a@example.org, b@example.org",
		"x\uFFFD@example.org",
	} {
		if err := m.Send(context.Background(), Message{To: to, Subject: "Test", Body: "x"}); err == nil {
			t.Errorf("outbox accepted recipient %q", to)
		}
	}
	s := &smtpMailer{opts: SMTPOptions{Addr: "127.0.0.1:1", From: "konto@example.org"}}
	err = s.Send(context.Background(), Message{To: "a@example.org\r\nBcc: b@example.org"})
	if err == nil || !strings.Contains(err.Error(), "invalid recipient") {
		t.Errorf("SMTP mailer: error %v, want an invalid recipient before connecting", err)
	}
}

func TestAuditRecordsOnlyValidAddresses(t *testing.T) {
	h := newHarness(t)
	h.login(h.client(), "MySecretPassw0rd!2026", "x")
	// A password with an @ looks like one of the addresses that earlier
	// versions accepted, which a login still looks up.
	h.login(h.client(), "Geheim@Passwort!2026ä", "x")
	h.login(h.client(), "niemand@example.org", "x")

	_, raw := auditLines(t, h)
	for _, typed := range []string{"mysecretpassw0rd", "passwort!2026"} {
		if strings.Contains(strings.ToLower(raw), typed) {
			t.Errorf("audit log contains what was typed as address:\n%s", raw)
		}
	}
	if !strings.Contains(raw, `"detail":"invalid address"`) {
		t.Errorf("audit log lacks the marker for an invalid address:\n%s", raw)
	}
	if !strings.Contains(raw, `"detail":"niemand@example.org"`) {
		t.Errorf("audit log lacks the unknown but valid address:\n%s", raw)
	}

	events, err := h.store.ListAudit(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if strings.Contains(strings.ToLower(e.Detail), "mysecretpassw0rd") {
			t.Errorf("audit table contains what was typed as address: %+v", e)
		}
	}
}

// TestLoginWithEarlierAddress logs in to an account whose address an
// earlier version accepted and the address checks now reject, a
// non-ASCII local part, as that version stored it.
func TestLoginWithEarlierAddress(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hash, err := h.svc.hashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := newAccount("jürgen@example.org", hash, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if _, ok := normalizeEmail("Jürgen@example.org"); ok {
		t.Fatal("normalizeEmail accepts a non-ASCII local part; the case needs another address")
	}
	c := h.client()
	h.login(c, " Jürgen@Example.org ", testPassword)
	if !h.loggedIn(c) {
		t.Error("the account of an earlier version's address cannot log in")
	}
	if rec := h.admin("POST", "/admin/accounts/lookup", `{"email": "jürgen@example.org"}`); rec.Code != 200 {
		t.Errorf("admin lookup of the account: status %d\n%s", rec.Code, rec.Body)
	}
}
