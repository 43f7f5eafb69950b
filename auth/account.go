package auth

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/verbund/verbund/auth/store"
)

func (s *Service) passwordPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	return s.render(w, http.StatusOK, "password", page{Title: "Passwort ändern", Account: cur.account})
}

// changePassword needs the current password, whatever the session's age,
// and by default ends the account's other sessions.
func (s *Service) changePassword(w http.ResponseWriter, r *http.Request) error {
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
	fail := func(msg string) error {
		return s.render(w, http.StatusOK, "password", page{Title: "Passwort ändern",
			Account: cur.account, Error: msg})
	}

	acc, err := s.checkPassword(ctx, r, cur.account.Email, normalizePassword(r.PostForm.Get("current")))
	if err != nil {
		return err
	}

	if acc == nil || acc.ID != cur.account.ID {
		return fail("Das bisherige Passwort ist falsch.")
	}

	if err := s.store.ResetFailures(ctx, acc.ID); err != nil {
		return err
	}

	totp, passkeys, err := s.hasFactor(ctx, acc.ID)
	if err != nil {
		return err
	}

	password := normalizePassword(r.PostForm.Get("password"))
	if msg := s.passwordProblem(password, r.PostForm.Get("password2"), acc.Email, totp || passkeys); msg != "" {
		return fail(msg)
	}

	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}

	now := s.now()
	if err := s.store.SetPassword(ctx, acc.ID, hash, now); err != nil {
		return err
	}

	if err := s.store.SetSessionAuth(ctx, cur.session.IDHash, now, cur.session.Level); err != nil {
		return err
	}

	ended := 0
	if r.PostForm.Get("end_others") != "" {
		if ended, err = s.store.DeleteSessions(ctx, acc.ID, cur.session.IDHash); err != nil {
			return err
		}
	}

	s.audit.record(ctx, now, auditEntry{Event: "password.change", AccountID: acc.ID, Actor: acc.ID,
		IP: s.clientIP(r), Result: "ok", Detail: fmt.Sprintf("%d other sessions ended", ended)})
	if err := s.sendMail(ctx, Message{To: acc.Email, Subject: "Ihr Passwort wurde geändert",
		Body: mailPasswordChanged(s.cfg.Name)}); err != nil {
		s.log.Error("sending password change notice failed", "account", acc.ID, "err", err)
	}

	return seeOther(w, r, "/?hinweis=passwort")
}

// sessionView is a session as the sessions page shows it.
type sessionView struct {
	Ref       string
	Current   bool
	CreatedAt time.Time
	LastSeen  time.Time
	UserAgent string
	IP        string
}

func (s *Service) sessionsPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	list, err := s.store.ListSessions(r.Context(), cur.account.ID)
	if err != nil {
		return err
	}
	now := s.now()
	var views []sessionView
	for _, x := range list {
		if !now.Before(x.ExpiresAt) || now.Sub(x.LastSeenAt) >= s.opts.IdleTimeout {
			continue
		}
		views = append(views, sessionView{Ref: hex.EncodeToString(x.IDHash),
			Current: bytes.Equal(x.IDHash, cur.session.IDHash), CreatedAt: x.CreatedAt,
			LastSeen: x.LastSeenAt, UserAgent: x.UserAgent, IP: x.IP})
	}
	return s.render(w, http.StatusOK, "sessions", page{Title: "Angemeldete Geräte",
		Account: cur.account, Notice: notice(r), Data: views})
}

// endSession ends one of the account's own sessions, named by the hex
// of its hash. Another account's session is not found.
func (s *Service) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	cur, err := s.requireRecent(w, r, "/konto/sitzungen")
	if err != nil || cur == nil {
		return err
	}

	ctx := r.Context()
	h, err := hex.DecodeString(r.PostForm.Get("ref"))
	if err != nil {
		return errBadForm
	}

	x, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) || (err == nil && x.AccountID != cur.account.ID) {
		return errNotFound
	}

	if err != nil {
		return err
	}

	if err := s.store.DeleteSession(ctx, h); err != nil {
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "session.end", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "ended from session list"})
	if bytes.Equal(h, cur.session.IDHash) {
		s.clearCookie(w, "session")
		return seeOther(w, r, "/?hinweis=abgemeldet")
	}

	return seeOther(w, r, "/konto/sitzungen?hinweis=sitzung")
}

func (s *Service) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireRecent(w, r, "/konto/sitzungen")
	if err != nil || cur == nil {
		return err
	}
	n, err := s.store.DeleteSessions(r.Context(), cur.account.ID, cur.session.IDHash)
	if err != nil {
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "session.end", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok",
		Detail: fmt.Sprintf("%d other sessions ended", n)})
	return seeOther(w, r, "/konto/sitzungen?hinweis=sitzungen")
}

func (s *Service) emailPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireRecent(w, r, "/konto/email")
	if err != nil || cur == nil {
		return err
	}
	return s.render(w, http.StatusOK, "email", page{Title: "E-Mail-Adresse ändern", Account: cur.account})
}

// changeEmail mails a confirmation link to the new address. A taken
// address gets a note instead, and the page reads the same either way.
func (s *Service) changeEmail(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	cur, err := s.requireRecent(w, r, "/konto/email")
	if err != nil || cur == nil {
		return err
	}

	email, ok := normalizeEmail(r.PostForm.Get("email"))
	if !ok || email == cur.account.Email {
		return s.render(w, http.StatusOK, "email", page{Title: "E-Mail-Adresse ändern",
			Account: cur.account, Error: "Bitte geben Sie eine neue, gültige E-Mail-Adresse an."})
	}

	ip := s.clientIP(r)
	if err := s.allowMail(ip, email); err != nil {
		return err
	}

	ctx := r.Context()
	_, err = s.store.AccountByEmail(ctx, email)
	switch {
	case err == nil:
		err = s.sendMail(ctx, Message{To: email, Subject: "Ihr Bürgerkonto",
			Body: mailEmailTaken(s.cfg.Name)})
	case errors.Is(err, store.ErrNotFound):
		var tok string
		if tok, err = s.newToken(ctx, purposeEmail, cur.account.ID, email); err == nil {
			link := s.link("/email-bestaetigen", url.Values{"t": {tok}})
			err = s.sendMail(ctx, Message{To: email, Subject: "Bitte bestätigen Sie Ihre neue E-Mail-Adresse",
				Body: mailEmailChange(s.cfg.Name, link)})
		}
	}

	if err != nil {
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "email.change.requested", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: ip, Result: "mail sent"})
	return s.render(w, http.StatusOK, "message", page{Title: "E-Mail verschickt",
		Account: cur.account, Notice: msgMailSent})
}

func (s *Service) emailConfirmPage(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	t, err := s.peekToken(r.Context(), purposeEmail, tok)
	if err != nil {
		return tokenPage(err)
	}
	return s.render(w, http.StatusOK, "confirm_link", page{Title: "E-Mail-Adresse bestätigen",
		Data: map[string]string{"Action": "/email-bestaetigen", "Token": tok,
			"Text":   "Neue E-Mail-Adresse für Ihr Bürgerkonto: " + t.Email,
			"Button": "Adresse bestätigen"}})
}

func (s *Service) emailConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	if !s.limits.allowClient(rateCode, s.clientIP(r), s.now()) {
		return errTooMany
	}

	ctx := r.Context()
	t, err := s.useToken(ctx, purposeEmail, r.PostForm.Get("t"))
	if err != nil {
		return tokenPage(err)
	}

	acc, err := s.store.AccountByID(ctx, t.AccountID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !acc.DisabledAt.IsZero()) {
		return errLinkInvalid
	}

	if err != nil {
		return err
	}

	old := acc.Email
	if err := s.store.SetEmail(ctx, acc.ID, t.Email, s.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errPage(http.StatusConflict, "Adresse vergeben",
				"Für diese E-Mail-Adresse gibt es inzwischen ein anderes Konto.")
		}
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "email.change", AccountID: acc.ID,
		Actor: acc.ID, IP: s.clientIP(r), Result: "ok"})
	if err := s.sendMail(ctx, Message{To: old, Subject: "Ihre E-Mail-Adresse wurde geändert",
		Body: mailEmailChanged(s.cfg.Name, t.Email)}); err != nil {
		s.log.Error("sending address change notice failed", "account", acc.ID, "err", err)
	}

	return seeOther(w, r, "/?hinweis=email")
}

func (s *Service) dataPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	return s.render(w, http.StatusOK, "data", page{Title: "Meine Daten", Account: cur.account})
}

// Export is the JSON document a citizen downloads: everything stored
// about the account except secrets (password hash, TOTP secret, session
// identifiers), whose existence it reports instead.
type Export struct {
	Erstellt time.Time `json:"erstellt"`
	Konto    struct {
		ID           string    `json:"id"`
		Email        string    `json:"email"`
		Angelegt     time.Time `json:"angelegt"`
		Geaendert    time.Time `json:"geaendert"`
		Fehlversuche int       `json:"fehlversuche"`
	} `json:"konto"`
	Authenticator *struct {
		Eingerichtet time.Time `json:"eingerichtet"`
		Bestaetigt   bool      `json:"bestaetigt"`
	} `json:"authenticator_app"`
	Passkeys  []exportPasskey `json:"passkeys"`
	Sitzungen []exportSession `json:"sitzungen"`
	Protokoll []exportEvent   `json:"protokoll"`
	// Postfach lists the mailbox's messages. A message that needs a
	// second factor appears without subject and text when the export
	// is made in a session without one.
	Postfach []exportMessage `json:"postfach"`
	// Kennungen are the account's handles at the communes where it
	// logged in to an online service.
	Kennungen []exportHandle `json:"kennungen"`
}

type exportPasskey struct {
	Name           string    `json:"name"`
	Angelegt       time.Time `json:"angelegt"`
	ZuletztBenutzt time.Time `json:"zuletzt_benutzt"`
}

type exportSession struct {
	Beginn        time.Time `json:"beginn"`
	ZuletztAktiv  time.Time `json:"zuletzt_aktiv"`
	Ende          time.Time `json:"ende"`
	Browser       string    `json:"browser"`
	IPAdresse     string    `json:"ip_adresse"`
	ZweiterFaktor bool      `json:"zweiter_faktor"`
}

type exportEvent struct {
	Zeit      time.Time `json:"zeit"`
	Ereignis  string    `json:"ereignis"`
	Ergebnis  string    `json:"ergebnis"`
	IPAdresse string    `json:"ip_adresse"`
	Details   string    `json:"details"`
}

func (s *Service) export(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireRecent(w, r, "/konto/daten")
	if err != nil || cur == nil {
		return err
	}
	doc, err := s.buildExport(r, cur.account)
	if err != nil {
		return err
	}
	doc.Postfach, doc.Kennungen, err = s.exportMailbox(r, cur)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "account.export", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok"})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="buergerkonto-daten.json"`)
	_, err = w.Write(data)
	return err
}

func (s *Service) buildExport(r *http.Request, acc *store.Account) (*Export, error) {
	ctx := r.Context()
	doc := &Export{Erstellt: s.now()}
	doc.Konto.ID, doc.Konto.Email = acc.ID, acc.Email
	doc.Konto.Angelegt, doc.Konto.Geaendert = acc.CreatedAt, acc.UpdatedAt
	doc.Konto.Fehlversuche = acc.FailedLogins
	t, err := s.store.TOTPByAccount(ctx, acc.ID)
	if err == nil {
		doc.Authenticator = &struct {
			Eingerichtet time.Time `json:"eingerichtet"`
			Bestaetigt   bool      `json:"bestaetigt"`
		}{t.CreatedAt, t.Confirmed}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}

	keys, err := s.store.ListPasskeys(ctx, acc.ID)
	if err != nil {
		return nil, err
	}

	doc.Passkeys = []exportPasskey{}
	for _, k := range keys {
		doc.Passkeys = append(doc.Passkeys, exportPasskey{k.Name, k.CreatedAt, k.LastUsedAt})
	}

	sessions, err := s.store.ListSessions(ctx, acc.ID)
	if err != nil {
		return nil, err
	}

	doc.Sitzungen = []exportSession{}
	for _, x := range sessions {
		doc.Sitzungen = append(doc.Sitzungen, exportSession{x.CreatedAt, x.LastSeenAt, x.ExpiresAt,
			x.UserAgent, x.IP, x.Level >= levelFactor})
	}

	events, err := s.store.ListAudit(ctx, acc.ID)
	if err != nil {
		return nil, err
	}

	doc.Protokoll = []exportEvent{}
	for _, e := range events {
		doc.Protokoll = append(doc.Protokoll, exportEvent{e.At, e.Event, e.Result, e.IP, e.Detail})
	}

	return doc, nil
}

func (s *Service) deletePage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	return s.render(w, http.StatusOK, "delete", page{Title: "Konto löschen", Account: cur.account})
}

// deleteAccount removes the account and its data after a recent
// authentication and an explicit confirmation; the audit trail keeps an
// entry without addresses.
func (s *Service) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	cur, err := s.requireRecent(w, r, "/konto/loeschen")
	if err != nil || cur == nil {
		return err
	}
	if r.PostForm.Get("confirm") != "ja" {
		return s.render(w, http.StatusOK, "delete", page{Title: "Konto löschen", Account: cur.account,
			Error: "Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten."})
	}
	ctx := r.Context()
	acc := cur.account
	if err := s.store.DeleteAccount(ctx, acc.ID); err != nil {
		return err
	}
	s.audit.record(ctx, s.now(), auditEntry{Event: "account.deleted", AccountID: acc.ID,
		Actor: acc.ID, Result: "ok"})
	s.clearCookie(w, "session")
	s.clearCookie(w, "flow")
	if err := s.sendMail(ctx, Message{To: acc.Email, Subject: "Ihr Bürgerkonto wurde gelöscht",
		Body: mailAccountDeleted(s.cfg.Name)}); err != nil {
		s.log.Error("sending deletion notice failed", "account", acc.ID, "err", err)
	}
	return seeOther(w, r, "/?hinweis=geloescht")
}

// apiSession reports to a portal's page whether the browser is logged
// in, so it can show "Mein Konto" or "Anmelden". It allows CORS only for
// the portals' exact origins.
func (s *Service) apiSession(w http.ResponseWriter, r *http.Request) error {
	s.cors(w, r)
	cur, err := s.loadSession(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"angemeldet": cur != nil})
	return nil
}

func (s *Service) apiPreflight(w http.ResponseWriter, r *http.Request) {
	if s.cors(w, r) {
		w.Header().Set("Access-Control-Allow-Methods", "GET")
		w.Header().Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
}

// cors sets the CORS headers for an allowed origin and reports whether
// it did. Vary: Origin is always set, so caches keep the responses apart.
func (s *Service) cors(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin, ok := s.portalOrigin(r.Header.Get("Origin"))
	if !ok {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	return true
}
