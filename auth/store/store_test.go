package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
)

// forEachBackend runs fn against a fresh SQLite file and, when
// VERBUND_TEST_POSTGRES is set, a fresh PostgreSQL schema.
func forEachBackend(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, storetest.OpenSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, storetest.OpenPostgres(t))
	})
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newAccount(t *testing.T, s store.Store, email string) *store.Account {
	t.Helper()
	a := &store.Account{
		ID: randomID(), Email: email, PasswordHash: "$argon2id$test",
		WebAuthnID: []byte(randomID()), CreatedAt: t0, UpdatedAt: t0,
	}
	if err := s.CreateAccount(context.Background(), a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	return a
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func TestAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")

		got, err := s.AccountByEmail(ctx, "anna@example.org")
		if err != nil {
			t.Fatalf("AccountByEmail: %v", err)
		}
		if got.ID != a.ID || !got.CreatedAt.Equal(t0) || !bytes.Equal(got.WebAuthnID, a.WebAuthnID) {
			t.Errorf("AccountByEmail = %+v, want %+v", got, a)
		}
		if _, err := s.AccountByEmail(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AccountByEmail(unknown) error = %v, want ErrNotFound", err)
		}

		dup := &store.Account{ID: randomID(), Email: "anna@example.org", PasswordHash: "x",
			WebAuthnID: []byte("y"), CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateAccount(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreateAccount(duplicate e-mail) error = %v, want ErrConflict", err)
		}

		b := newAccount(t, s, "bert@example.org")
		if err := s.SetEmail(ctx, b.ID, "anna@example.org", t0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("SetEmail(taken address) error = %v, want ErrConflict", err)
		}
		if err := s.SetEmail(ctx, b.ID, "bert@example.net", t0.Add(time.Hour)); err != nil {
			t.Fatalf("SetEmail: %v", err)
		}
		if err := s.SetPassword(ctx, b.ID, "$argon2id$new", t0.Add(time.Hour)); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		got, err = s.AccountByID(ctx, b.ID)
		if err != nil {
			t.Fatalf("AccountByID: %v", err)
		}
		if got.Email != "bert@example.net" {
			t.Errorf("email = %q, want bert@example.net", got.Email)
		}
		if got.PasswordHash != "$argon2id$new" {
			t.Errorf("password hash = %q, want the new one", got.PasswordHash)
		}
		if !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("updated_at = %v, want %v", got.UpdatedAt, t0.Add(time.Hour))
		}

		if err := s.SetDisabled(ctx, b.ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatalf("SetDisabled: %v", err)
		}
		got, _ = s.AccountByID(ctx, b.ID)
		if !got.DisabledAt.Equal(t0.Add(2 * time.Hour)) {
			t.Errorf("disabled_at = %v, want %v", got.DisabledAt, t0.Add(2*time.Hour))
		}
	})
}

func TestLoginFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		for i := 1; i <= 3; i++ {
			n, err := s.RecordFailure(ctx, a.ID, t0.Add(time.Duration(i)*time.Minute), time.Hour)
			if err != nil {
				t.Fatalf("RecordFailure: %v", err)
			}
			if n != i {
				t.Errorf("failure %d counted as %d", i, n)
			}
		}
		n, err := s.RecordFailure(ctx, a.ID, t0.Add(3*time.Hour), time.Hour)
		if err != nil {
			t.Fatalf("RecordFailure: %v", err)
		}
		if n != 1 {
			t.Errorf("failure after stale ones counted as %d, want 1", n)
		}
		if err := s.SetLockedUntil(ctx, a.ID, t0.Add(4*time.Hour)); err != nil {
			t.Fatalf("SetLockedUntil: %v", err)
		}
		got, _ := s.AccountByID(ctx, a.ID)
		if !got.LockedUntil.Equal(t0.Add(4 * time.Hour)) {
			t.Errorf("locked_until = %v", got.LockedUntil)
		}
		if err := s.ResetFailures(ctx, a.ID); err != nil {
			t.Fatalf("ResetFailures: %v", err)
		}
		got, _ = s.AccountByID(ctx, a.ID)
		if got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
			t.Errorf("after reset: failures %d, locked until %v", got.FailedLogins, got.LockedUntil)
		}
		if _, err := s.RecordFailure(ctx, "missing", t0, time.Hour); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RecordFailure(missing) error = %v, want ErrNotFound", err)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		other := newAccount(t, s, "bert@example.org")
		mk := func(acc string, n byte) []byte {
			h := bytes.Repeat([]byte{n}, 32)
			err := s.CreateSession(ctx, &store.Session{IDHash: h, AccountID: acc, CreatedAt: t0,
				LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour), AuthAt: t0, Level: 1,
				UserAgent: "Firefox", IP: "192.0.2.1"})
			if err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			return h
		}
		h1, h2, h3 := mk(a.ID, 1), mk(a.ID, 2), mk(a.ID, 3)
		hOther := mk(other.ID, 4)

		if err := s.TouchSession(ctx, h1, t0.Add(time.Minute)); err != nil {
			t.Fatalf("TouchSession: %v", err)
		}
		if err := s.SetSessionAuth(ctx, h1, t0.Add(2*time.Minute), 2); err != nil {
			t.Fatalf("SetSessionAuth: %v", err)
		}
		got, err := s.SessionByHash(ctx, h1)
		if err != nil {
			t.Fatalf("SessionByHash: %v", err)
		}
		if !got.LastSeenAt.Equal(t0.Add(time.Minute)) || got.Level != 2 ||
			!got.AuthAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("session = %+v", got)
		}

		list, err := s.ListSessions(ctx, a.ID)
		if err != nil {
			t.Fatalf("ListSessions: %v", err)
		}
		if len(list) != 3 {
			t.Fatalf("ListSessions = %d sessions, want 3", len(list))
		}

		if err := s.DeleteSession(ctx, h2); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if _, err := s.SessionByHash(ctx, h2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted session still readable: %v", err)
		}
		n, err := s.DeleteSessions(ctx, a.ID, h1)
		if err != nil {
			t.Fatalf("DeleteSessions: %v", err)
		}
		if n != 1 {
			t.Errorf("DeleteSessions ended %d, want 1", n)
		}
		if _, err := s.SessionByHash(ctx, h3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other session survived DeleteSessions: %v", err)
		}
		if _, err := s.SessionByHash(ctx, h1); err != nil {
			t.Errorf("kept session is gone: %v", err)
		}
		if n, _ := s.DeleteSessions(ctx, a.ID, nil); n != 1 {
			t.Errorf("DeleteSessions(all) ended %d, want 1", n)
		}
		if _, err := s.SessionByHash(ctx, hOther); err != nil {
			t.Errorf("another account's session was ended: %v", err)
		}
	})
}

// A session ended by one goroutine is gone for the next read of any
// other, while many sessions are created, read and ended at once. On
// SQLite this runs the one writing connection against the readers.
func TestSessionEndVisibleUnderLoad(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		const workers, rounds = 16, 20
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				errs <- createReadEndSessions(ctx, s, a.ID, byte(w), rounds)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

// createReadEndSessions creates a session, reads it, ends it and checks
// that it cannot be read any more, rounds times.
func createReadEndSessions(ctx context.Context, s store.Store, accountID string, worker byte, rounds int) error {
	for i := range rounds {
		h := bytes.Repeat([]byte{worker, byte(i)}, 16)
		err := s.CreateSession(ctx, &store.Session{IDHash: h, AccountID: accountID, CreatedAt: t0,
			LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), AuthAt: t0, Level: 1})
		if err != nil {
			return fmt.Errorf("worker %d round %d: CreateSession: %w", worker, i, err)
		}
		if _, _, err := s.SessionWithAccount(ctx, h); err != nil {
			return fmt.Errorf("worker %d round %d: new session not readable: %w", worker, i, err)
		}
		if err := s.DeleteSession(ctx, h); err != nil {
			return fmt.Errorf("worker %d round %d: DeleteSession: %w", worker, i, err)
		}
		if _, _, err := s.SessionWithAccount(ctx, h); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("worker %d round %d: ended session read with error %v, want ErrNotFound",
				worker, i, err)
		}
	}
	return nil
}

func TestTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		h := bytes.Repeat([]byte{7}, 32)
		tok := &store.Token{IDHash: h, Purpose: "reset", AccountID: "acc", Email: "a@example.org",
			CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if _, err := s.ConsumeToken(ctx, h, "register", t0, 5); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token used for another purpose: %v", err)
		}
		if _, err := s.ConsumeToken(ctx, h, "reset", t0.Add(10*time.Minute), 5); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired token accepted: %v", err)
		}
		got, err := s.ConsumeToken(ctx, h, "reset", t0.Add(time.Minute), 5)
		if err != nil {
			t.Fatalf("ConsumeToken: %v", err)
		}
		if got.Email != "a@example.org" || got.AccountID != "acc" {
			t.Errorf("consumed token = %+v", got)
		}
		if _, err := s.ConsumeToken(ctx, h, "reset", t0.Add(time.Minute), 5); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token used twice: %v", err)
		}

		h2 := bytes.Repeat([]byte{8}, 32)
		tok2 := *tok
		tok2.IDHash = h2
		if err := s.CreateToken(ctx, &tok2); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		for range 3 {
			if err := s.FailToken(ctx, h2); err != nil {
				t.Fatalf("FailToken: %v", err)
			}
		}
		if _, err := s.ConsumeToken(ctx, h2, "reset", t0, 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token accepted after 3 wrong tries: %v", err)
		}
		if err := s.DeleteAccountTokens(ctx, "acc"); err != nil {
			t.Fatalf("DeleteAccountTokens: %v", err)
		}
		if _, err := s.TokenByHash(ctx, h2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token survived DeleteAccountTokens: %v", err)
		}
	})
}

func TestTokenConsumedOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		h := bytes.Repeat([]byte{9}, 32)
		if err := s.CreateToken(ctx, &store.Token{IDHash: h, Purpose: "register",
			Email: "a@example.org", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Go(func() {
				if _, err := s.ConsumeToken(ctx, h, "register", t0, 5); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("%d concurrent callers consumed the token, want 1", wins)
		}
	})
}

func TestFlows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		h := bytes.Repeat([]byte{5}, 32)
		f := &store.Flow{IDHash: h, Purpose: "login", AccountID: "acc", Stage: "factor",
			ReturnTo: "https://lingen.example/", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := s.CreateFlow(ctx, f); err != nil {
			t.Fatalf("CreateFlow: %v", err)
		}
		f.Ceremony = []byte(`{"challenge":"abc"}`)
		f.Stage = "passkey"
		if err := s.UpdateFlow(ctx, f); err != nil {
			t.Fatalf("UpdateFlow: %v", err)
		}
		got, err := s.FlowByHash(ctx, h)
		if err != nil {
			t.Fatalf("FlowByHash: %v", err)
		}
		if got.Stage != "passkey" || got.ReturnTo != f.ReturnTo || got.SessionHash != nil {
			t.Errorf("flow = %+v", got)
		}
		c, err := s.TakeCeremony(ctx, h)
		if err != nil {
			t.Fatalf("TakeCeremony: %v", err)
		}
		if string(c) != `{"challenge":"abc"}` {
			t.Errorf("ceremony = %s", c)
		}
		if _, err := s.TakeCeremony(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ceremony taken twice: %v", err)
		}
		for i := 1; i <= 2; i++ {
			n, err := s.FailFlow(ctx, h)
			if err != nil {
				t.Fatalf("FailFlow: %v", err)
			}
			if n != i {
				t.Errorf("FailFlow = %d, want %d", n, i)
			}
		}
		if err := s.DeleteAccountFlows(ctx, "acc"); err != nil {
			t.Fatalf("DeleteAccountFlows: %v", err)
		}
		if _, err := s.FlowByHash(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("flow survived DeleteAccountFlows: %v", err)
		}
	})
}

func TestTOTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		if err := s.PutTOTP(ctx, &store.TOTP{AccountID: a.ID, Secret: []byte("sealed"), CreatedAt: t0}); err != nil {
			t.Fatalf("PutTOTP: %v", err)
		}
		got, err := s.TOTPByAccount(ctx, a.ID)
		if err != nil {
			t.Fatalf("TOTPByAccount: %v", err)
		}
		if got.Confirmed || string(got.Secret) != "sealed" {
			t.Errorf("totp = %+v", got)
		}
		if err := s.ConfirmTOTP(ctx, a.ID, []byte("resealed")); err != nil {
			t.Fatalf("ConfirmTOTP: %v", err)
		}
		ok, err := s.UseTOTPStep(ctx, a.ID, 100)
		if err != nil || !ok {
			t.Fatalf("UseTOTPStep(100) = %v, %v", ok, err)
		}
		if ok, _ := s.UseTOTPStep(ctx, a.ID, 100); ok {
			t.Error("step 100 accepted twice")
		}
		if ok, _ := s.UseTOTPStep(ctx, a.ID, 99); ok {
			t.Error("earlier step 99 accepted after 100")
		}
		got, _ = s.TOTPByAccount(ctx, a.ID)
		if !got.Confirmed || string(got.Secret) != "resealed" || got.LastStep != 100 {
			t.Errorf("totp after use = %+v", got)
		}
		if err := s.DeleteTOTP(ctx, a.ID); err != nil {
			t.Fatalf("DeleteTOTP: %v", err)
		}
		if _, err := s.TOTPByAccount(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TOTP survived DeleteTOTP: %v", err)
		}
	})
}

func TestPasskeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		b := newAccount(t, s, "bert@example.org")
		p := &store.Passkey{ID: []byte("cred-1"), AccountID: a.ID, Name: "Laptop",
			Data: []byte(`{}`), CreatedAt: t0}
		if err := s.AddPasskey(ctx, p); err != nil {
			t.Fatalf("AddPasskey: %v", err)
		}
		dup := *p
		dup.AccountID = b.ID
		if err := s.AddPasskey(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("AddPasskey(same ID) error = %v, want ErrConflict", err)
		}
		if err := s.UpdatePasskey(ctx, p.ID, []byte(`{"n":1}`), t0.Add(time.Hour)); err != nil {
			t.Fatalf("UpdatePasskey: %v", err)
		}
		list, err := s.ListPasskeys(ctx, a.ID)
		if err != nil {
			t.Fatalf("ListPasskeys: %v", err)
		}
		if len(list) != 1 || string(list[0].Data) != `{"n":1}` || !list[0].LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("passkeys = %+v", list)
		}
		if err := s.DeletePasskey(ctx, b.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account deleted the passkey: %v", err)
		}
		if err := s.DeletePasskey(ctx, a.ID, p.ID); err != nil {
			t.Fatalf("DeletePasskey: %v", err)
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := newAccount(t, s, "anna@example.org")
		keep := newAccount(t, s, "bert@example.org")
		h := bytes.Repeat([]byte{1}, 32)
		s.CreateSession(ctx, &store.Session{IDHash: h, AccountID: a.ID, CreatedAt: t0,
			LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), AuthAt: t0, Level: 1})
		s.PutTOTP(ctx, &store.TOTP{AccountID: a.ID, Secret: []byte("x"), CreatedAt: t0})
		s.AddPasskey(ctx, &store.Passkey{ID: []byte("k"), AccountID: a.ID, Data: []byte("{}"), CreatedAt: t0})
		s.CreateToken(ctx, &store.Token{IDHash: h, Purpose: "email", AccountID: a.ID,
			Email: "new@example.org", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		s.AppendAudit(ctx, &store.AuditEvent{At: t0, Event: "login", AccountID: a.ID,
			Actor: a.ID, IP: "192.0.2.1", Result: "ok", Detail: "Firefox"})
		s.AppendAudit(ctx, &store.AuditEvent{At: t0, Event: "login", AccountID: keep.ID,
			Actor: keep.ID, IP: "192.0.2.2", Result: "ok"})

		if err := s.DeleteAccount(ctx, a.ID); err != nil {
			t.Fatalf("DeleteAccount: %v", err)
		}
		if _, err := s.AccountByID(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("account survived: %v", err)
		}
		if _, err := s.SessionByHash(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session survived: %v", err)
		}
		if _, err := s.TOTPByAccount(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TOTP survived: %v", err)
		}
		if list, _ := s.ListPasskeys(ctx, a.ID); len(list) != 0 {
			t.Errorf("passkeys survived: %v", list)
		}
		if _, err := s.TokenByHash(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token survived: %v", err)
		}
		events, _ := s.ListAudit(ctx, a.ID)
		if len(events) != 1 || events[0].IP != "" || events[0].Detail != "" {
			t.Errorf("audit events of deleted account = %+v, want address and detail removed", events)
		}
		kept, _ := s.ListAudit(ctx, keep.ID)
		if len(kept) != 1 || kept[0].IP != "192.0.2.2" {
			t.Errorf("another account's audit events changed: %+v", kept)
		}
		if err := s.DeleteAccount(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteAccount error = %v, want ErrNotFound", err)
		}
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.SQLiteFile)
	ctx := context.Background()
	for i := range 2 {
		s, err := store.OpenSQLite(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		s.Close()
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, latest int
	err = db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &latest)
	if err != nil {
		t.Fatal(err)
	}
	if n != latest {
		t.Errorf("schema_migrations has %d rows for %d versions, want one row each", n, latest)
	}
}

func TestSQLiteDurabilitySettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.SQLiteFile)
	s, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL file next to the database: %v", err)
	}
	if !s.Ephemeral() {
		t.Error("store under the temporary folder not reported as ephemeral")
	}
	if s.Backend() != "sqlite" {
		t.Errorf("Backend = %q", s.Backend())
	}
}

func TestRedactDSN(t *testing.T) {
	cases := map[string]string{
		"postgres://app:geheim@db.internal:5432/konto?sslmode=verify-full": "postgres://app:xxxxx@db.internal:5432/konto?sslmode=verify-full",
		"postgres://db.internal/konto?password=geheim":                     "postgres://db.internal/konto?password=xxxxx",
		"postgres://app@db.internal/konto":                                 "postgres://app@db.internal/konto",
		"host=db.internal user=app password=geheim dbname=konto":           "host=db.internal user=app password=xxxxx dbname=konto",
		"host=db.internal password = 'ge heim' dbname=konto":               "host=db.internal password = xxxxx dbname=konto",
		"postgres://app:geheim@db.internal:port/konto":                     "(connection string, redacted because it does not parse as a URL)",
	}
	for in, want := range cases {
		got := store.RedactDSN(in)
		if got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(got, "geheim") || strings.Contains(got, "heim'") {
			t.Errorf("password left in %q", got)
		}
	}
}

func TestCheckPostgresDSN(t *testing.T) {
	valid := []string{
		"postgres://verbund@db.internal:5432/konto?sslmode=verify-full",
		"postgresql://verbund@db.internal/konto",
		"host=127.0.0.1 port=29542 user=postgres password=KvGeheim55 dbname=verbund_test sslmode=disable",
		"dbname=konto",
	}
	for _, dsn := range valid {
		if err := store.CheckPostgresDSN(dsn); err != nil {
			t.Errorf("CheckPostgresDSN(%q) = %v, want nil", dsn, err)
		}
	}
	invalid := []string{
		"postgress://postgres:TypoGeheim1@db.internal:5432/konto",
		"Postgres://postgres:TypoGeheim1@db.internal/konto",
		"/var/lib/verbund-konto/accounts.db",
		"konto",
		"host=db.internal port=notaport password=TypoGeheim1",
		"",
	}
	for _, dsn := range invalid {
		err := store.CheckPostgresDSN(dsn)
		if err == nil {
			t.Errorf("CheckPostgresDSN(%q) = nil, want an error", dsn)
			continue
		}
		if strings.Contains(err.Error(), "TypoGeheim1") {
			t.Errorf("error repeats the password: %v", err)
		}
	}
}

func TestStartupChecks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		has, err := s.HasAccounts(ctx)
		if err != nil {
			t.Fatalf("HasAccounts: %v", err)
		}
		if has {
			t.Error("HasAccounts = true for a new store")
		}
		ids, err := s.SealedKeyIDs(ctx)
		if err != nil {
			t.Fatalf("SealedKeyIDs: %v", err)
		}
		if len(ids) != 0 {
			t.Errorf("SealedKeyIDs of a new store = %q", ids)
		}

		t0 := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		secrets := []string{"ca9f3ca0.\x00\x01nonce", "ca9f3ca0.other", "7c1e9a02.\xff.x"}
		for _, secret := range secrets {
			a := newAccount(t, s, randomID()+"@example.org")
			if err := s.PutTOTP(ctx, &store.TOTP{AccountID: a.ID, Secret: []byte(secret), CreatedAt: t0}); err != nil {
				t.Fatalf("PutTOTP: %v", err)
			}
		}
		if has, err := s.HasAccounts(ctx); err != nil || !has {
			t.Errorf("HasAccounts with accounts = %v, %v; want true", has, err)
		}
		ids, err = s.SealedKeyIDs(ctx)
		if err != nil {
			t.Fatalf("SealedKeyIDs: %v", err)
		}
		slices.Sort(ids)
		if want := []string{"7c1e9a02", "ca9f3ca0"}; !slices.Equal(ids, want) {
			t.Errorf("SealedKeyIDs = %q, want %q", ids, want)
		}
	})
}
