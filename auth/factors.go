package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/verbund/verbund/auth/store"
)

// checkTOTP reports whether code is valid for the account's confirmed
// secret and not a replay: each time step's code is accepted once.
func (s *Service) checkTOTP(ctx context.Context, accountID, code string) (bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != totpDigits {
		return false, nil
	}

	t, err := s.store.TOTPByAccount(ctx, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}

	if err != nil {
		return false, err
	}

	if !t.Confirmed {
		return false, nil
	}

	secret, stale, err := s.keys.open(t.Secret, []byte(accountID))
	if err != nil {
		return false, fmt.Errorf("opening TOTP secret of account %s: %w", accountID, err)
	}

	step, ok := matchTOTP(secret, code, s.now())
	if !ok {
		return false, nil
	}

	used, err := s.store.UseTOTPStep(ctx, accountID, step)
	if err != nil || !used {
		return false, err
	}

	if stale {
		// Re-encrypt under the current key after a key rotation.
		if sealed, err := s.keys.seal(secret, []byte(accountID)); err == nil {
			if err := s.store.ConfirmTOTP(ctx, accountID, sealed); err != nil {
				s.log.Error("re-encrypting TOTP secret failed", "account", accountID, "err", err)
			}
		}
	}

	return true, nil
}

func (s *Service) totpPage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	return s.renderTOTP(w, r, cur, "")
}

func (s *Service) renderTOTP(w http.ResponseWriter, r *http.Request, cur *current, errMsg string) error {
	data := map[string]any{"State": "none"}
	t, err := s.store.TOTPByAccount(r.Context(), cur.account.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case t.Confirmed:
		data["State"] = "active"
		data["Since"] = t.CreatedAt
	default:
		secret, _, err := s.keys.open(t.Secret, []byte(cur.account.ID))
		if err != nil {
			return fmt.Errorf("opening TOTP secret: %w", err)
		}
		data["State"] = "pending"
		data["Secret"] = groupSecret(secret)
		// html/template blanks URLs of unknown schemes such as otpauth:,
		// so this URI, built here from trusted parts, is marked as safe.
		data["URI"] = template.URL(totpURI(s.cfg.Name, cur.account.Email, secret))
	}
	return s.render(w, http.StatusOK, "totp", page{Title: "Authenticator-App",
		Account: cur.account, Error: errMsg, Notice: notice(r), Data: data})
}

// totpBegin creates a new secret from crypto/rand, stored encrypted and
// unconfirmed until the citizen enters a first code.
func (s *Service) totpBegin(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireRecent(w, r, "/konto/totp")
	if err != nil || cur == nil {
		return err
	}
	ctx := r.Context()
	if t, err := s.store.TOTPByAccount(ctx, cur.account.ID); err == nil && t.Confirmed {
		return seeOther(w, r, "/konto/totp")
	}
	secret := make([]byte, totpSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("reading random bytes: %w", err)
	}
	sealed, err := s.keys.seal(secret, []byte(cur.account.ID))
	if err != nil {
		return err
	}
	if err := s.store.PutTOTP(ctx, &store.TOTP{AccountID: cur.account.ID, Secret: sealed,
		CreatedAt: s.now()}); err != nil {
		return err
	}
	return seeOther(w, r, "/konto/totp")
}

func (s *Service) totpConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}

	cur, err := s.requireRecent(w, r, "/konto/totp")
	if err != nil || cur == nil {
		return err
	}

	if !s.limits.allowClient(rateCode, s.clientIP(r), s.now()) {
		return errTooMany
	}

	ctx := r.Context()
	t, err := s.store.TOTPByAccount(ctx, cur.account.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed) {
		return seeOther(w, r, "/konto/totp")
	}

	if err != nil {
		return err
	}

	secret, _, err := s.keys.open(t.Secret, []byte(cur.account.ID))
	if err != nil {
		return fmt.Errorf("opening TOTP secret: %w", err)
	}

	code := strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("code")), " ", "")
	step, ok := matchTOTP(secret, code, s.now())
	if ok {
		ok, err = s.store.UseTOTPStep(ctx, cur.account.ID, step)
		if err != nil {
			return err
		}
	}

	if !ok {
		return s.renderTOTP(w, r, cur, "Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der App ein.")
	}

	if err := s.store.ConfirmTOTP(ctx, cur.account.ID, t.Secret); err != nil {
		return err
	}

	if err := s.store.SetSessionAuth(ctx, cur.session.IDHash, s.now(), levelFactor); err != nil {
		return err
	}

	s.audit.record(ctx, s.now(), auditEntry{Event: "factor.add", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "totp"})
	return seeOther(w, r, "/konto/totp?hinweis=totp")
}

// checkLastFactor guards the removal of a factor: if it is the account's
// last one, the password must be long enough to stand alone.
func (s *Service) checkLastFactor(r *http.Request, cur *current, removingTOTP bool) (string, error) {
	totp, passkeys, err := s.hasFactor(r.Context(), cur.account.ID)
	if err != nil {
		return "", err
	}
	last := (removingTOTP && !passkeys) || (!removingTOTP && !totp && s.passkeyCount(r, cur) <= 1)
	if !last {
		return "", nil
	}
	pw := normalizePassword(r.PostForm.Get("password"))
	ok, err := s.verifyPassword(r.Context(), pw, cur.account.PasswordHash)
	if err != nil {
		return "", err
	}
	if !ok {
		return "Bitte geben Sie Ihr Passwort ein, um den letzten zweiten Faktor zu entfernen.", nil
	}
	if utf8.RuneCountInString(pw) < minPasswordSingleFactor {
		return "Ohne zweiten Faktor braucht Ihr Passwort mindestens 15 Zeichen. " +
			"Bitte ändern Sie zuerst Ihr Passwort.", nil
	}
	return "", nil
}

func (s *Service) passkeyCount(r *http.Request, cur *current) int {
	list, err := s.store.ListPasskeys(r.Context(), cur.account.ID)
	if err != nil {
		return 0
	}
	return len(list)
}

func (s *Service) totpRemove(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	cur, err := s.requireRecent(w, r, "/konto/totp")
	if err != nil || cur == nil {
		return err
	}
	msg, err := s.checkLastFactor(r, cur, true)
	if err != nil {
		return err
	}
	if msg != "" {
		return s.renderTOTP(w, r, cur, msg)
	}
	if err := s.store.DeleteTOTP(r.Context(), cur.account.ID); err != nil {
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "factor.remove", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "totp"})
	return seeOther(w, r, "/konto/totp?hinweis=totp-entfernt")
}
