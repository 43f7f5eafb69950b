package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/verbund/verbund/auth/store"
)

// tokenError is an error response of the token endpoint (RFC 6749,
// section 5.2).
type tokenError struct {
	status      int
	code        string
	description string
}

func writeTokenError(w http.ResponseWriter, e *tokenError) {
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.description})
}

var errInvalidGrant = &tokenError{http.StatusBadRequest, "invalid_grant",
	"the code is invalid, expired, used, or was issued to another client or redirect URI"}

// idTokenClaims are the claims of an ID token.
type idTokenClaims struct {
	Issuer          string   `json:"iss"`
	Subject         string   `json:"sub"`
	Audience        string   `json:"aud"`
	AuthorizedParty string   `json:"azp"`
	Expiry          int64    `json:"exp"`
	IssuedAt        int64    `json:"iat"`
	AuthTime        int64    `json:"auth_time"`
	Nonce           string   `json:"nonce,omitempty"`
	ACR             string   `json:"acr"`
	AMR             []string `json:"amr"`
	AccessTokenHash string   `json:"at_hash"`
}

// token serves the token endpoint: it exchanges an authorization code,
// with the client's secret and the PKCE code verifier, for an ID token
// and an access token for the userinfo endpoint.
func (s *Service) token(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			writeTokenError(w, &tokenError{http.StatusRequestEntityTooLarge, "invalid_request",
				fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit)})
			return nil
		}
		writeTokenError(w, &tokenError{http.StatusBadRequest, "invalid_request",
			"send the parameters as application/x-www-form-urlencoded"})
		return nil
	}
	client, terr := s.authenticateClient(r)
	if terr != nil {
		if terr.status == http.StatusUnauthorized {
			// RFC 6749, section 5.2: a 401 names the authentication
			// scheme the client may use.
			w.Header().Set("WWW-Authenticate", `Basic realm="`+s.origin+`"`)
		}
		writeTokenError(w, terr)
		return nil
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		writeTokenError(w, &tokenError{http.StatusBadRequest, "unsupported_grant_type",
			"only grant_type=authorization_code is supported"})
		return nil
	}

	code, terr, err := s.redeemCode(r, client)
	if err != nil {
		return err
	}
	if terr != nil {
		writeTokenError(w, terr)
		return nil
	}
	return s.writeTokens(w, r, code)
}

// authenticateClient checks client_secret_basic or client_secret_post.
func (s *Service) authenticateClient(r *http.Request) (*store.Client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749, section 2.3.1: both parts are form-encoded.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || r.PostForm.Has("client_secret") ||
			(r.PostForm.Has("client_id") && r.PostForm.Get("client_id") != id) {
			return nil, &tokenError{http.StatusBadRequest, "invalid_request",
				"use one client authentication method"}
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}

	invalid := &tokenError{http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret"}
	if id == "" || secret == "" {
		return nil, invalid
	}
	c, err := s.store.ClientByID(r.Context(), id)
	if err != nil {
		return nil, invalid
	}
	if subtle.ConstantTimeCompare(hashSecret(secret), c.SecretHash) != 1 {
		s.audit.record(r.Context(), s.now(), auditEntry{Event: "oidc.token", Actor: "client " + id,
			IP: s.clientIP(r), Result: "wrong client secret"})
		return nil, invalid
	}
	return c, nil
}

// redeemCode consumes the code and checks that it belongs to the client,
// the redirect URI and the code verifier. A code presented a second
// time revokes the tokens issued for it (RFC 6749, section 4.1.2).
func (s *Service) redeemCode(r *http.Request, client *store.Client) (*store.AuthCode, *tokenError, error) {
	ctx := r.Context()
	raw := r.PostForm.Get("code")
	if raw == "" || len(raw) > 100 {
		return nil, errInvalidGrant, nil
	}
	hash := hashSecret(raw)
	code, err := s.store.ConsumeAuthCode(ctx, hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		if err := s.store.DeleteCodeTokens(ctx, hash); err != nil {
			return nil, nil, err
		}
		s.audit.record(ctx, s.now(), auditEntry{Event: "oidc.token", Actor: "client " + client.ID,
			IP: s.clientIP(r), Result: "invalid, expired or used code"})
		return nil, errInvalidGrant, nil
	}
	if err != nil {
		return nil, nil, err
	}

	result := ""
	switch {
	case code.ClientID != client.ID:
		result = "code of another client"
	case r.PostForm.Get("redirect_uri") != code.RedirectURI:
		result = "wrong redirect URI"
	case !verifyPKCE(r.PostForm.Get("code_verifier"), code.Challenge):
		result = "missing or wrong code verifier"
	}
	if result == "" {
		acc, err := s.store.AccountByID(ctx, code.AccountID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !acc.DisabledAt.IsZero()) {
			result = "account deleted or disabled"
		} else if err != nil {
			return nil, nil, err
		}
	}
	if result != "" {
		s.audit.record(ctx, s.now(), auditEntry{Event: "oidc.token", AccountID: code.AccountID,
			Actor: "client " + client.ID, IP: s.clientIP(r), Result: result})
		return nil, errInvalidGrant, nil
	}
	return code, nil, nil
}

// verifyPKCE checks a code verifier against an S256 challenge
// (RFC 7636, section 4.6).
func verifyPKCE(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 || !isPKCEChars(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func (s *Service) writeTokens(w http.ResponseWriter, r *http.Request, code *store.AuthCode) error {
	ctx := r.Context()
	now := s.now()
	access, accessHash, err := newSecret()
	if err != nil {
		return err
	}
	t := &store.AccessToken{TokenHash: accessHash, CodeHash: code.CodeHash, ClientID: code.ClientID,
		AccountID: code.AccountID, Subject: code.Subject, Scope: code.Scope,
		ExpiresAt: now.Add(accessTokenLifetime)}
	if err := s.store.CreateAccessToken(ctx, t); err != nil {
		return err
	}

	claims := idTokenClaims{
		Issuer: s.origin, Subject: code.Subject, Audience: code.ClientID,
		AuthorizedParty: code.ClientID, Expiry: now.Add(idTokenLifetime).Unix(),
		IssuedAt: now.Unix(), AuthTime: code.AuthTime.Unix(), Nonce: code.Nonce,
		ACR: acrPassword, AMR: []string{"pwd"}, AccessTokenHash: accessTokenHash(access),
	}
	if code.Level >= levelFactor {
		claims.ACR, claims.AMR = acrSecondFactor, []string{"pwd", "mfa"}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	idToken, err := s.oidcKeys.sign(payload)
	if err != nil {
		return err
	}

	s.audit.record(ctx, now, auditEntry{Event: "oidc.token", AccountID: code.AccountID,
		Actor: "client " + code.ClientID, IP: s.clientIP(r), Result: "ok"})
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   int(accessTokenLifetime.Seconds()),
		"id_token":     idToken,
		"scope":        code.Scope,
	})
	return nil
}

// accessTokenHash is the at_hash claim: the left half of the SHA-256
// hash of the access token, base64url-encoded (OpenID Connect Core 1.0,
// section 3.1.3.6).
func accessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// userinfo returns the claims of the access token's citizen: only the
// pairwise subject, since the service releases no other data.
func (s *Service) userinfo(w http.ResponseWriter, r *http.Request) error {
	invalid := func() error {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return nil
	}
	raw, ok := bearerToken(r)
	if !ok || len(raw) > 100 {
		return invalid()
	}
	t, err := s.store.AccessTokenByHash(r.Context(), hashSecret(raw), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return invalid()
	}
	if err != nil {
		return err
	}
	acc, err := s.store.AccountByID(r.Context(), t.AccountID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !acc.DisabledAt.IsZero()) {
		return invalid()
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": t.Subject})
	return nil
}
