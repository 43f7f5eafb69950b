package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// Session levels.
const (
	levelPassword = 1
	levelFactor   = 2
)

// Flow purposes and stages.
const (
	flowLogin   = "login"
	flowReauth  = "reauth"
	flowReset   = "reset"
	flowPasskey = "passkey"

	stageFactor   = "factor"
	stagePassword = "password"
	stageCeremony = "ceremony"
)

// cookieName returns the name of a cookie: with the __Host- prefix,
// which browsers accept only with Secure, Path=/ and no Domain, unless
// the service runs in insecure mode on loopback.
func (s *Service) cookieName(base string) string {
	if s.secure {
		return "__Host-" + base
	}
	return base
}

func (s *Service) setCookie(w http.ResponseWriter, base, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(base), Value: value, Path: "/", MaxAge: maxAge,
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Service) clearCookie(w http.ResponseWriter, base string) {
	s.setCookie(w, base, "", -1)
}

// newSecret returns 256 bits from crypto/rand in base64url and the
// SHA-256 hash the store keeps.
func newSecret() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("reading random bytes: %w", err)
	}
	v := base64.RawURLEncoding.EncodeToString(b)
	return v, hashSecret(v), nil
}

func hashSecret(v string) []byte {
	h := sha256.Sum256([]byte(v))
	return h[:]
}

// cookieHash returns the hash of the named cookie's value, or nil.
func (s *Service) cookieHash(r *http.Request, base string) []byte {
	c, err := r.Cookie(s.cookieName(base))
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil
	}
	return hashSecret(c.Value)
}

// current is the logged-in state of a request.
type current struct {
	session *store.Session
	account *store.Account
}

// loadSession returns the request's valid session, or nil. It enforces
// the idle and absolute timeouts and ends sessions of disabled accounts.
func (s *Service) loadSession(r *http.Request) (*current, error) {
	h := s.cookieHash(r, "session")
	if h == nil {
		return nil, nil
	}

	ctx := r.Context()
	// Sessions go with their account by foreign key, so a session
	// without an account is not found either.
	sess, acc, err := s.store.SessionWithAccount(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}

	if err != nil {
		return nil, err
	}

	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.opts.IdleTimeout {
		s.audit.record(ctx, now, auditEntry{Event: "session.expired", AccountID: sess.AccountID,
			Actor: sess.AccountID, IP: s.clientIP(r), Result: "ok"})
		return nil, s.store.DeleteSession(ctx, h)
	}

	if !acc.DisabledAt.IsZero() {
		_, err := s.store.DeleteSessions(ctx, acc.ID, nil)
		return nil, err
	}

	// Writing on every request would cost a sync each time; a minute
	// of slack in the idle timer is harmless.
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, h, now); err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}

	return &current{session: sess, account: acc}, nil
}

// startSession logs the account in with a new session identifier. Any
// session or flow the browser brought along is ended first, so an
// identifier planted before login is never promoted.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, acc *store.Account, level int) error {
	ctx := r.Context()
	if old := s.cookieHash(r, "session"); old != nil {
		if err := s.store.DeleteSession(ctx, old); err != nil {
			return err
		}
	}

	if old := s.cookieHash(r, "flow"); old != nil {
		if err := s.store.DeleteFlow(ctx, old); err != nil {
			return err
		}
		s.clearCookie(w, "flow")
	}

	value, hash, err := newSecret()
	if err != nil {
		return err
	}

	now := s.now()
	sess := &store.Session{
		IDHash: hash, AccountID: acc.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.opts.SessionLifetime), AuthAt: now, Level: level,
		UserAgent: truncate(r.UserAgent(), 200), IP: s.clientIP(r),
	}

	if err := s.store.CreateSession(ctx, sess); err != nil {
		return err
	}

	s.setCookie(w, "session", value, 0)
	s.audit.record(ctx, now, auditEntry{Event: "session.start", AccountID: acc.ID,
		Actor: acc.ID, IP: sess.IP, Result: "ok", Detail: fmt.Sprintf("level %d", level)})
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// requireSession returns the logged-in state or sends the browser to the
// login page and returns nil.
func (s *Service) requireSession(w http.ResponseWriter, r *http.Request) (*current, error) {
	cur, err := s.loadSession(r)
	if err != nil || cur != nil {
		return cur, err
	}
	http.Redirect(w, r, "/anmelden", http.StatusSeeOther)
	return nil, nil
}

// requireRecent is requireSession for sensitive actions: if the last
// authentication is older than RecentAuth, it sends the browser to the
// re-authentication page, which returns to back.
func (s *Service) requireRecent(w http.ResponseWriter, r *http.Request, back string) (*current, error) {
	cur, err := s.requireSession(w, r)
	if err != nil || cur == nil {
		return nil, err
	}
	if s.now().Sub(cur.session.AuthAt) < s.opts.RecentAuth {
		return cur, nil
	}
	http.Redirect(w, r, "/konto/bestaetigen?weiter="+url.QueryEscape(back), http.StatusSeeOther)
	return nil, nil
}

// hasFactor reports whether the account has a confirmed TOTP secret or
// a passkey.
func (s *Service) hasFactor(ctx context.Context, accountID string) (totp bool, passkeys bool, err error) {
	t, err := s.store.TOTPByAccount(ctx, accountID)
	switch {
	case err == nil:
		totp = t.Confirmed
	case !errors.Is(err, store.ErrNotFound):
		return false, false, err
	}
	list, err := s.store.ListPasskeys(ctx, accountID)
	if err != nil {
		return false, false, err
	}
	return totp, len(list) > 0, nil
}

// startFlow creates a flow and sets its cookie.
func (s *Service) startFlow(w http.ResponseWriter, r *http.Request, f *store.Flow) error {
	if old := s.cookieHash(r, "flow"); old != nil {
		if err := s.store.DeleteFlow(r.Context(), old); err != nil {
			return err
		}
	}
	value, hash, err := newSecret()
	if err != nil {
		return err
	}
	now := s.now()
	f.IDHash, f.CreatedAt, f.ExpiresAt = hash, now, now.Add(tokenLifetime)
	if err := s.store.CreateFlow(r.Context(), f); err != nil {
		return err
	}
	s.setCookie(w, "flow", value, int(tokenLifetime/time.Second))
	return nil
}

// loadFlow returns the request's unexpired flow with one of the given
// purposes, or nil.
func (s *Service) loadFlow(r *http.Request, purposes ...string) (*store.Flow, error) {
	h := s.cookieHash(r, "flow")
	if h == nil {
		return nil, nil
	}
	f, err := s.store.FlowByHash(r.Context(), h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(f.ExpiresAt) {
		return nil, s.store.DeleteFlow(r.Context(), h)
	}
	for _, p := range purposes {
		if f.Purpose == p {
			return f, nil
		}
	}
	return nil, nil
}

// clientIP returns the client's address, from the trusted proxy header
// if one is configured.
func (s *Service) clientIP(r *http.Request) string {
	if h := s.opts.ClientIPHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
