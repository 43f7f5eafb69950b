package store

import (
	"context"
	"time"
)

// Client is an online service of one commune that logs citizens in
// through OpenID Connect.
type Client struct {
	// ID is the public client_id.
	ID string
	// Site is the ID of the commune in sites.toml that runs the service.
	Site string
	// Name is shown to citizens on the consent page.
	Name string
	// SecretHash is the SHA-256 hash of the client secret.
	SecretHash []byte
	// RedirectURIs are compared with the request's redirect_uri exactly.
	RedirectURIs []string
	CreatedAt    time.Time
}

// AuthCode is an authorization code waiting to be exchanged.
type AuthCode struct {
	// CodeHash is the SHA-256 hash of the code.
	CodeHash    []byte
	ClientID    string
	AccountID   string
	Subject     string
	RedirectURI string
	// Challenge is the PKCE S256 code challenge.
	Challenge string
	Nonce     string
	Scope     string
	// AuthTime is when the citizen last entered a password or factor.
	AuthTime time.Time
	// Level is the session's login level when the code was issued.
	Level     int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// AccessToken is a bearer token for the userinfo endpoint.
type AccessToken struct {
	// TokenHash is the SHA-256 hash of the token.
	TokenHash []byte
	// CodeHash names the code the token was issued for, so a replayed
	// code can revoke it.
	CodeHash  []byte
	ClientID  string
	AccountID string
	Subject   string
	Scope     string
	ExpiresAt time.Time
}

// Handle is a citizen's pairwise subject identifier at one commune: the
// "sub" of the commune's ID tokens and the address its messages go to.
type Handle struct {
	Site      string
	Subject   string
	AccountID string
	CreatedAt time.Time
}

// OIDCStore keeps online services, authorization codes, access tokens and
// pairwise handles.
type OIDCStore interface {
	CreateClient(ctx context.Context, c *Client) error
	ClientByID(ctx context.Context, id string) (*Client, error)
	// ListClients lists the clients of site, or of every site if site is
	// empty, ordered by site and creation time.
	ListClients(ctx context.Context, site string) ([]Client, error)
	// DeleteClient removes the client with its open codes and tokens.
	DeleteClient(ctx context.Context, id string) error

	CreateAuthCode(ctx context.Context, c *AuthCode) error
	// ConsumeAuthCode marks the code used if it is unused and unexpired,
	// and returns it. Otherwise it returns ErrNotFound. Only one caller
	// can consume a code.
	ConsumeAuthCode(ctx context.Context, hash []byte, now time.Time) (*AuthCode, error)

	CreateAccessToken(ctx context.Context, t *AccessToken) error
	// AccessTokenByHash returns an unexpired token or ErrNotFound.
	AccessTokenByHash(ctx context.Context, hash []byte, now time.Time) (*AccessToken, error)
	// DeleteCodeTokens revokes every token issued for the code.
	DeleteCodeTokens(ctx context.Context, codeHash []byte) error
	// PurgeOIDC deletes expired codes and tokens and returns how many.
	PurgeOIDC(ctx context.Context, now time.Time) (int, error)

	// CreateHandle stores a new handle. It returns ErrConflict if the
	// account already has one at the site.
	CreateHandle(ctx context.Context, h *Handle) error
	// HandleForAccount returns the account's handle at site.
	HandleForAccount(ctx context.Context, site, accountID string) (*Handle, error)
	// HandleBySubject returns the handle with this subject at site.
	HandleBySubject(ctx context.Context, site, subject string) (*Handle, error)
	ListHandles(ctx context.Context, accountID string) ([]Handle, error)
}
