package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/verbund/verbund/auth/store"
)

// ceremonyLifetime bounds a passkey challenge, checked against the
// service's clock.
const ceremonyLifetime = 5 * time.Minute

// ceremony is the stored state of a running WebAuthn ceremony.
type ceremony struct {
	Session webauthn.SessionData `json:"session"`
	Expires time.Time            `json:"expires"`
}

// passkeyUser adapts an account to go-webauthn.
type passkeyUser struct {
	account *store.Account
	creds   []webauthn.Credential
}

func (u *passkeyUser) WebAuthnID() []byte                         { return u.account.WebAuthnID }
func (u *passkeyUser) WebAuthnName() string                       { return u.account.Email }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.account.Email }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

var _ webauthn.User = (*passkeyUser)(nil)

func (s *Service) passkeyUser(r *http.Request, acc *store.Account) (*passkeyUser, error) {
	list, err := s.store.ListPasskeys(r.Context(), acc.ID)
	if err != nil {
		return nil, err
	}
	u := &passkeyUser{account: acc}
	for _, p := range list {
		var c webauthn.Credential
		if err := json.Unmarshal(p.Data, &c); err != nil {
			return nil, fmt.Errorf("decoding passkey of account %s: %w", acc.ID, err)
		}
		u.creds = append(u.creds, c)
	}
	return u, nil
}

var errCeremony = errPage(http.StatusBadRequest, "Passkey abgelehnt",
	"Der Passkey konnte nicht geprüft werden. Bitte versuchen Sie es erneut.")

// takeCeremony returns the flow's ceremony and clears it, so each
// challenge is accepted at most once. An expired ceremony fails.
func (s *Service) takeCeremony(r *http.Request, f *store.Flow) (*webauthn.SessionData, error) {
	data, err := s.store.TakeCeremony(r.Context(), f.IDHash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errCeremony
	}
	if err != nil {
		return nil, err
	}
	var c ceremony
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("decoding passkey ceremony: %w", err)
	}
	if !s.now().Before(c.Expires) {
		return nil, errCeremony
	}
	return &c.Session, nil
}

func (s *Service) saveCeremony(r *http.Request, f *store.Flow, sd *webauthn.SessionData) error {
	data, err := json.Marshal(ceremony{Session: *sd, Expires: s.now().Add(ceremonyLifetime)})
	if err != nil {
		return err
	}
	f.Ceremony = data
	return s.store.UpdateFlow(r.Context(), f)
}

// passkeyLoginOptions starts the assertion of a second-factor step.
func (s *Service) passkeyLoginOptions(w http.ResponseWriter, r *http.Request) error {
	if err := requireJSON(r); err != nil {
		return err
	}

	f, err := s.loadFlow(r, flowLogin, flowReset, flowReauth)
	if err != nil {
		return err
	}

	if f == nil || f.Stage != stageFactor {
		return errPage(http.StatusForbidden, "Anmeldung abgelaufen", "Bitte melden Sie sich erneut an.")
	}

	acc, err := s.store.AccountByID(r.Context(), f.AccountID)
	if err != nil {
		return err
	}

	u, err := s.passkeyUser(r, acc)
	if err != nil {
		return err
	}

	if len(u.creds) == 0 {
		return errNotFound
	}

	assertion, sd, err := s.webauthn.BeginLogin(u)
	if err != nil {
		return fmt.Errorf("starting passkey login: %w", err)
	}

	if err := s.saveCeremony(r, f, sd); err != nil {
		return err
	}

	writeJSON(w, http.StatusOK, assertion)
	return nil
}

// passkeyLoginVerify checks the assertion against the account's own
// credentials, the challenge, the origin and the relying party ID.
func (s *Service) passkeyLoginVerify(w http.ResponseWriter, r *http.Request) error {
	if err := requireJSON(r); err != nil {
		return err
	}

	if !s.limits.allowClient(rateCode, s.clientIP(r), s.now()) {
		return errTooMany
	}

	f, err := s.loadFlow(r, flowLogin, flowReset, flowReauth)
	if err != nil {
		return err
	}

	if f == nil || f.Stage != stageFactor {
		return errPage(http.StatusForbidden, "Anmeldung abgelaufen", "Bitte melden Sie sich erneut an.")
	}

	ctx := r.Context()
	acc, err := s.store.AccountByID(ctx, f.AccountID)
	if err != nil {
		return err
	}

	sd, err := s.takeCeremony(r, f)
	if err != nil {
		return err
	}

	u, err := s.passkeyUser(r, acc)
	if err != nil {
		return err
	}

	parsed, err := protocol.ParseCredentialRequestResponseBody(r.Body)
	var cred *webauthn.Credential
	if err == nil {
		cred, err = s.webauthn.ValidateLogin(u, *sd, parsed)
	}

	if err != nil {
		s.log.Info("passkey assertion rejected", "account", acc.ID, "err", err)
		if err := s.recordFailure(ctx, acc, s.clientIP(r), "passkey rejected"); err != nil {
			return err
		}
		if n, err := s.store.FailFlow(ctx, f.IDHash); err == nil && n >= maxCodeAttempts {
			s.store.DeleteFlow(ctx, f.IDHash)
		}
		return errCeremony
	}

	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}

	if err := s.store.UpdatePasskey(ctx, cred.ID, data, s.now()); err != nil {
		return err
	}

	next, err := s.finishFlow(w, r, f, acc, "passkey")
	if err != nil {
		return err
	}

	writeJSON(w, http.StatusOK, map[string]string{"weiter": next})
	return nil
}

// jsonRecent is requireRecent for JSON calls. It returns 403 with the
// re-authentication page's address instead of redirecting.
func (s *Service) jsonRecent(w http.ResponseWriter, r *http.Request, back string) (*current, error) {
	cur, err := s.loadSession(r)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"fehler": "Bitte melden Sie sich an.", "weiter": "/anmelden"})
		return nil, nil
	}
	if s.now().Sub(cur.session.AuthAt) >= s.opts.RecentAuth {
		writeJSON(w, http.StatusForbidden, map[string]string{
			"fehler": "Bitte bestätigen Sie zuerst Ihre Anmeldung.",
			"weiter": "/konto/bestaetigen?weiter=" + back})
		return nil, nil
	}
	return cur, nil
}

func (s *Service) passkeysPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	return s.renderPasskeys(w, r, cur, "")
}

type passkeyView struct {
	ID       string
	Name     string
	Created  time.Time
	LastUsed time.Time
}

func (s *Service) renderPasskeys(w http.ResponseWriter, r *http.Request, cur *current, errMsg string) error {
	list, err := s.store.ListPasskeys(r.Context(), cur.account.ID)
	if err != nil {
		return err
	}
	var views []passkeyView
	for _, p := range list {
		views = append(views, passkeyView{base64.RawURLEncoding.EncodeToString(p.ID), p.Name,
			p.CreatedAt, p.LastUsedAt})
	}
	return s.render(w, http.StatusOK, "passkeys", page{Title: "Passkeys", Account: cur.account,
		Error: errMsg, Notice: notice(r), Data: views})
}

// passkeyRegisterOptions starts the creation of a passkey for the
// logged-in account, in a flow tied to the session.
func (s *Service) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) error {
	if err := requireJSON(r); err != nil {
		return err
	}

	cur, err := s.jsonRecent(w, r, "/konto/passkeys")
	if err != nil || cur == nil {
		return err
	}

	u, err := s.passkeyUser(r, cur.account)
	if err != nil {
		return err
	}

	var exclude []protocol.CredentialDescriptor
	for _, c := range u.creds {
		exclude = append(exclude, c.Descriptor())
	}

	creation, sd, err := s.webauthn.BeginRegistration(u, webauthn.WithExclusions(exclude))
	if err != nil {
		return fmt.Errorf("starting passkey registration: %w", err)
	}

	f := &store.Flow{Purpose: flowPasskey, AccountID: cur.account.ID,
		SessionHash: cur.session.IDHash, Stage: stageCeremony}
	if err := s.startFlow(w, r, f); err != nil {
		return err
	}

	if err := s.saveCeremony(r, f, sd); err != nil {
		return err
	}

	writeJSON(w, http.StatusOK, creation)
	return nil
}

func (s *Service) passkeyRegister(w http.ResponseWriter, r *http.Request) error {
	if err := requireJSON(r); err != nil {
		return err
	}

	cur, err := s.jsonRecent(w, r, "/konto/passkeys")
	if err != nil || cur == nil {
		return err
	}

	f, err := s.loadFlow(r, flowPasskey)
	if err != nil {
		return err
	}

	if f == nil || f.AccountID != cur.account.ID || string(f.SessionHash) != string(cur.session.IDHash) {
		return errCeremony
	}

	sd, err := s.takeCeremony(r, f)
	if err != nil {
		return err
	}

	ctx := r.Context()
	u, err := s.passkeyUser(r, cur.account)
	if err != nil {
		return err
	}

	parsed, err := protocol.ParseCredentialCreationResponseBody(r.Body)
	var cred *webauthn.Credential
	if err == nil {
		cred, err = s.webauthn.CreateCredential(u, *sd, parsed)
	}

	if err != nil {
		s.log.Info("passkey registration rejected", "account", cur.account.ID, "err", err)
		return errCeremony
	}

	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}

	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name == "" || utf8.RuneCountInString(name) > 60 {
		name = "Passkey"
	}

	now := s.now()
	err = s.store.AddPasskey(ctx, &store.Passkey{ID: cred.ID, AccountID: cur.account.ID,
		Name: name, Data: data, CreatedAt: now})
	if errors.Is(err, store.ErrConflict) {
		return errCeremony
	}

	if err != nil {
		return err
	}

	if err := s.store.DeleteFlow(ctx, f.IDHash); err != nil {
		return err
	}

	s.clearCookie(w, "flow")
	if err := s.store.SetSessionAuth(ctx, cur.session.IDHash, now, levelFactor); err != nil {
		return err
	}

	s.audit.record(ctx, now, auditEntry{Event: "factor.add", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "passkey " + name})
	writeJSON(w, http.StatusOK, map[string]string{"weiter": "/konto/passkeys?hinweis=passkey"})
	return nil
}

func (s *Service) passkeyRemove(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	cur, err := s.requireRecent(w, r, "/konto/passkeys")
	if err != nil || cur == nil {
		return err
	}

	id, err := base64.RawURLEncoding.DecodeString(r.PostForm.Get("id"))
	if err != nil {
		return errBadForm
	}

	msg, err := s.checkLastFactor(r, cur, false)
	if err != nil {
		return err
	}

	if msg != "" {
		return s.renderPasskeys(w, r, cur, msg)
	}

	err = s.store.DeletePasskey(r.Context(), cur.account.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}

	if err != nil {
		return err
	}

	s.audit.record(r.Context(), s.now(), auditEntry{Event: "factor.remove", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "passkey"})
	return seeOther(w, r, "/konto/passkeys?hinweis=passkey-entfernt")
}
