package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// Per-account throttling: the first lockoutAfter failures in a row cost
// nothing; each further one locks the account for lockoutBase doubled per
// failure, up to lockoutMax. Failures older than failureMemory no longer
// count. With these values an attacker gets about a dozen guesses per
// hour, and a lockout never lasts longer than lockoutMax.
const (
	lockoutAfter  = 5
	lockoutBase   = 30 * time.Second
	lockoutMax    = 15 * time.Minute
	failureMemory = 24 * time.Hour
)

// lockoutFor returns how long the n-th failure in a row locks the account.
func lockoutFor(n int) time.Duration {
	if n < lockoutAfter {
		return 0
	}
	d := lockoutBase
	for i := lockoutAfter; i < n && d < lockoutMax; i++ {
		d *= 2
	}
	return min(d, lockoutMax)
}

const msgLoginFailed = "E-Mail-Adresse oder Passwort ist falsch."

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func (s *Service) home(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.loadSession(r)
	if err != nil {
		return err
	}
	ret := validReturn(r.URL.Query().Get("return"), s.portalOrigins)
	if cur == nil {
		return s.render(w, http.StatusOK, "login", page{Title: "Anmelden", Return: ret,
			Notice: notice(r)})
	}
	totp, passkeys, err := s.hasFactor(r.Context(), cur.account.ID)
	if err != nil {
		return err
	}
	unread, err := s.unreadCount(r, cur)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", page{Title: "Mein Konto", Account: cur.account,
		Return: ret, Notice: notice(r), Data: map[string]any{
			"TOTP": totp, "Passkeys": passkeys, "Level": cur.session.Level, "Unread": unread,
		}})
}

// notices are the fixed messages a redirect may request a page to show.
// The query names one by key, so no text is reflected from the URL.
var notices = map[string]string{
	"abgemeldet":            "Sie sind abgemeldet.",
	"passwort":              "Ihr Passwort wurde geändert.",
	"passwort-neu":          "Ihr neues Passwort ist gespeichert. Alle anderen Sitzungen wurden beendet.",
	"sitzung":               "Die Sitzung wurde beendet.",
	"sitzungen":             "Alle anderen Sitzungen wurden beendet.",
	"email":                 "Ihre neue E-Mail-Adresse ist bestätigt.",
	"totp":                  "Die Authenticator-App ist eingerichtet.",
	"totp-entfernt":         "Die Authenticator-App wurde entfernt.",
	"passkey":               "Der Passkey wurde gespeichert.",
	"passkey-entfernt":      "Der Passkey wurde entfernt.",
	"geloescht":             "Ihr Konto und Ihre Daten wurden gelöscht.",
	"gelesen":               "Die Nachricht ist als gelesen markiert.",
	"archiviert":            "Die Nachricht liegt jetzt im Archiv.",
	"zurueckgeholt":         "Die Nachricht liegt wieder im Postfach.",
	"nachricht-geloescht":   "Die Nachricht wurde gelöscht.",
	"keine-auswahl":         "Bitte wählen Sie zuerst Nachrichten aus.",
	"auswahl-gelesen":       "Die ausgewählten Nachrichten sind als gelesen markiert.",
	"auswahl-archiviert":    "Die ausgewählten Nachrichten liegen jetzt im Archiv.",
	"auswahl-zurueckgeholt": "Die ausgewählten Nachrichten liegen wieder im Postfach.",
	"willkommen":            "Willkommen! Ihr Konto ist eingerichtet.",
	"zu-viele-codes":        "Zu viele falsche Codes. Bitte melden Sie sich erneut an.",
	"abgelaufen":            "Die Anmeldung ist abgelaufen. Bitte beginnen Sie erneut.",
}

func notice(r *http.Request) string {
	return notices[r.URL.Query().Get("hinweis")]
}

func (s *Service) loginPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ret := validReturn(q.Get("return"), s.portalOrigins)
	next := continuePath(q.Get("weiter"))
	return s.render(w, http.StatusOK, "login", page{Title: "Anmelden", Return: ret,
		Next: next, RelyingParty: s.relyingPartyOf(r.Context(), next), Notice: notice(r)})
}

// continuePath returns p if it is a path on this service to continue at
// after login, and "" otherwise.
func continuePath(p string) string {
	if p == "" || len(p) > 4096 {
		return ""
	}
	if lp := localPath(p); lp != "/" {
		return lp
	}
	return ""
}

// afterLoginTarget returns where a login sends the browser: a portal page
// given with return, else a page of this service given with weiter.
func afterLoginTarget(ret, next string) string {
	if ret != "" {
		return ret
	}
	return next
}

// auditAddress returns what the audit trail records of an address typed
// at login: the address if normalizeEmail accepts it, else a fixed
// marker, since people type their password into the wrong field. The
// earlier addresses that loginEmail still looks up are not recorded
// either, since a password with an @ would pass as one.
func auditAddress(email string) string {
	if e, ok := normalizeEmail(email); ok {
		return e
	}
	return "invalid address"
}

// checkPassword verifies a login or re-authentication for an address, ""
// for one that normalizeEmail rejected, and applies the per-account
// lockout. It returns nil for every failure:
// unknown address, disabled or locked account, wrong password. Each
// failure costs one argon2id hash, so timing does not tell them apart.
//
// A correct password does not reset the failure count: when a second
// factor follows, only the completed login does, so wrong codes keep
// adding up across attempts that know the password.
func (s *Service) checkPassword(ctx context.Context, r *http.Request, email, password string) (*store.Account, error) {
	now := s.now()
	ip := s.clientIP(r)
	acc, err := s.store.AccountByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		if _, err := s.verifyPassword(ctx, password, s.dummyHash); err != nil {
			return nil, err
		}
		s.audit.record(ctx, now, auditEntry{Event: "login.failure", IP: ip, Result: "unknown address",
			Detail: auditAddress(email)})
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !acc.DisabledAt.IsZero() || now.Before(acc.LockedUntil) {
		if _, err := s.verifyPassword(ctx, password, s.dummyHash); err != nil {
			return nil, err
		}
		result := "locked"
		if !acc.DisabledAt.IsZero() {
			result = "disabled"
		}
		s.audit.record(ctx, now, auditEntry{Event: "login.failure", AccountID: acc.ID, IP: ip,
			Result: result})
		return nil, nil
	}
	ok, err := s.verifyPassword(ctx, password, acc.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.recordFailure(ctx, acc, ip, "wrong password")
	}

	if needsRehash(acc.PasswordHash, s.argon) {
		if err := s.rehash(ctx, acc, password); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func (s *Service) rehash(ctx context.Context, acc *store.Account, password string) error {
	h, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, acc.ID, h, s.now()); err != nil {
		return err
	}
	acc.PasswordHash = h
	s.log.Info("password rehashed with stronger parameters", "account", acc.ID)
	return nil
}

// recordFailure counts a failed password or code for the account and
// locks it once the failures pile up.
func (s *Service) recordFailure(ctx context.Context, acc *store.Account, ip, result string) error {
	now := s.now()
	n, err := s.store.RecordFailure(ctx, acc.ID, now, failureMemory)
	if err != nil {
		return err
	}
	s.audit.record(ctx, now, auditEntry{Event: "login.failure", AccountID: acc.ID, IP: ip,
		Result: result})
	if d := lockoutFor(n); d > 0 {
		if err := s.store.SetLockedUntil(ctx, acc.ID, now.Add(d)); err != nil {
			return err
		}
		s.audit.record(ctx, now, auditEntry{Event: "login.lockout", AccountID: acc.ID, IP: ip,
			Result: "locked", Detail: d.String()})
	}
	return nil
}

func (s *Service) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if !s.limits.allowClient(rateLogin, s.clientIP(r), s.now()) {
		return errTooMany
	}
	ret := validReturn(r.PostForm.Get("return"), s.portalOrigins)
	next := continuePath(r.PostForm.Get("weiter"))
	email := loginEmail(r.PostForm.Get("email"))
	password := normalizePassword(r.PostForm.Get("password"))
	acc, err := s.checkPassword(r.Context(), r, email, password)
	if err != nil {
		return err
	}
	if acc == nil {
		return s.render(w, http.StatusOK, "login", page{Title: "Anmelden", Return: ret,
			Next: next, RelyingParty: s.relyingPartyOf(r.Context(), next), Error: msgLoginFailed})
	}
	totp, passkeys, err := s.hasFactor(r.Context(), acc.ID)
	if err != nil {
		return err
	}
	if totp || passkeys {
		f := &store.Flow{Purpose: flowLogin, AccountID: acc.ID, Stage: stageFactor,
			ReturnTo: afterLoginTarget(ret, next)}
		if err := s.startFlow(w, r, f); err != nil {
			return err
		}
		return seeOther(w, r, "/anmelden/faktor")
	}

	if err := s.store.ResetFailures(r.Context(), acc.ID); err != nil {
		return err
	}
	if err := s.startSession(w, r, acc, levelPassword); err != nil {
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "login.success", AccountID: acc.ID,
		Actor: acc.ID, IP: s.clientIP(r), Result: "ok", Detail: "password"})
	return seeOther(w, r, afterLogin(afterLoginTarget(ret, next)))
}

func afterLogin(ret string) string {
	if ret != "" {
		return ret
	}
	return "/"
}

func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	if h := s.cookieHash(r, "session"); h != nil {
		sess, err := s.store.SessionByHash(r.Context(), h)
		if err == nil {
			s.audit.record(r.Context(), s.now(), auditEntry{Event: "session.end",
				AccountID: sess.AccountID, Actor: sess.AccountID, IP: s.clientIP(r),
				Result: "ok", Detail: "logout"})
		}
		if err := s.store.DeleteSession(r.Context(), h); err != nil {
			return err
		}
	}
	if h := s.cookieHash(r, "flow"); h != nil {
		if err := s.store.DeleteFlow(r.Context(), h); err != nil {
			return err
		}
	}
	s.clearCookie(w, "session")
	s.clearCookie(w, "flow")
	if err := r.ParseForm(); err == nil {
		if ret := validReturn(r.PostForm.Get("return"), s.portalOrigins); ret != "" {
			return seeOther(w, r, ret)
		}
	}
	return seeOther(w, r, "/?hinweis=abgemeldet")
}

// factorPage shows the second-factor step of a login, reset or
// re-authentication.
func (s *Service) factorPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadFlow(r, flowLogin, flowReset, flowReauth)
	if err != nil {
		return err
	}
	if f == nil || f.Stage != stageFactor {
		return seeOther(w, r, "/anmelden?hinweis=abgelaufen")
	}
	totp, passkeys, err := s.hasFactor(r.Context(), f.AccountID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "factor", page{Title: "Zweiter Faktor",
		RelyingParty: s.relyingPartyOf(r.Context(), f.ReturnTo),
		Data:         map[string]any{"TOTP": totp, "Passkeys": passkeys}})
}

func (s *Service) factorTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if !s.limits.allowClient(rateCode, s.clientIP(r), s.now()) {
		return errTooMany
	}
	f, err := s.loadFlow(r, flowLogin, flowReset, flowReauth)
	if err != nil {
		return err
	}
	if f == nil || f.Stage != stageFactor {
		return seeOther(w, r, "/anmelden?hinweis=abgelaufen")
	}
	acc, err := s.store.AccountByID(r.Context(), f.AccountID)
	if err != nil {
		return err
	}
	ok, err := s.checkTOTP(r.Context(), acc.ID, r.PostForm.Get("code"))
	if err != nil {
		return err
	}
	if !ok {
		return s.factorFailed(w, r, f, acc)
	}
	return s.completeFactor(w, r, f, acc, "totp")
}

// factorFailed counts a wrong code against the flow and the account and
// ends the flow after maxCodeAttempts.
func (s *Service) factorFailed(w http.ResponseWriter, r *http.Request, f *store.Flow, acc *store.Account) error {
	ctx := r.Context()
	if err := s.recordFailure(ctx, acc, s.clientIP(r), "wrong code"); err != nil {
		return err
	}
	n, err := s.store.FailFlow(ctx, f.IDHash)
	if err != nil {
		return err
	}
	if n >= maxCodeAttempts {
		if err := s.store.DeleteFlow(ctx, f.IDHash); err != nil {
			return err
		}
		s.clearCookie(w, "flow")
		return seeOther(w, r, "/anmelden?hinweis=zu-viele-codes")
	}
	totp, passkeys, err := s.hasFactor(ctx, acc.ID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "factor", page{Title: "Zweiter Faktor",
		Error:        "Der Code ist falsch oder schon benutzt.",
		RelyingParty: s.relyingPartyOf(ctx, f.ReturnTo),
		Data:         map[string]any{"TOTP": totp, "Passkeys": passkeys}})
}

// completeFactor finishes a flow whose second factor was just checked
// and returns where the browser goes next.
func (s *Service) completeFactor(w http.ResponseWriter, r *http.Request, f *store.Flow, acc *store.Account, method string) error {
	next, err := s.finishFlow(w, r, f, acc, method)
	if err != nil {
		return err
	}
	return seeOther(w, r, next)
}

func (s *Service) finishFlow(w http.ResponseWriter, r *http.Request, f *store.Flow, acc *store.Account, method string) (string, error) {
	ctx := r.Context()
	now := s.now()
	if err := s.store.ResetFailures(ctx, acc.ID); err != nil {
		return "", err
	}

	switch f.Purpose {
	case flowLogin:
		if err := s.startSession(w, r, acc, levelFactor); err != nil {
			return "", err
		}
		s.audit.record(ctx, now, auditEntry{Event: "login.success", AccountID: acc.ID,
			Actor: acc.ID, IP: s.clientIP(r), Result: "ok", Detail: "password+" + method})
		return afterLogin(f.ReturnTo), nil
	case flowReauth:
		if err := s.store.DeleteFlow(ctx, f.IDHash); err != nil {
			return "", err
		}
		s.clearCookie(w, "flow")
		if err := s.store.SetSessionAuth(ctx, f.SessionHash, now, levelFactor); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return "/anmelden?hinweis=abgelaufen", nil
			}
			return "", err
		}
		s.audit.record(ctx, now, auditEntry{Event: "reauth.success", AccountID: acc.ID,
			Actor: acc.ID, IP: s.clientIP(r), Result: "ok", Detail: "password+" + method})
		return localPath(f.ReturnTo), nil
	case flowReset:
		f.Stage = stagePassword
		f.ExpiresAt = now.Add(tokenLifetime)
		if err := s.store.UpdateFlow(ctx, f); err != nil {
			return "", err
		}
		return "/passwort-neu/setzen", nil
	}

	return "", errors.New("flow of unknown purpose " + f.Purpose)
}

func (s *Service) reauthPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	next := localPath(r.URL.Query().Get("weiter"))
	return s.render(w, http.StatusOK, "reauth", page{Title: "Anmeldung bestätigen",
		Account: cur.account, RelyingParty: s.relyingPartyOf(r.Context(), next), Data: next})
}

func (s *Service) reauth(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	if !s.limits.allowClient(rateLogin, s.clientIP(r), s.now()) {
		return errTooMany
	}
	ctx := r.Context()
	next := localPath(r.PostForm.Get("weiter"))
	password := normalizePassword(r.PostForm.Get("password"))
	acc, err := s.checkPassword(ctx, r, cur.account.Email, password)
	if err != nil {
		return err
	}
	if acc == nil || acc.ID != cur.account.ID {
		return s.render(w, http.StatusOK, "reauth", page{Title: "Anmeldung bestätigen",
			Account: cur.account, RelyingParty: s.relyingPartyOf(ctx, next), Data: next,
			Error: "Das Passwort ist falsch."})
	}
	totp, passkeys, err := s.hasFactor(ctx, acc.ID)
	if err != nil {
		return err
	}
	if totp || passkeys {
		f := &store.Flow{Purpose: flowReauth, AccountID: acc.ID, SessionHash: cur.session.IDHash,
			Stage: stageFactor, ReturnTo: next}
		if err := s.startFlow(w, r, f); err != nil {
			return err
		}
		return seeOther(w, r, "/anmelden/faktor")
	}

	if err := s.store.ResetFailures(ctx, acc.ID); err != nil {
		return err
	}
	if err := s.store.SetSessionAuth(ctx, cur.session.IDHash, s.now(), levelPassword); err != nil {
		return err
	}
	s.audit.record(ctx, s.now(), auditEntry{Event: "reauth.success", AccountID: acc.ID,
		Actor: acc.ID, IP: s.clientIP(r), Result: "ok", Detail: "password"})
	return seeOther(w, r, next)
}
