package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrations are the schema steps in order. Each entry is run once, in a
// transaction, and recorded in schema_migrations by its position (from 1).
// Append new steps; never change a released one. The placeholders BLOB
// and SERIAL are replaced per dialect.
var migrations = []string{
	`CREATE TABLE accounts (
		id TEXT PRIMARY KEY,
		email TEXT NOT NULL UNIQUE,
		password_hash TEXT NOT NULL,
		webauthn_id BLOB NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		disabled_at BIGINT NOT NULL DEFAULT 0,
		failed_logins INTEGER NOT NULL DEFAULT 0,
		last_failure_at BIGINT NOT NULL DEFAULT 0,
		locked_until BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE sessions (
		id_hash BLOB PRIMARY KEY,
		account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
		created_at BIGINT NOT NULL,
		last_seen_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		auth_at BIGINT NOT NULL,
		level INTEGER NOT NULL,
		user_agent TEXT NOT NULL,
		ip TEXT NOT NULL
	);
	CREATE INDEX sessions_account ON sessions(account_id);
	CREATE TABLE tokens (
		id_hash BLOB PRIMARY KEY,
		purpose TEXT NOT NULL,
		account_id TEXT NOT NULL,
		email TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at BIGINT NOT NULL DEFAULT 0,
		attempts INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX tokens_account ON tokens(account_id);
	CREATE TABLE flows (
		id_hash BLOB PRIMARY KEY,
		purpose TEXT NOT NULL,
		account_id TEXT NOT NULL,
		session_hash BLOB,
		stage TEXT NOT NULL,
		return_to TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		ceremony BLOB,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX flows_account ON flows(account_id);
	CREATE TABLE totp (
		account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
		secret BLOB NOT NULL,
		confirmed INTEGER NOT NULL DEFAULT 0,
		last_step BIGINT NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL
	);
	CREATE TABLE passkeys (
		id BLOB PRIMARY KEY,
		account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
		name TEXT NOT NULL,
		data BLOB NOT NULL,
		created_at BIGINT NOT NULL,
		last_used_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX passkeys_account ON passkeys(account_id);
	CREATE TABLE audit (
		id SERIAL,
		at BIGINT NOT NULL,
		event TEXT NOT NULL,
		account_id TEXT NOT NULL,
		actor TEXT NOT NULL,
		ip TEXT NOT NULL,
		result TEXT NOT NULL,
		detail TEXT NOT NULL
	);
	CREATE INDEX audit_account ON audit(account_id);`,

	// 2: OpenID Connect login for online services, sender credentials
	// and the mailbox.
	`CREATE TABLE oidc_clients (
		id TEXT PRIMARY KEY,
		site TEXT NOT NULL,
		name TEXT NOT NULL,
		secret_hash BLOB NOT NULL,
		redirect_uris TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE INDEX oidc_clients_site ON oidc_clients(site);
	CREATE TABLE oidc_codes (
		code_hash BLOB PRIMARY KEY,
		client_id TEXT NOT NULL,
		account_id TEXT NOT NULL,
		subject TEXT NOT NULL,
		redirect_uri TEXT NOT NULL,
		challenge TEXT NOT NULL,
		nonce TEXT NOT NULL,
		scope TEXT NOT NULL,
		auth_time BIGINT NOT NULL,
		level INTEGER NOT NULL,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX oidc_codes_account ON oidc_codes(account_id);
	CREATE INDEX oidc_codes_expires ON oidc_codes(expires_at);
	CREATE TABLE oidc_tokens (
		token_hash BLOB PRIMARY KEY,
		code_hash BLOB NOT NULL,
		client_id TEXT NOT NULL,
		account_id TEXT NOT NULL,
		subject TEXT NOT NULL,
		scope TEXT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX oidc_tokens_code ON oidc_tokens(code_hash);
	CREATE INDEX oidc_tokens_account ON oidc_tokens(account_id);
	CREATE INDEX oidc_tokens_expires ON oidc_tokens(expires_at);
	CREATE TABLE handles (
		site TEXT NOT NULL,
		subject TEXT NOT NULL,
		account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
		created_at BIGINT NOT NULL,
		PRIMARY KEY (site, subject)
	);
	CREATE UNIQUE INDEX handles_account ON handles(account_id, site);
	CREATE TABLE sender_credentials (
		id TEXT PRIMARY KEY,
		site TEXT NOT NULL,
		name TEXT NOT NULL,
		secret_hash BLOB NOT NULL,
		created_at BIGINT NOT NULL,
		revoked_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX sender_credentials_site ON sender_credentials(site);
	CREATE TABLE messages (
		id TEXT PRIMARY KEY,
		site TEXT NOT NULL,
		account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
		subject TEXT NOT NULL,
		body TEXT NOT NULL,
		min_level INTEGER NOT NULL,
		reply_by BIGINT NOT NULL DEFAULT 0,
		attachment_count INTEGER NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		read_at BIGINT NOT NULL DEFAULT 0,
		archived_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX messages_account ON messages(account_id, created_at, id);
	CREATE INDEX messages_unread ON messages(account_id, expires_at)
		WHERE read_at = 0 AND archived_at = 0;
	CREATE INDEX messages_expires ON messages(expires_at);
	CREATE TABLE attachments (
		message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		name TEXT NOT NULL,
		content_type TEXT NOT NULL,
		size BIGINT NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (message_id, seq)
	);
	CREATE TABLE message_receipts (
		message_id TEXT PRIMARY KEY,
		site TEXT NOT NULL,
		account_id TEXT NOT NULL,
		recipient TEXT NOT NULL,
		idempotency_key TEXT NOT NULL,
		sent_at BIGINT NOT NULL,
		read_at BIGINT NOT NULL DEFAULT 0,
		deleted_at BIGINT NOT NULL DEFAULT 0,
		deleted_by TEXT NOT NULL DEFAULT '',
		keep_until BIGINT NOT NULL
	);
	CREATE INDEX message_receipts_site ON message_receipts(site, sent_at);
	CREATE INDEX message_receipts_account ON message_receipts(account_id);
	CREATE INDEX message_receipts_keep ON message_receipts(keep_until);
	CREATE UNIQUE INDEX message_receipts_key ON message_receipts(site, idempotency_key)
		WHERE idempotency_key <> ''`,

	// 3: the state of the notice e-mail of each message, so a failed
	// notice is retried and the sender API reports it.
	`ALTER TABLE message_receipts ADD COLUMN notice TEXT NOT NULL DEFAULT '';
	ALTER TABLE message_receipts ADD COLUMN notice_attempts INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE message_receipts ADD COLUMN notice_next_at BIGINT NOT NULL DEFAULT 0;
	CREATE INDEX message_receipts_notice ON message_receipts(notice_next_at)
		WHERE notice = 'pending'`,
}

// migrate brings the schema up to date. On PostgreSQL an advisory lock
// keeps replicas that start together from migrating twice; on SQLite the
// write transaction does the same.
func (s *sqlStore) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	defer conn.Close()

	if s.dialect == postgres {
		// The key is an arbitrary constant that names this schema's lock.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7305521)`); err != nil {
			return fmt.Errorf("locking schema for migration: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7305521)`)
	}

	create := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	var current int
	row := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	if err := row.Scan(&current); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program's %d: upgrade verbund",
			current, len(migrations))
	}
	for v := current + 1; v <= len(migrations); v++ {
		if err := s.applyMigration(ctx, conn, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) applyMigration(ctx context.Context, conn *sql.Conn, version int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating schema to version %d: %w", version, err)
	}
	defer tx.Rollback()
	for _, stmt := range strings.Split(s.dialectSQL(migrations[version-1]), ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrating schema to version %d: %w", version, err)
		}
	}
	insert := s.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`)
	if _, err := tx.ExecContext(ctx, insert, version, micros(s.clock())); err != nil {
		return fmt.Errorf("recording schema version %d: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing schema version %d: %w", version, err)
	}
	return nil
}

// dialectSQL replaces the type placeholders of a migration.
func (s *sqlStore) dialectSQL(src string) string {
	if s.dialect == postgres {
		src = strings.ReplaceAll(src, "BLOB", "BYTEA")
		return strings.ReplaceAll(src, "SERIAL", "BIGSERIAL PRIMARY KEY")
	}
	return strings.ReplaceAll(src, "SERIAL", "INTEGER PRIMARY KEY AUTOINCREMENT")
}
