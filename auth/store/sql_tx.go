package store

import (
	"context"
	"database/sql"
	"fmt"
)

// txRunner runs the statements of one transaction with the store's
// placeholders and error mapping.
type txRunner struct {
	ctx context.Context
	tx  *sql.Tx
	s   *sqlStore
}

// inTx runs fn in a transaction and commits it if fn returns nil. Errors
// are wrapped with what.
func (s *sqlStore) inTx(ctx context.Context, what string, fn func(*txRunner) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(&txRunner{ctx: ctx, tx: tx, s: s}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: committing: %w", what, err)
	}
	return nil
}

// execN runs a statement and returns how many rows it changed. A unique
// constraint violation becomes ErrConflict.
func (t *txRunner) execN(query string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, t.s.rebind(query), args...)
	if err != nil {
		if t.s.isUnique(err) {
			return 0, ErrConflict
		}
		return 0, err
	}
	return res.RowsAffected()
}

func (t *txRunner) exec(query string, args ...any) error {
	_, err := t.execN(query, args...)
	return err
}

// execOne runs a statement that must change at least one row.
func (t *txRunner) execOne(query string, args ...any) error {
	n, err := t.execN(query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func (t *txRunner) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.rebind(query), args...)
}
