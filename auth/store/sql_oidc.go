package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

const clientColumns = `id, site, name, secret_hash, redirect_uris, created_at`

func scanClient(row interface{ Scan(...any) error }) (*Client, error) {
	var c Client
	var uris string
	var created int64
	if err := row.Scan(&c.ID, &c.Site, &c.Name, &c.SecretHash, &uris, &created); err != nil {
		return nil, err
	}
	c.RedirectURIs = strings.Fields(uris)
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

func (s *sqlStore) CreateClient(ctx context.Context, c *Client) error {
	for _, u := range c.RedirectURIs {
		// Redirect URIs are stored separated by spaces, which a valid
		// URI never contains.
		if u == "" || strings.ContainsAny(u, " \t\r\n") {
			return fmt.Errorf("creating client: invalid redirect URI %q", u)
		}
	}
	return s.execOne(ctx, "creating client",
		`INSERT INTO oidc_clients (`+clientColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.Site, c.Name, c.SecretHash, strings.Join(c.RedirectURIs, " "),
		micros(c.CreatedAt))
}

func (s *sqlStore) ClientByID(ctx context.Context, id string) (*Client, error) {
	c, err := scanClient(s.queryRow(ctx,
		`SELECT `+clientColumns+` FROM oidc_clients WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("reading client", err)
	}
	return c, nil
}

func (s *sqlStore) ListClients(ctx context.Context, site string) ([]Client, error) {
	rows, err := s.query(ctx, `SELECT `+clientColumns+
		` FROM oidc_clients WHERE ? = '' OR site = ? ORDER BY site, created_at, id`, site, site)
	if err != nil {
		return nil, fmt.Errorf("listing clients: %w", err)
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("listing clients: %w", err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing clients: %w", err)
	}
	return out, nil
}

func (s *sqlStore) DeleteClient(ctx context.Context, id string) error {
	return s.inTx(ctx, "deleting client", func(tx *txRunner) error {
		if err := tx.exec(`DELETE FROM oidc_codes WHERE client_id = ?`, id); err != nil {
			return err
		}
		if err := tx.exec(`DELETE FROM oidc_tokens WHERE client_id = ?`, id); err != nil {
			return err
		}
		return tx.execOne(`DELETE FROM oidc_clients WHERE id = ?`, id)
	})
}

const codeColumns = `code_hash, client_id, account_id, subject, redirect_uri, challenge, nonce,
	scope, auth_time, level, created_at, expires_at, used_at`

func (s *sqlStore) CreateAuthCode(ctx context.Context, c *AuthCode) error {
	return s.execOne(ctx, "creating authorization code",
		`INSERT INTO oidc_codes (`+codeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.CodeHash, c.ClientID, c.AccountID, c.Subject, c.RedirectURI, c.Challenge, c.Nonce,
		c.Scope, micros(c.AuthTime), c.Level, micros(c.CreatedAt), micros(c.ExpiresAt),
		micros(c.UsedAt))
}

func (s *sqlStore) ConsumeAuthCode(ctx context.Context, hash []byte, now time.Time) (*AuthCode, error) {
	var c AuthCode
	var authTime, created, expires, used int64
	err := s.writeRow(ctx, `UPDATE oidc_codes SET used_at = ?
		WHERE code_hash = ? AND used_at = 0 AND expires_at > ?
		RETURNING `+codeColumns, micros(now), hash, micros(now)).
		Scan(&c.CodeHash, &c.ClientID, &c.AccountID, &c.Subject, &c.RedirectURI, &c.Challenge,
			&c.Nonce, &c.Scope, &authTime, &c.Level, &created, &expires, &used)
	if err != nil {
		return nil, notFound("using authorization code", err)
	}
	c.AuthTime = fromMicros(authTime)
	c.CreatedAt = fromMicros(created)
	c.ExpiresAt = fromMicros(expires)
	c.UsedAt = fromMicros(used)
	return &c, nil
}

func (s *sqlStore) CreateAccessToken(ctx context.Context, t *AccessToken) error {
	return s.execOne(ctx, "creating access token", `INSERT INTO oidc_tokens
		(token_hash, code_hash, client_id, account_id, subject, scope, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.TokenHash, t.CodeHash, t.ClientID, t.AccountID, t.Subject, t.Scope,
		micros(t.ExpiresAt))
}

func (s *sqlStore) AccessTokenByHash(ctx context.Context, hash []byte, now time.Time) (*AccessToken, error) {
	var t AccessToken
	var expires int64
	err := s.queryRow(ctx, `SELECT token_hash, code_hash, client_id, account_id, subject,
		scope, expires_at FROM oidc_tokens WHERE token_hash = ? AND expires_at > ?`,
		hash, micros(now)).
		Scan(&t.TokenHash, &t.CodeHash, &t.ClientID, &t.AccountID, &t.Subject, &t.Scope, &expires)
	if err != nil {
		return nil, notFound("reading access token", err)
	}
	t.ExpiresAt = fromMicros(expires)
	return &t, nil
}

func (s *sqlStore) DeleteCodeTokens(ctx context.Context, codeHash []byte) error {
	if _, err := s.exec(ctx, `DELETE FROM oidc_tokens WHERE code_hash = ?`, codeHash); err != nil {
		return fmt.Errorf("revoking tokens of a code: %w", err)
	}
	return nil
}

func (s *sqlStore) PurgeOIDC(ctx context.Context, now time.Time) (int, error) {
	total := 0
	// A used code stays until it expires, so a replay within its
	// lifetime still finds it and revokes the tokens issued for it.
	for _, q := range []string{
		`DELETE FROM oidc_codes WHERE expires_at <= ?`,
		`DELETE FROM oidc_tokens WHERE expires_at <= ?`,
	} {
		res, err := s.exec(ctx, q, micros(now))
		if err != nil {
			return total, fmt.Errorf("purging expired codes and tokens: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

func scanHandle(row interface{ Scan(...any) error }) (*Handle, error) {
	var h Handle
	var created int64
	if err := row.Scan(&h.Site, &h.Subject, &h.AccountID, &created); err != nil {
		return nil, err
	}
	h.CreatedAt = fromMicros(created)
	return &h, nil
}

func (s *sqlStore) CreateHandle(ctx context.Context, h *Handle) error {
	return s.execOne(ctx, "creating handle",
		`INSERT INTO handles (site, subject, account_id, created_at) VALUES (?, ?, ?, ?)`,
		h.Site, h.Subject, h.AccountID, micros(h.CreatedAt))
}

func (s *sqlStore) HandleForAccount(ctx context.Context, site, accountID string) (*Handle, error) {
	h, err := scanHandle(s.queryRow(ctx, `SELECT site, subject, account_id, created_at
		FROM handles WHERE site = ? AND account_id = ?`, site, accountID))
	if err != nil {
		return nil, notFound("reading handle", err)
	}
	return h, nil
}

func (s *sqlStore) HandleBySubject(ctx context.Context, site, subject string) (*Handle, error) {
	h, err := scanHandle(s.queryRow(ctx, `SELECT site, subject, account_id, created_at
		FROM handles WHERE site = ? AND subject = ?`, site, subject))
	if err != nil {
		return nil, notFound("reading handle", err)
	}
	return h, nil
}

func (s *sqlStore) ListHandles(ctx context.Context, accountID string) ([]Handle, error) {
	rows, err := s.query(ctx, `SELECT site, subject, account_id, created_at
		FROM handles WHERE account_id = ? ORDER BY created_at, site`, accountID)
	if err != nil {
		return nil, fmt.Errorf("listing handles: %w", err)
	}
	defer rows.Close()
	var out []Handle
	for rows.Next() {
		h, err := scanHandle(rows)
		if err != nil {
			return nil, fmt.Errorf("listing handles: %w", err)
		}
		out = append(out, *h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing handles: %w", err)
	}
	return out, nil
}
