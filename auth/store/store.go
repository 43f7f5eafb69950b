// Package store keeps the account service's data: accounts, sessions,
// e-mail tokens, second factors, half-finished flows, the audit trail,
// OpenID Connect clients and codes, and the mailbox.
//
// One implementation over database/sql serves two backends: embedded
// SQLite (modernc.org/sqlite, WAL with full sync) for a single machine and
// PostgreSQL (pgx) for several replicas. Both share the schema through
// per-dialect migrations. Secrets never reach the store in the clear:
// session, flow and token identifiers are stored as SHA-256 hashes, and
// TOTP secrets arrive already encrypted.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a row does not exist, has expired or was
// already used.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique value, such as an e-mail address,
// is taken.
var ErrConflict = errors.New("already exists")

// Account is a citizen's account.
type Account struct {
	ID           string
	Email        string
	PasswordHash string
	// WebAuthnID is the random user handle given to passkeys.
	WebAuthnID []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// DisabledAt is zero for an active account.
	DisabledAt time.Time
	// FailedLogins counts failed logins since the last success or since
	// the failures went stale.
	FailedLogins  int
	LastFailureAt time.Time
	// LockedUntil is the end of the current lockout, zero if none.
	LockedUntil time.Time
}

// Session is a logged-in browser.
type Session struct {
	// IDHash is the SHA-256 hash of the session cookie's value.
	IDHash    []byte
	AccountID string
	CreatedAt time.Time
	// LastSeenAt drives the idle timeout.
	LastSeenAt time.Time
	// ExpiresAt is the absolute end of the session.
	ExpiresAt time.Time
	// AuthAt is the time of the last password or factor check, for
	// actions that need a recent authentication.
	AuthAt time.Time
	// Level is 1 after a password alone and 2 after a second factor.
	Level     int
	UserAgent string
	IP        string
}

// Token is a single-use e-mail link: registration, password reset or a
// change of address.
type Token struct {
	IDHash    []byte
	Purpose   string
	AccountID string
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	// Attempts counts presentations with a wrong signature.
	Attempts int
}

// Flow is a multi-step exchange bound to a browser cookie: a login or a
// reset waiting for the second factor, a re-authentication, or a passkey
// ceremony.
type Flow struct {
	IDHash    []byte
	Purpose   string
	AccountID string
	// SessionHash ties a flow to the session that started it, if any.
	SessionHash []byte
	// Stage is the step the flow waits for.
	Stage    string
	ReturnTo string
	// Attempts counts wrong codes entered in this flow.
	Attempts int
	// Ceremony is the WebAuthn session data of a running passkey
	// ceremony, as JSON.
	Ceremony  []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TOTP is an account's authenticator-app secret.
type TOTP struct {
	AccountID string
	// Secret is the encrypted shared secret.
	Secret    []byte
	Confirmed bool
	// LastStep is the last time step a code was accepted for; codes of
	// that step and earlier are replays.
	LastStep  int64
	CreatedAt time.Time
}

// Passkey is a WebAuthn credential.
type Passkey struct {
	ID        []byte
	AccountID string
	Name      string
	// Data is the go-webauthn credential as JSON.
	Data       []byte
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// AuditEvent is one line of the audit trail.
type AuditEvent struct {
	ID        int64
	At        time.Time
	Event     string
	AccountID string
	Actor     string
	IP        string
	Result    string
	Detail    string
}

// Store is the account service's persistence. Every method is safe for
// concurrent use, also across replicas sharing one PostgreSQL database.
type Store interface {
	// Backend names the backend: "sqlite" or "postgres".
	Backend() string
	// Location describes where the data lives, with credentials redacted.
	Location() string
	// Ephemeral reports whether the data is lost when the process ends,
	// as with an in-memory database or one under the temporary folder.
	Ephemeral() bool
	Close() error

	CreateAccount(ctx context.Context, a *Account) error
	AccountByID(ctx context.Context, id string) (*Account, error)
	// AccountByEmail finds an account by its normalised address.
	AccountByEmail(ctx context.Context, email string) (*Account, error)
	SetPassword(ctx context.Context, id, hash string, now time.Time) error
	SetEmail(ctx context.Context, id, email string, now time.Time) error
	SetDisabled(ctx context.Context, id string, at time.Time) error
	// RecordFailure counts a failed login and returns the new count.
	// Failures older than staleAfter start the count afresh.
	RecordFailure(ctx context.Context, id string, now time.Time, staleAfter time.Duration) (int, error)
	SetLockedUntil(ctx context.Context, id string, until time.Time) error
	ResetFailures(ctx context.Context, id string) error
	// DeleteAccount removes the account with its sessions, tokens,
	// flows, factors, handles, codes and messages, strips addresses from
	// its audit events and detaches its message receipts.
	DeleteAccount(ctx context.Context, id string) error

	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// SessionWithAccount returns the session and its account in one
	// query, for the session check of every request.
	SessionWithAccount(ctx context.Context, hash []byte) (*Session, *Account, error)
	TouchSession(ctx context.Context, hash []byte, now time.Time) error
	SetSessionAuth(ctx context.Context, hash []byte, at time.Time, level int) error
	ListSessions(ctx context.Context, accountID string) ([]Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteSessions ends every session of the account but except,
	// which may be nil, and returns how many ended.
	DeleteSessions(ctx context.Context, accountID string, except []byte) (int, error)

	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	// ConsumeToken marks the token used if it is unused, unexpired and
	// has fewer than maxAttempts wrong tries, and returns it. Otherwise
	// it returns ErrNotFound. Only one caller can consume a token.
	ConsumeToken(ctx context.Context, hash []byte, purpose string, now time.Time, maxAttempts int) (*Token, error)
	// FailToken counts a wrong signature presented for the token.
	FailToken(ctx context.Context, hash []byte) error
	DeleteAccountTokens(ctx context.Context, accountID string) error

	CreateFlow(ctx context.Context, f *Flow) error
	FlowByHash(ctx context.Context, hash []byte) (*Flow, error)
	UpdateFlow(ctx context.Context, f *Flow) error
	// FailFlow counts a wrong code and returns the new count.
	FailFlow(ctx context.Context, hash []byte) (int, error)
	// TakeCeremony returns the flow's ceremony data and clears it, so a
	// challenge can be answered only once.
	TakeCeremony(ctx context.Context, hash []byte) ([]byte, error)
	DeleteFlow(ctx context.Context, hash []byte) error
	DeleteAccountFlows(ctx context.Context, accountID string) error

	PutTOTP(ctx context.Context, t *TOTP) error
	TOTPByAccount(ctx context.Context, accountID string) (*TOTP, error)
	ConfirmTOTP(ctx context.Context, accountID string, secret []byte) error
	// UseTOTPStep records step as used if it is later than the last
	// used step, and reports whether it was.
	UseTOTPStep(ctx context.Context, accountID string, step int64) (bool, error)
	DeleteTOTP(ctx context.Context, accountID string) error

	AddPasskey(ctx context.Context, p *Passkey) error
	ListPasskeys(ctx context.Context, accountID string) ([]Passkey, error)
	UpdatePasskey(ctx context.Context, id, data []byte, lastUsed time.Time) error
	DeletePasskey(ctx context.Context, accountID string, id []byte) error

	// Ping checks that the database runs a query, for health checks.
	Ping(ctx context.Context) error
	// HasAccounts reports whether the store holds an account.
	HasAccounts(ctx context.Context) (bool, error)
	// SealedKeyIDs returns, each once, the IDs of the master keys that
	// encrypted the stored TOTP secrets.
	SealedKeyIDs(ctx context.Context) ([]string, error)

	AppendAudit(ctx context.Context, e *AuditEvent) error
	ListAudit(ctx context.Context, accountID string) ([]AuditEvent, error)

	OIDCStore
	MailboxStore
}
