package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type dialect int

const (
	sqlite dialect = iota
	postgres
)

// sqlStore implements Store over database/sql. Times are stored as Unix
// microseconds, with 0 for the zero time, so both backends compare them
// the same way.
type sqlStore struct {
	db        *sql.DB
	dialect   dialect
	location  string
	ephemeral bool
	// clock stamps schema migrations and the removal noted on receipts
	// when an account is deleted; the service passes its own times to
	// every other method.
	clock func() time.Time
	// isUnique reports whether err is a unique-constraint violation.
	isUnique func(err error) bool
	// writes runs every statement that changes data, and every
	// transaction, on db. reads runs the queries outside transactions.
	// On a SQLite file it has connections of its own, and elsewhere it
	// is the same pool as writes.
	writes *pool
	reads  *pool
}

var _ Store = (*sqlStore)(nil)

func (s *sqlStore) Backend() string {
	if s.dialect == postgres {
		return "postgres"
	}
	return "sqlite"
}

func (s *sqlStore) Location() string { return s.location }
func (s *sqlStore) Ephemeral() bool  { return s.ephemeral }

// Close closes the cached statements and the connection pools.
func (s *sqlStore) Close() error {
	var errs []error
	if s.reads != s.writes {
		errs = append(errs, s.reads.close())
	}
	errs = append(errs, s.writes.close())
	return errors.Join(errs...)
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ...
func (s *sqlStore) rebind(query string) string {
	if s.dialect != postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// execOne runs a statement that must change exactly one row.
func (s *sqlStore) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		if s.isUnique(err) {
			return fmt.Errorf("%s: %w", what, ErrConflict)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

const accountColumns = `id, email, password_hash, webauthn_id, created_at, updated_at,
	disabled_at, failed_logins, last_failure_at, locked_until`

func scanAccount(row interface{ Scan(...any) error }) (*Account, error) {
	var a Account
	var created, updated, disabled, lastFailure, locked int64
	err := row.Scan(&a.ID, &a.Email, &a.PasswordHash, &a.WebAuthnID, &created, &updated,
		&disabled, &a.FailedLogins, &lastFailure, &locked)
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicros(created)
	a.UpdatedAt = fromMicros(updated)
	a.DisabledAt = fromMicros(disabled)
	a.LastFailureAt = fromMicros(lastFailure)
	a.LockedUntil = fromMicros(locked)
	return &a, nil
}

func (s *sqlStore) CreateAccount(ctx context.Context, a *Account) error {
	return s.execOne(ctx, "creating account",
		`INSERT INTO accounts (`+accountColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Email, a.PasswordHash, a.WebAuthnID, micros(a.CreatedAt), micros(a.UpdatedAt),
		micros(a.DisabledAt), a.FailedLogins, micros(a.LastFailureAt), micros(a.LockedUntil))
}

func (s *sqlStore) AccountByID(ctx context.Context, id string) (*Account, error) {
	a, err := scanAccount(s.queryRow(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("reading account", err)
	}
	return a, nil
}

func (s *sqlStore) AccountByEmail(ctx context.Context, email string) (*Account, error) {
	a, err := scanAccount(s.queryRow(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
	if err != nil {
		return nil, notFound("reading account by e-mail", err)
	}
	return a, nil
}

func (s *sqlStore) SetPassword(ctx context.Context, id, hash string, now time.Time) error {
	return s.execOne(ctx, "setting password",
		`UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, micros(now), id)
}

func (s *sqlStore) SetEmail(ctx context.Context, id, email string, now time.Time) error {
	return s.execOne(ctx, "setting e-mail address",
		`UPDATE accounts SET email = ?, updated_at = ? WHERE id = ?`, email, micros(now), id)
}

func (s *sqlStore) SetDisabled(ctx context.Context, id string, at time.Time) error {
	return s.execOne(ctx, "setting account state",
		`UPDATE accounts SET disabled_at = ?, updated_at = ? WHERE id = ?`,
		micros(at), micros(at), id)
}

func (s *sqlStore) RecordFailure(ctx context.Context, id string, now time.Time, staleAfter time.Duration) (int, error) {
	var n int
	err := s.writeRow(ctx, `UPDATE accounts SET
		failed_logins = CASE WHEN last_failure_at < ? THEN 1 ELSE failed_logins + 1 END,
		last_failure_at = ?
		WHERE id = ? RETURNING failed_logins`,
		micros(now.Add(-staleAfter)), micros(now), id).Scan(&n)
	if err != nil {
		return 0, notFound("recording login failure", err)
	}
	return n, nil
}

func (s *sqlStore) SetLockedUntil(ctx context.Context, id string, until time.Time) error {
	return s.execOne(ctx, "setting lockout",
		`UPDATE accounts SET locked_until = ? WHERE id = ?`, micros(until), id)
}

func (s *sqlStore) ResetFailures(ctx context.Context, id string) error {
	return s.execOne(ctx, "resetting login failures",
		`UPDATE accounts SET failed_logins = 0, last_failure_at = 0, locked_until = 0
		WHERE id = ?`, id)
}

func (s *sqlStore) DeleteAccount(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("deleting account: %w", err)
	}

	defer tx.Rollback()
	// Sessions, factors and passkeys go by cascade; tokens and flows are
	// not tied by foreign key because registration tokens have no account.
	steps := []string{
		`DELETE FROM tokens WHERE account_id = ?`,
		`DELETE FROM flows WHERE account_id = ?`,
		`UPDATE audit SET ip = '', detail = '' WHERE account_id = ?`,
		`DELETE FROM oidc_codes WHERE account_id = ?`,
		`DELETE FROM oidc_tokens WHERE account_id = ?`,
		`DELETE FROM attachments WHERE message_id IN
			(SELECT id FROM messages WHERE account_id = ?)`,
		`DELETE FROM messages WHERE account_id = ?`,
	}

	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, s.rebind(q), id); err != nil {
			return fmt.Errorf("deleting account: %w", err)
		}
	}

	// SQLite enforces the cascade only with foreign_keys on, which the
	// connection sets; the explicit deletes keep both backends alike.
	// The commune keeps the evidence that it sent, without the account.
	detach := `UPDATE message_receipts SET account_id = '',
		deleted_at = CASE WHEN deleted_at = 0 THEN ? ELSE deleted_at END,
		deleted_by = CASE WHEN deleted_by = '' THEN ? ELSE deleted_by END
		WHERE account_id = ?`
	if _, err := tx.ExecContext(ctx, s.rebind(detach), micros(s.clock()), DeletedByAccount,
		id); err != nil {
		return fmt.Errorf("deleting account: %w", err)
	}

	for _, q := range []string{
		`DELETE FROM handles WHERE account_id = ?`,
		`DELETE FROM sessions WHERE account_id = ?`,
		`DELETE FROM totp WHERE account_id = ?`,
		`DELETE FROM passkeys WHERE account_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, s.rebind(q), id); err != nil {
			return fmt.Errorf("deleting account: %w", err)
		}
	}

	res, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM accounts WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("deleting account: %w", err)
	}

	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting account: %w", ErrNotFound)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("deleting account: %w", err)
	}

	return nil
}

const sessionColumns = `id_hash, account_id, created_at, last_seen_at, expires_at,
	auth_at, level, user_agent, ip`

func scanSession(row interface{ Scan(...any) error }) (*Session, error) {
	var x Session
	var created, seen, expires, authAt int64
	err := row.Scan(&x.IDHash, &x.AccountID, &created, &seen, &expires, &authAt,
		&x.Level, &x.UserAgent, &x.IP)
	if err != nil {
		return nil, err
	}
	x.CreatedAt = fromMicros(created)
	x.LastSeenAt = fromMicros(seen)
	x.ExpiresAt = fromMicros(expires)
	x.AuthAt = fromMicros(authAt)
	return &x, nil
}

func (s *sqlStore) CreateSession(ctx context.Context, x *Session) error {
	return s.execOne(ctx, "creating session",
		`INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.IDHash, x.AccountID, micros(x.CreatedAt), micros(x.LastSeenAt), micros(x.ExpiresAt),
		micros(x.AuthAt), x.Level, x.UserAgent, x.IP)
}

func (s *sqlStore) SessionByHash(ctx context.Context, hash []byte) (*Session, error) {
	x, err := scanSession(s.queryRow(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ?`, hash))
	if err != nil {
		return nil, notFound("reading session", err)
	}
	return x, nil
}

func (s *sqlStore) SessionWithAccount(ctx context.Context, hash []byte) (*Session, *Account, error) {
	var x Session
	var a Account
	var created, seen, expires, authAt int64
	var accCreated, updated, disabled, lastFailure, locked int64
	err := s.queryRow(ctx, `SELECT s.id_hash, s.account_id, s.created_at, s.last_seen_at,
		s.expires_at, s.auth_at, s.level, s.user_agent, s.ip,
		a.id, a.email, a.password_hash, a.webauthn_id, a.created_at, a.updated_at,
		a.disabled_at, a.failed_logins, a.last_failure_at, a.locked_until
		FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = ?`, hash).
		Scan(&x.IDHash, &x.AccountID, &created, &seen, &expires, &authAt, &x.Level, &x.UserAgent,
			&x.IP, &a.ID, &a.Email, &a.PasswordHash, &a.WebAuthnID, &accCreated, &updated,
			&disabled, &a.FailedLogins, &lastFailure, &locked)
	if err != nil {
		return nil, nil, notFound("reading session", err)
	}
	x.CreatedAt, x.LastSeenAt = fromMicros(created), fromMicros(seen)
	x.ExpiresAt, x.AuthAt = fromMicros(expires), fromMicros(authAt)
	a.CreatedAt, a.UpdatedAt = fromMicros(accCreated), fromMicros(updated)
	a.DisabledAt, a.LastFailureAt = fromMicros(disabled), fromMicros(lastFailure)
	a.LockedUntil = fromMicros(locked)
	return &x, &a, nil
}

func (s *sqlStore) TouchSession(ctx context.Context, hash []byte, now time.Time) error {
	return s.execOne(ctx, "updating session",
		`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, micros(now), hash)
}

func (s *sqlStore) SetSessionAuth(ctx context.Context, hash []byte, at time.Time, level int) error {
	return s.execOne(ctx, "updating session authentication",
		`UPDATE sessions SET auth_at = ?, level = ? WHERE id_hash = ?`, micros(at), level, hash)
}

func (s *sqlStore) ListSessions(ctx context.Context, accountID string) ([]Session, error) {
	rows, err := s.query(ctx, `SELECT `+sessionColumns+
		` FROM sessions WHERE account_id = ? ORDER BY created_at`, accountID)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("listing sessions: %w", err)
		}
		out = append(out, *x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	return out, nil
}

func (s *sqlStore) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash); err != nil {
		return fmt.Errorf("deleting session: %w", err)
	}
	return nil
}

func (s *sqlStore) DeleteSessions(ctx context.Context, accountID string, except []byte) (int, error) {
	if except == nil {
		// No hash equals the empty value, so every session goes.
		except = []byte{}
	}
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE account_id = ? AND id_hash <> ?`,
		accountID, except)
	if err != nil {
		return 0, fmt.Errorf("deleting sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("deleting sessions: %w", err)
	}
	return int(n), nil
}

const tokenColumns = `id_hash, purpose, account_id, email, created_at, expires_at, used_at, attempts`

func scanToken(row interface{ Scan(...any) error }) (*Token, error) {
	var t Token
	var created, expires, used int64
	err := row.Scan(&t.IDHash, &t.Purpose, &t.AccountID, &t.Email, &created, &expires,
		&used, &t.Attempts)
	if err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicros(created)
	t.ExpiresAt = fromMicros(expires)
	t.UsedAt = fromMicros(used)
	return &t, nil
}

func (s *sqlStore) CreateToken(ctx context.Context, t *Token) error {
	return s.execOne(ctx, "creating token",
		`INSERT INTO tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.IDHash, t.Purpose, t.AccountID, t.Email, micros(t.CreatedAt), micros(t.ExpiresAt),
		micros(t.UsedAt), t.Attempts)
}

func (s *sqlStore) TokenByHash(ctx context.Context, hash []byte) (*Token, error) {
	t, err := scanToken(s.queryRow(ctx,
		`SELECT `+tokenColumns+` FROM tokens WHERE id_hash = ?`, hash))
	if err != nil {
		return nil, notFound("reading token", err)
	}
	return t, nil
}

func (s *sqlStore) ConsumeToken(ctx context.Context, hash []byte, purpose string, now time.Time, maxAttempts int) (*Token, error) {
	t, err := scanToken(s.writeRow(ctx, `UPDATE tokens SET used_at = ?
		WHERE id_hash = ? AND purpose = ? AND used_at = 0 AND expires_at > ? AND attempts < ?
		RETURNING `+tokenColumns, micros(now), hash, purpose, micros(now), maxAttempts))
	if err != nil {
		return nil, notFound("using token", err)
	}
	return t, nil
}

func (s *sqlStore) FailToken(ctx context.Context, hash []byte) error {
	if _, err := s.exec(ctx, `UPDATE tokens SET attempts = attempts + 1 WHERE id_hash = ?`,
		hash); err != nil {
		return fmt.Errorf("counting token failure: %w", err)
	}
	return nil
}

func (s *sqlStore) DeleteAccountTokens(ctx context.Context, accountID string) error {
	if _, err := s.exec(ctx, `DELETE FROM tokens WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("deleting tokens: %w", err)
	}
	return nil
}

const flowColumns = `id_hash, purpose, account_id, session_hash, stage, return_to, attempts,
	ceremony, created_at, expires_at`

func scanFlow(row interface{ Scan(...any) error }) (*Flow, error) {
	var f Flow
	var created, expires int64
	err := row.Scan(&f.IDHash, &f.Purpose, &f.AccountID, &f.SessionHash, &f.Stage,
		&f.ReturnTo, &f.Attempts, &f.Ceremony, &created, &expires)
	if err != nil {
		return nil, err
	}
	f.CreatedAt = fromMicros(created)
	f.ExpiresAt = fromMicros(expires)
	return &f, nil
}

func (s *sqlStore) CreateFlow(ctx context.Context, f *Flow) error {
	return s.execOne(ctx, "creating flow",
		`INSERT INTO flows (`+flowColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.IDHash, f.Purpose, f.AccountID, f.SessionHash, f.Stage, f.ReturnTo, f.Attempts,
		f.Ceremony, micros(f.CreatedAt), micros(f.ExpiresAt))
}

func (s *sqlStore) FlowByHash(ctx context.Context, hash []byte) (*Flow, error) {
	f, err := scanFlow(s.queryRow(ctx,
		`SELECT `+flowColumns+` FROM flows WHERE id_hash = ?`, hash))
	if err != nil {
		return nil, notFound("reading flow", err)
	}
	return f, nil
}

func (s *sqlStore) UpdateFlow(ctx context.Context, f *Flow) error {
	return s.execOne(ctx, "updating flow",
		`UPDATE flows SET stage = ?, return_to = ?, ceremony = ?, expires_at = ?
		WHERE id_hash = ?`, f.Stage, f.ReturnTo, f.Ceremony, micros(f.ExpiresAt), f.IDHash)
}

func (s *sqlStore) FailFlow(ctx context.Context, hash []byte) (int, error) {
	var n int
	err := s.writeRow(ctx, `UPDATE flows SET attempts = attempts + 1 WHERE id_hash = ?
		RETURNING attempts`, hash).Scan(&n)
	if err != nil {
		return 0, notFound("counting flow failure", err)
	}
	return n, nil
}

func (s *sqlStore) TakeCeremony(ctx context.Context, hash []byte) ([]byte, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("taking ceremony: %w", err)
	}
	defer tx.Rollback()
	var data []byte
	row := tx.QueryRowContext(ctx, s.rebind(
		`SELECT ceremony FROM flows WHERE id_hash = ? AND ceremony IS NOT NULL`), hash)
	if err := row.Scan(&data); err != nil {
		return nil, notFound("taking ceremony", err)
	}
	res, err := tx.ExecContext(ctx, s.rebind(
		`UPDATE flows SET ceremony = NULL WHERE id_hash = ? AND ceremony IS NOT NULL`), hash)
	if err != nil {
		return nil, fmt.Errorf("taking ceremony: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("taking ceremony: %w", ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("taking ceremony: %w", err)
	}
	return data, nil
}

func (s *sqlStore) DeleteFlow(ctx context.Context, hash []byte) error {
	if _, err := s.exec(ctx, `DELETE FROM flows WHERE id_hash = ?`, hash); err != nil {
		return fmt.Errorf("deleting flow: %w", err)
	}
	return nil
}

func (s *sqlStore) DeleteAccountFlows(ctx context.Context, accountID string) error {
	if _, err := s.exec(ctx, `DELETE FROM flows WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("deleting flows: %w", err)
	}
	return nil
}

func (s *sqlStore) PutTOTP(ctx context.Context, t *TOTP) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storing TOTP secret: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM totp WHERE account_id = ?`),
		t.AccountID); err != nil {
		return fmt.Errorf("storing TOTP secret: %w", err)
	}
	_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO totp
		(account_id, secret, confirmed, last_step, created_at) VALUES (?, ?, ?, ?, ?)`),
		t.AccountID, t.Secret, boolInt(t.Confirmed), t.LastStep, micros(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("storing TOTP secret: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storing TOTP secret: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *sqlStore) TOTPByAccount(ctx context.Context, accountID string) (*TOTP, error) {
	var t TOTP
	var confirmed int
	var created int64
	err := s.queryRow(ctx, `SELECT account_id, secret, confirmed, last_step, created_at
		FROM totp WHERE account_id = ?`, accountID).
		Scan(&t.AccountID, &t.Secret, &confirmed, &t.LastStep, &created)
	if err != nil {
		return nil, notFound("reading TOTP secret", err)
	}
	t.Confirmed = confirmed == 1
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

func (s *sqlStore) ConfirmTOTP(ctx context.Context, accountID string, secret []byte) error {
	return s.execOne(ctx, "confirming TOTP",
		`UPDATE totp SET confirmed = 1, secret = ? WHERE account_id = ?`, secret, accountID)
}

func (s *sqlStore) UseTOTPStep(ctx context.Context, accountID string, step int64) (bool, error) {
	res, err := s.exec(ctx, `UPDATE totp SET last_step = ? WHERE account_id = ? AND last_step < ?`,
		step, accountID, step)
	if err != nil {
		return false, fmt.Errorf("recording TOTP step: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("recording TOTP step: %w", err)
	}
	return n == 1, nil
}

func (s *sqlStore) DeleteTOTP(ctx context.Context, accountID string) error {
	if _, err := s.exec(ctx, `DELETE FROM totp WHERE account_id = ?`, accountID); err != nil {
		return fmt.Errorf("deleting TOTP secret: %w", err)
	}
	return nil
}

func (s *sqlStore) AddPasskey(ctx context.Context, p *Passkey) error {
	return s.execOne(ctx, "adding passkey", `INSERT INTO passkeys
		(id, account_id, name, data, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.Name, p.Data, micros(p.CreatedAt), micros(p.LastUsedAt))
}

func (s *sqlStore) ListPasskeys(ctx context.Context, accountID string) ([]Passkey, error) {
	rows, err := s.query(ctx, `SELECT id, account_id, name, data,
		created_at, last_used_at FROM passkeys WHERE account_id = ? ORDER BY created_at`,
		accountID)
	if err != nil {
		return nil, fmt.Errorf("listing passkeys: %w", err)
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		var created, used int64
		if err := rows.Scan(&p.ID, &p.AccountID, &p.Name, &p.Data, &created, &used); err != nil {
			return nil, fmt.Errorf("listing passkeys: %w", err)
		}
		p.CreatedAt = fromMicros(created)
		p.LastUsedAt = fromMicros(used)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing passkeys: %w", err)
	}
	return out, nil
}

func (s *sqlStore) UpdatePasskey(ctx context.Context, id, data []byte, lastUsed time.Time) error {
	return s.execOne(ctx, "updating passkey",
		`UPDATE passkeys SET data = ?, last_used_at = ? WHERE id = ?`, data, micros(lastUsed), id)
}

func (s *sqlStore) DeletePasskey(ctx context.Context, accountID string, id []byte) error {
	return s.execOne(ctx, "deleting passkey",
		`DELETE FROM passkeys WHERE account_id = ? AND id = ?`, accountID, id)
}

func (s *sqlStore) AppendAudit(ctx context.Context, e *AuditEvent) error {
	_, err := s.exec(ctx, `INSERT INTO audit (at, event, account_id, actor, ip, result, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		micros(e.At), e.Event, e.AccountID, e.Actor, e.IP, e.Result, e.Detail)
	if err != nil {
		return fmt.Errorf("appending audit event: %w", err)
	}
	return nil
}

func (s *sqlStore) ListAudit(ctx context.Context, accountID string) ([]AuditEvent, error) {
	rows, err := s.query(ctx, `SELECT id, at, event, account_id, actor, ip,
		result, detail FROM audit WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("listing audit events: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Event, &e.AccountID, &e.Actor, &e.IP, &e.Result,
			&e.Detail); err != nil {
			return nil, fmt.Errorf("listing audit events: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing audit events: %w", err)
	}
	return out, nil
}
