package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A SQLite file gets one writing connection and readers that reject
// writes, so a write routed to the readers by mistake fails in tests.
func TestSQLiteWriterAndReaderPools(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqlStore)

	if s.reads == s.writes {
		t.Fatal("reads and writes share one pool, want a pool of readers")
	}
	if n := s.writes.db.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writing pool has at most %d connections, want 1", n)
	}
	if n := s.reads.db.Stats().MaxOpenConnections; n != sqliteReaders {
		t.Errorf("reading pool has at most %d connections, want %d", n, sqliteReaders)
	}
	_, err = s.reads.db.ExecContext(ctx, `DELETE FROM sessions`)
	if err == nil {
		t.Error("a write through the reading pool succeeded, want an error from query_only")
	}
}

// Every read gives its slot back, whether it found rows, found none,
// failed or was cancelled, so reads cannot run out of slots.
func TestSQLiteReadSlotsReturned(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqlStore)
	if cap(s.reads.slots) != sqliteReaders {
		t.Fatalf("reading pool has %d slots, want %d", cap(s.reads.slots), sqliteReaders)
	}

	// A slot that is never given back makes later reads wait, so the
	// reads time out instead of hanging the test.
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Second)
	defer cancelTimeout()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for i := range 2*sqliteReaders + 1 {
		if _, err := st.SessionByHash(ctx, []byte{byte(i)}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SessionByHash(unknown) error = %v, want ErrNotFound", err)
		}
		if _, err := st.ListSessions(ctx, "nobody"); err != nil {
			t.Fatalf("ListSessions: %v", err)
		}
		if _, err := st.ListSessions(cancelled, "nobody"); err == nil {
			t.Fatal("ListSessions with a cancelled context succeeded, want an error")
		}
		if _, err := st.AccountByID(cancelled, "nobody"); err == nil {
			t.Fatal("AccountByID with a cancelled context succeeded, want an error")
		}
		var n int
		if err := s.queryRow(ctx, `SELECT no_such_column FROM accounts`).Scan(&n); err == nil {
			t.Fatal("query of a missing column succeeded, want an error")
		}
	}
	if n := len(s.reads.slots); n != 0 {
		t.Errorf("%d read slots still taken after all reads ended, want 0", n)
	}
}
