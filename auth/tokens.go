package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/verbund/verbund/auth/store"
)

// Token purposes. A link made for one purpose fails for every other.
const (
	purposeRegister = "register"
	purposeReset    = "reset"
	purposeEmail    = "email"
)

// E-mail links carry "<id>.<expiry>.<signature>": a random ID, the Unix
// expiry time and an HMAC over purpose, ID and expiry under the current
// master key. The store keeps the hash of the ID, so a copy of the
// database cannot produce a link, and marks the token used, so a link
// works once.

// newToken creates a token row and returns the link's token string.
func (s *Service) newToken(ctx context.Context, purpose, accountID, email string) (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	expires := now.Add(tokenLifetime)
	t := &store.Token{IDHash: hashSecret(id), Purpose: purpose, AccountID: accountID,
		Email: email, CreatedAt: now, ExpiresAt: expires}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", err
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	return id + "." + exp + "." + s.keys.sign(purpose, []byte(purpose+"|"+id+"|"+exp)), nil
}

// errTokenInvalid covers every reason a link fails: malformed, forged,
// expired, used, or for another flow.
var errTokenInvalid = errors.New("invalid or expired link")

// checkToken verifies a link's signature and expiry and returns the hash
// of its ID. A wrong signature on a known ID counts as a failed try.
func (s *Service) checkToken(ctx context.Context, purpose, token string) ([]byte, error) {
	id, rest, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return nil, errTokenInvalid
	}
	exp, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, errTokenInvalid
	}
	h := hashSecret(id)
	if !s.keys.verify(purpose, []byte(purpose+"|"+id+"|"+exp), sig) {
		if err := s.store.FailToken(ctx, h); err != nil {
			return nil, err
		}
		return nil, errTokenInvalid
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.now().Unix() >= unix {
		return nil, errTokenInvalid
	}
	return h, nil
}

// peekToken returns the token if the link is still usable, without
// using it up; pages that a link opens call it.
func (s *Service) peekToken(ctx context.Context, purpose, token string) (*store.Token, error) {
	h, err := s.checkToken(ctx, purpose, token)
	if err != nil {
		return nil, err
	}
	t, err := s.store.TokenByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errTokenInvalid
	}
	if err != nil {
		return nil, err
	}
	if t.Purpose != purpose || !t.UsedAt.IsZero() || !s.now().Before(t.ExpiresAt) ||
		t.Attempts >= maxTokenAttempts {
		return nil, errTokenInvalid
	}
	return t, nil
}

// useToken consumes the link's token; it succeeds once.
func (s *Service) useToken(ctx context.Context, purpose, token string) (*store.Token, error) {
	h, err := s.checkToken(ctx, purpose, token)
	if err != nil {
		return nil, err
	}
	t, err := s.store.ConsumeToken(ctx, h, purpose, s.now(), maxTokenAttempts)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errTokenInvalid
	}
	return t, err
}

// link returns an absolute URL on the account origin.
func (s *Service) link(path string, query url.Values) string {
	u := *s.base
	u.Path = path
	u.RawQuery = query.Encode()
	return u.String()
}

func tokenPage(err error) error {
	if errors.Is(err, errTokenInvalid) {
		return errLinkInvalid
	}
	return err
}
