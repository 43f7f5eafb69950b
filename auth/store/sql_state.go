package store

import (
	"context"
	"fmt"
)

// Ping checks that the database runs a query.
func (s *sqlStore) Ping(ctx context.Context) error {
	var one int
	if err := s.queryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("checking store: %w", err)
	}
	return nil
}

// HasAccounts reports whether the store holds an account.
func (s *sqlStore) HasAccounts(ctx context.Context) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM accounts LIMIT 1) a`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("counting the accounts of the store failed: %w", err)
	}
	return n > 0, nil
}

// SealedKeyIDs returns the IDs of the master keys that encrypted the
// stored TOTP secrets, each once. A secret is stored as the key ID, a
// dot (byte 0x2e) and the ciphertext.
func (s *sqlStore) SealedKeyIDs(ctx context.Context) ([]string, error) {
	query := `SELECT DISTINCT substr(secret, 1, instr(secret, X'2E') - 1)
		FROM totp WHERE instr(secret, X'2E') > 1`
	if s.dialect == postgres {
		query = `SELECT DISTINCT substring(secret FROM 1 FOR position('\x2e'::bytea IN secret) - 1)
			FROM totp WHERE position('\x2e'::bytea IN secret) > 1`
	}
	rows, err := s.query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("listing keys of TOTP secrets: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id []byte
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing keys of TOTP secrets: %w", err)
		}
		ids = append(ids, string(id))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing keys of TOTP secrets: %w", err)
	}
	return ids, nil
}
