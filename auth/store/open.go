package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// SQLiteFile is the database's file name inside the data folder.
const SQLiteFile = "accounts.db"

// Open opens the store that dsn names and brings its schema up to date.
// A dsn starting with postgres:// or postgresql:// opens PostgreSQL;
// anything else is the path of a SQLite file, and ":memory:" an in-memory
// database for tests.
func Open(ctx context.Context, dsn string) (Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, dsn)
}

// OpenSQLite opens or creates the SQLite database at path in WAL mode
// with synchronous=FULL, so a committed write survives a crash or power
// loss, and applies the migrations.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	memory := path == ":memory:"
	ephemeral := memory
	var dsn string
	if memory {
		// Every connection to a plain ":memory:" database opens a new
		// empty database, so tests share one named in-memory database.
		dsn = fmt.Sprintf("file:mem%d?mode=memory&cache=shared", time.Now().UnixNano())
	} else {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("opening SQLite store %s: %w", path, err)
		}
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			return nil, fmt.Errorf("creating folder for SQLite store: %w", err)
		}
		ephemeral = isTempPath(abs)
		dsn = "file:" + abs
	}

	params := url.Values{}
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "busy_timeout(10000)")
	if !memory {
		params.Add("_pragma", "journal_mode(WAL)")
		params.Add("_pragma", "synchronous(FULL)")
	}

	// Write transactions take the lock at BEGIN, so two writers queue on
	// busy_timeout instead of failing halfway with SQLITE_BUSY.
	params.Add("_txlock", "immediate")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}

	db, err := sql.Open("sqlite", dsn+sep+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening SQLite store %s: %w", path, err)
	}

	if memory {
		// The shared in-memory database lives as long as a connection.
		db.SetMaxIdleConns(4)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}

	db.SetMaxOpenConns(4)
	s := &sqlStore{
		db: db, dialect: sqlite, location: path, ephemeral: ephemeral,
		clock: time.Now, isUnique: isSQLiteUnique,
	}

	if err := s.checkSQLite(ctx, memory); err != nil {
		db.Close()
		return nil, err
	}

	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}

	return s, nil
}

// checkSQLite verifies that the pragmas took effect: a database that
// silently fell back to another journal mode would lose durability.
func (s *sqlStore) checkSQLite(ctx context.Context, memory bool) error {
	if memory {
		return s.db.PingContext(ctx)
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("opening SQLite store %s: %w", s.location, err)
	}
	if mode != "wal" {
		return fmt.Errorf("opening SQLite store %s: journal mode is %q, want wal", s.location, mode)
	}
	var sync int
	if err := s.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
		return fmt.Errorf("opening SQLite store %s: %w", s.location, err)
	}
	if sync != 2 {
		return fmt.Errorf("opening SQLite store %s: synchronous is %d, want 2 (FULL)", s.location, sync)
	}
	return nil
}

func isTempPath(abs string) bool {
	tmp, err := filepath.Abs(os.TempDir())
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(tmp, abs)
	return err == nil && !strings.HasPrefix(rel, "..")
}

func isSQLiteUnique(err error) bool {
	var e *sqlite3.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE ||
			e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// OpenPostgres connects to the PostgreSQL database that dsn names and
// applies the migrations. Several replicas may share the database.
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	location := RedactDSN(dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL store %s: %w", location, err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL store %s: %w", location, err)
	}
	s := &sqlStore{
		db: db, dialect: postgres, location: location,
		clock: time.Now, isUnique: isPostgresUnique,
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func isPostgresUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// RedactDSN returns dsn with its password replaced, for logs.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if strings.Contains(dsn, "password") {
			return "(connection string with password, redacted)"
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
