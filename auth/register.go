package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/verbund/verbund/auth/store"
)

const msgMailSent = "Wir haben eine E-Mail an die angegebene Adresse geschickt. " +
	"Bitte folgen Sie dem Link darin innerhalb von 10 Minuten."

// registerPage shows the registration form. A portal page to return to,
// given with return, goes through the mail's link to the welcome page.
func (s *Service) registerPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "register", page{Title: "Registrieren",
		Return: validReturn(r.URL.Query().Get("return"), s.portalOrigins)})
}

// register starts a registration. Known and unknown addresses get the
// same response. Only the mail differs, and only the address's owner
// reads it.
func (s *Service) register(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	ip := s.clientIP(r)
	if !s.limits.allowClient(rateRegister, ip, s.now()) {
		return errTooMany
	}

	ret := validReturn(r.PostForm.Get("return"), s.portalOrigins)
	email, ok := normalizeEmail(r.PostForm.Get("email"))
	if !ok {
		return s.render(w, http.StatusOK, "register", page{Title: "Registrieren", Return: ret,
			Error: "Bitte geben Sie eine gültige E-Mail-Adresse an, etwa name@beispiel.de."})
	}

	if err := s.allowMail(ip, email); err != nil {
		return err
	}

	ctx := r.Context()
	acc, err := s.store.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = s.sendRegistrationLink(ctx, email, ret)
	case err == nil:
		err = s.sendMail(ctx, Message{To: email, Subject: "Ihr Bürgerkonto",
			Body: mailAlreadyRegistered(s.cfg.Name, s.link("/passwort-vergessen", nil))})
		s.audit.record(ctx, s.now(), auditEntry{Event: "register.existing", AccountID: acc.ID,
			IP: ip, Result: "mail sent"})
	}

	if err != nil {
		return err
	}

	return s.render(w, http.StatusOK, "message", page{Title: "E-Mail verschickt", Notice: msgMailSent})
}

// allowMail applies the per-IP and per-recipient limits on mail.
func (s *Service) allowMail(ip, email string) error {
	now := s.now()
	if !s.limits.allowClient(rateMail, ip, now) || !s.limits.allow(rateMail, "to:"+email, now) {
		return errTooMany
	}
	return nil
}

// sendRegistrationLink mails the link that finishes a registration, with
// the portal page ret to return to afterwards, if any.
func (s *Service) sendRegistrationLink(ctx context.Context, email, ret string) error {
	tok, err := s.newToken(ctx, purposeRegister, "", email)
	if err != nil {
		return err
	}
	params := url.Values{"t": {tok}}
	if ret != "" {
		params.Set("return", ret)
	}
	link := s.link("/registrieren/abschliessen", params)
	return s.sendMail(ctx, Message{To: email, Subject: "Bitte bestätigen Sie Ihre E-Mail-Adresse",
		Body: mailRegister(s.cfg.Name, link)})
}

func (s *Service) sendMail(ctx context.Context, m Message) error {
	if err := s.mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("sending mail: %w", err)
	}
	return nil
}

func (s *Service) registerFinishPage(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	t, err := s.peekToken(r.Context(), purposeRegister, tok)
	if err != nil {
		return tokenPage(err)
	}
	return s.render(w, http.StatusOK, "register_finish", page{Title: "Konto einrichten",
		Return: validReturn(r.URL.Query().Get("return"), s.portalOrigins),
		Data:   map[string]string{"Token": tok, "Email": t.Email}})
}

func (s *Service) registerFinish(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	ctx := r.Context()
	tok := r.PostForm.Get("t")
	t, err := s.peekToken(ctx, purposeRegister, tok)
	if err != nil {
		return tokenPage(err)
	}

	ret := validReturn(r.PostForm.Get("return"), s.portalOrigins)
	password := normalizePassword(r.PostForm.Get("password"))
	// The policy runs before the token is used, so a rejected password
	// does not burn the link.
	if msg := s.passwordProblem(password, r.PostForm.Get("password2"), t.Email, false); msg != "" {
		return s.render(w, http.StatusOK, "register_finish", page{Title: "Konto einrichten",
			Return: ret, Error: msg, Data: map[string]string{"Token": tok, "Email": t.Email}})
	}

	if t, err = s.useToken(ctx, purposeRegister, tok); err != nil {
		return tokenPage(err)
	}

	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}

	acc, err := newAccount(t.Email, hash, s.now())
	if err != nil {
		return err
	}

	if err := s.store.CreateAccount(ctx, acc); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errPage(http.StatusConflict, "Konto besteht schon",
				"Für diese E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an.")
		}
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "account.created", AccountID: acc.ID,
		Actor: acc.ID, IP: s.clientIP(r), Result: "ok"})
	if err := s.startSession(w, r, acc, levelPassword); err != nil {
		return err
	}

	welcome := "/?hinweis=willkommen"
	if ret != "" {
		welcome += "&return=" + url.QueryEscape(ret)
	}
	return seeOther(w, r, welcome)
}

func newAccount(email, hash string, now time.Time) (*store.Account, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	handle := make([]byte, 32)
	if _, err := rand.Read(handle); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return &store.Account{ID: hex.EncodeToString(id), Email: email, PasswordHash: hash,
		WebAuthnID: handle, CreatedAt: now, UpdatedAt: now}, nil
}

// passwordProblem returns a message for the citizen if the new password
// is unacceptable, or "".
func (s *Service) passwordProblem(password, repeat, email string, withFactor bool) string {
	if password != normalizePassword(repeat) {
		return "Die beiden Passwörter stimmen nicht überein."
	}
	err := s.policy.check(password, email, withFactor)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errPasswordShort):
		if withFactor {
			return "Das Passwort ist zu kurz. Es braucht mindestens 8 Zeichen."
		}
		return "Das Passwort ist zu kurz. Es braucht mindestens 15 Zeichen. " +
			"Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten."
	case errors.Is(err, errPasswordLong):
		return "Das Passwort ist zu lang. Es darf höchstens 1024 Zeichen haben."
	default:
		return "Dieses Passwort ist zu leicht zu erraten: Es besteht vor allem aus häufigen " +
			"Passwörtern, Ortsnamen oder Ihrer E-Mail-Adresse. Bitte wählen Sie ein anderes."
	}
}
