// Package storetest opens throw-away stores for tests: a SQLite file in
// the test's temporary folder, or a fresh schema in the PostgreSQL
// database named by the VERBUND_TEST_POSTGRES environment variable.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/verbund/verbund/auth/store"
)

// PostgresEnv names the environment variable with the DSN of a PostgreSQL
// database that tests may create schemas in.
const PostgresEnv = "VERBUND_TEST_POSTGRES"

// OpenSQLite opens a new SQLite store in a temporary folder and closes it
// when the test ends.
func OpenSQLite(t testing.TB) store.Store {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), store.SQLiteFile))
	if err != nil {
		t.Fatalf("opening SQLite store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// OpenPostgres opens a store in a new schema of the test database and
// drops the schema when the test ends. It skips the test when
// VERBUND_TEST_POSTGRES is unset.
func OpenPostgres(t testing.TB) store.Store {
	t.Helper()
	dsn := PostgresDSN(t)
	ctx := context.Background()
	schema := "verbund_test_" + randomHex(6)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", store.RedactDSN(dsn), err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	s, err := store.OpenPostgres(ctx, WithSearchPath(dsn, schema))
	if err != nil {
		t.Fatalf("opening PostgreSQL store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresDSN returns the test database's DSN or skips the test.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skip(PostgresEnv + " is unset, so the PostgreSQL tests are skipped; " +
			"scripts/postgres.sh start prints a DSN to set it to")
	}
	return dsn
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
