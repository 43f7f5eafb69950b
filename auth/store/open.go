package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
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
// database for tests. Callers that take a PostgreSQL connection string
// from a user check it with CheckPostgresDSN and call OpenPostgres, so a
// mistyped URL does not become a SQLite file name.
func Open(ctx context.Context, dsn string) (Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, dsn)
}

// OpenSQLite opens or creates the SQLite database at path in WAL mode
// with synchronous=FULL, so a committed write survives a crash or power
// loss, and applies the migrations.
//
// A database file gets two connection pools: one connection that writes
// and a few that only read, which take queries in the order they arrive.
// SQLite lets one connection write at a time, so writers queue in the
// pool instead of sleeping in SQLite's busy handler. In WAL mode, reads
// go on while a write is in progress.
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
		if err := privateSQLiteFiles(abs); err != nil {
			return nil, fmt.Errorf("opening SQLite store %s: %w", path, err)
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

	// Write transactions take the lock at BEGIN, so a writer in another
	// process, or in the in-memory pool, makes them queue on busy_timeout
	// instead of failing halfway with SQLITE_BUSY.
	params.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", withParams(dsn, params))
	if err != nil {
		return nil, fmt.Errorf("opening SQLite store %s: %w", path, err)
	}

	s := &sqlStore{
		db: db, dialect: sqlite, location: path, ephemeral: ephemeral,
		clock: time.Now, isUnique: isSQLiteUnique,
	}
	s.writes = newPool(db, s.rebind)
	s.reads = s.writes
	if memory {
		// The shared in-memory database lives as long as a connection,
		// and its shared cache locks whole tables, so one pool serves
		// reads and writes as for a single connection.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	}

	if err := s.checkSQLite(ctx, memory); err != nil {
		db.Close()
		return nil, err
	}

	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}

	if !memory {
		if err := s.openSQLiteReaders(ctx, dsn); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// privateSQLiteFiles creates the database file at path, if it is
// missing, readable by its owner only. SQLite creates the -wal and -shm
// files with the mode of the database file, so they are private as well.
// The account service tightens the mode of existing files, and logs it,
// before it opens the store.
func privateSQLiteFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// sqliteReaders is the number of connections that read a SQLite file.
// Reads of cached pages are bound by the processor. But a goroutine may
// hold a connection while it waits for a processor, so there are more
// readers than processors. With 50 clients of the mailbox listing on 2
// cores (bench/auth), 4 readers served more listings per second than 2,
// and 8 or 16 no more than 4.
var sqliteReaders = 2 * runtime.GOMAXPROCS(0)

// openSQLiteReaders opens the pool of read-only connections. The file is
// in WAL mode already, which lasts, so the readers only set query_only,
// and a write sent to them by mistake fails instead of taking the lock.
func (s *sqlStore) openSQLiteReaders(ctx context.Context, dsn string) error {
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", withParams(dsn, params))
	if err != nil {
		return fmt.Errorf("opening SQLite store %s for reading: %w", s.location, err)
	}
	// Idle connections stay open, because one closed after a burst of
	// requests would have to be opened and its statements prepared again.
	db.SetMaxOpenConns(sqliteReaders)
	db.SetMaxIdleConns(sqliteReaders)

	var queryOnly int
	if err := db.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&queryOnly); err != nil {
		db.Close()
		return fmt.Errorf("opening SQLite store %s for reading: %w", s.location, err)
	}
	if queryOnly != 1 {
		db.Close()
		return fmt.Errorf("opening SQLite store %s for reading: query_only is %d, want 1", s.location, queryOnly)
	}
	s.reads = newPool(db, s.rebind)
	s.reads.admitInOrder(sqliteReaders)
	return nil
}

// withParams appends URL query parameters to a SQLite DSN.
func withParams(dsn string, params url.Values) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + params.Encode()
	}
	return dsn + "?" + params.Encode()
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
	// All connections may stay idle between bursts of requests, so a
	// burst does not open new ones, each a server process, while the
	// idle time still closes them after a quiet spell.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
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
	s.writes = newPool(db, s.rebind)
	s.reads = s.writes
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

// errInvalidPostgresDSN never contains the value it rejects, because a
// connection string may contain a password.
var errInvalidPostgresDSN = errors.New("want a PostgreSQL URL such as " +
	"postgres://verbund@db.internal:5432/konto?sslmode=verify-full (scheme postgres:// or postgresql://) " +
	"or a key=value connection string such as \"host=db.internal dbname=konto user=verbund\"; " +
	"the value is not shown because it may contain a password")

// keywordPattern matches the start of a key=value connection string.
var keywordPattern = regexp.MustCompile(`^\s*[a-z_]+\s*=`)

// CheckPostgresDSN returns an error unless dsn is a PostgreSQL connection
// string in one of the two forms libpq and pgx accept: a postgres:// or
// postgresql:// URL, or space-separated key=value pairs. The error never
// repeats dsn.
func CheckPostgresDSN(dsn string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if _, err := url.Parse(dsn); err != nil {
			return errInvalidPostgresDSN
		}
		return nil
	}
	if strings.Contains(dsn, "://") || !keywordPattern.MatchString(dsn) {
		return errInvalidPostgresDSN
	}
	if _, err := pgconn.ParseConfig(dsn); err != nil {
		return errInvalidPostgresDSN
	}
	return nil
}

// keywordPassword matches the password of a key=value connection
// string, quoted or not.
var keywordPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:\\.|[^'\\])*'|\S*)`)

// RedactDSN returns dsn with its password replaced, for logs. It accepts
// a URL or a key=value connection string. A value it cannot parse as
// either comes back fully redacted if it may contain a password.
func RedactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		if keywordPattern.MatchString(dsn) {
			return keywordPassword.ReplaceAllString(dsn, "${1}xxxxx")
		}
		if strings.Contains(dsn, "password") || strings.Contains(dsn, "@") {
			return "(connection string with password, redacted)"
		}
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(connection string, redacted because it does not parse as a URL)"
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
