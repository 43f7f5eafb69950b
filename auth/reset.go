package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/verbund/verbund/auth/store"
)

func (s *Service) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "forgot", page{Title: "Passwort vergessen"})
}

// maxResetWork is the number of password reset requests whose lookup and
// mail may run at once. More get 429, as a flood would from the rate
// limits anyway.
const maxResetWork = 64

// forgot sends a reset link to a known address and a short note to an
// unknown one. Both get the same response, sent before the address is
// looked up. A known address costs a token and an audit record in the
// store, so waiting for them would reveal whether an account exists.
func (s *Service) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	ip := s.clientIP(r)
	if !s.limits.allowClient(rateReset, ip, s.now()) {
		return errTooMany
	}

	email, ok := normalizeEmail(r.PostForm.Get("email"))
	if !ok {
		return s.render(w, http.StatusOK, "forgot", page{Title: "Passwort vergessen",
			Error: "Bitte geben Sie eine gültige E-Mail-Adresse an, etwa name@beispiel.de."})
	}

	if err := s.allowMail(ip, email); err != nil {
		return err
	}

	// The lookup, the token and the mail run after the response, on a
	// goroutine of their own. A handler that did them itself would delay
	// the next request on the same connection by their time, which
	// differs between known and unknown addresses. A failure can only be
	// logged, and the client closing the connection must not cancel the
	// work. resetWork bounds how many run at once.
	select {
	case s.resetWork <- struct{}{}:
	default:
		return errTooMany
	}
	s.afterResponse.Add(1)
	ctx := context.WithoutCancel(r.Context())
	go func() {
		defer func() { <-s.resetWork }()
		defer s.afterResponse.Done()
		if err := s.sendResetMail(ctx, ip, email); err != nil {
			s.log.Error("password reset request failed", "err", err)
		}
	}()
	return s.render(w, http.StatusOK, "message", page{Title: "E-Mail verschickt", Notice: msgMailSent})
}

// sendResetMail sends a reset link to email if it has an enabled
// account, and a note that it has none otherwise.
func (s *Service) sendResetMail(ctx context.Context, ip, email string) error {
	acc, err := s.store.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.sendMail(ctx, Message{To: email, Subject: "Passwort zurücksetzen",
			Body: mailNoAccount(s.cfg.Name, s.link("/registrieren", nil))})
	case err != nil:
		return err
	case !acc.DisabledAt.IsZero():
		// A disabled account gets no link, and the mail reveals no more
		// than the page.
		return s.sendMail(ctx, Message{To: email, Subject: "Passwort zurücksetzen",
			Body: mailNoAccount(s.cfg.Name, s.link("/registrieren", nil))})
	}

	tok, err := s.newToken(ctx, purposeReset, acc.ID, acc.Email)
	if err == nil {
		link := s.link("/passwort-neu", url.Values{"t": {tok}})
		err = s.sendMail(ctx, Message{To: email, Subject: "Passwort zurücksetzen",
			Body: mailReset(s.cfg.Name, link)})
	}
	s.audit.record(ctx, s.now(), auditEntry{Event: "reset.requested", AccountID: acc.ID,
		IP: ip, Result: "mail sent"})
	return err
}

// resetLinkPage renders the page the mailed link opens, with a button
// that posts.
func (s *Service) resetLinkPage(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	if _, err := s.peekToken(r.Context(), purposeReset, tok); err != nil {
		return tokenPage(err)
	}
	return s.render(w, http.StatusOK, "confirm_link", page{Title: "Passwort zurücksetzen",
		Data: map[string]string{"Action": "/passwort-neu", "Token": tok,
			"Text": "Klicken Sie auf „Weiter“, um ein neues Passwort festzulegen.", "Button": "Weiter"}})
}

// resetLink uses the link and opens a reset flow: the second factor if
// the account has one, then the new password.
func (s *Service) resetLink(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	if !s.limits.allowClient(rateCode, s.clientIP(r), s.now()) {
		return errTooMany
	}

	ctx := r.Context()
	t, err := s.useToken(ctx, purposeReset, r.PostForm.Get("t"))
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

	totp, passkeys, err := s.hasFactor(ctx, acc.ID)
	if err != nil {
		return err
	}

	f := &store.Flow{Purpose: flowReset, AccountID: acc.ID, Stage: stagePassword}
	if totp || passkeys {
		f.Stage = stageFactor
	}

	if err := s.startFlow(w, r, f); err != nil {
		return err
	}

	if f.Stage == stageFactor {
		return seeOther(w, r, "/anmelden/faktor")
	}

	return seeOther(w, r, "/passwort-neu/setzen")
}

func (s *Service) resetSetPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadFlow(r, flowReset)
	if err != nil {
		return err
	}
	if f == nil || f.Stage != stagePassword {
		return errLinkInvalid
	}
	return s.render(w, http.StatusOK, "reset_set", page{Title: "Neues Passwort"})
}

func (s *Service) resetSet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	f, err := s.loadFlow(r, flowReset)
	if err != nil {
		return err
	}

	if f == nil || f.Stage != stagePassword {
		return errLinkInvalid
	}

	ctx := r.Context()
	acc, err := s.store.AccountByID(ctx, f.AccountID)
	if err != nil {
		return err
	}

	totp, passkeys, err := s.hasFactor(ctx, acc.ID)
	if err != nil {
		return err
	}

	withFactor := totp || passkeys
	password := normalizePassword(r.PostForm.Get("password"))
	if msg := s.passwordProblem(password, r.PostForm.Get("password2"), acc.Email, withFactor); msg != "" {
		return s.render(w, http.StatusOK, "reset_set", page{Title: "Neues Passwort", Error: msg})
	}

	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}

	if err := s.store.SetPassword(ctx, acc.ID, hash, s.now()); err != nil {
		return err
	}

	// A reset may follow a stolen password: every session and open link
	// of the account ends.
	if _, err := s.store.DeleteSessions(ctx, acc.ID, nil); err != nil {
		return err
	}

	if err := s.store.DeleteAccountTokens(ctx, acc.ID); err != nil {
		return err
	}

	if err := s.store.ResetFailures(ctx, acc.ID); err != nil {
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "password.reset", AccountID: acc.ID,
		Actor: acc.ID, IP: s.clientIP(r), Result: "ok"})
	if err := s.sendMail(ctx, Message{To: acc.Email, Subject: "Ihr Passwort wurde geändert",
		Body: mailPasswordChanged(s.cfg.Name)}); err != nil {
		s.log.Error("sending password change notice failed", "account", acc.ID, "err", err)
	}

	level := levelPassword
	if withFactor {
		level = levelFactor
	}

	if err := s.startSession(w, r, acc, level); err != nil {
		return err
	}

	return seeOther(w, r, "/?hinweis=passwort-neu")
}
