package auth

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
)

// startService runs New and Close on a data folder and returns New's
// error and the log.
func startService(t *testing.T, st store.Store, dataDir string) (string, error) {
	t.Helper()
	var logs bytes.Buffer
	s, err := New(context.Background(), Options{
		Config: testConfig("http://localhost:8082"), Insecure: true,
		DataDir: dataDir, Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err == nil {
		s.Close()
	}
	return logs.String(), err
}

func addAccountWithTOTP(t *testing.T, st store.Store, secret string) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	a := &store.Account{ID: "acc-" + secret[:8], Email: secret[:8] + "@example.org", PasswordHash: "x",
		WebAuthnID: []byte("w" + secret[:8]), CreatedAt: now, UpdatedAt: now}
	if err := st.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.PutTOTP(ctx, &store.TOTP{AccountID: a.ID, Secret: []byte(secret), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
}

func TestFirstStartCreatesKeyFiles(t *testing.T) {
	dir := t.TempDir()
	logs, err := startService(t, storetest.OpenSQLite(t), dir)
	if err != nil {
		t.Fatalf("first start: %v", err)
	}
	for _, name := range []string{KeyFile, OIDCKeyFile, AdminTokenFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("first start did not create %s: %v", name, err)
		}
		if !strings.Contains(logs, filepath.Join(dir, name)) {
			t.Errorf("log does not name the created file %s:\n%s", name, logs)
		}
	}
}

func TestStartRejectsMissingKeyFile(t *testing.T) {
	for _, name := range []string{KeyFile, OIDCKeyFile} {
		t.Run(name, func(t *testing.T) {
			st := storetest.OpenSQLite(t)
			dir := t.TempDir()
			if _, err := startService(t, st, dir); err != nil {
				t.Fatalf("first start: %v", err)
			}
			addAccountWithTOTP(t, st, "ca9f3ca0.sealed")
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}

			_, err := startService(t, st, dir)
			if err == nil {
				t.Fatalf("service started without %s on a store with accounts", name)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, name)) {
				t.Errorf("error does not name the missing file: %v", err)
			}
			if !strings.Contains(err.Error(), "backup") {
				t.Errorf("error does not say how to restore the file: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				t.Errorf("rejected start created a new %s", name)
			}
		})
	}
}

func TestStartRejectsKeyFileWithoutSealingKey(t *testing.T) {
	st := storetest.OpenSQLite(t)
	dir := t.TempDir()
	if _, err := startService(t, st, dir); err != nil {
		t.Fatalf("first start: %v", err)
	}
	// The key file of the first start contains a random key ID, never
	// ca9f3ca0's secret.
	addAccountWithTOTP(t, st, "ca9f3ca0.sealed")

	_, err := startService(t, st, dir)
	if err == nil {
		t.Fatal("service started although no key decrypts a stored TOTP secret")
	}
	if !strings.Contains(err.Error(), "ca9f3ca0") || !strings.Contains(err.Error(), "backup") {
		t.Errorf("error does not name the key and the backup: %v", err)
	}
}

func TestNewAdminTokenOnDataWarns(t *testing.T) {
	st := storetest.OpenSQLite(t)
	dir := t.TempDir()
	if _, err := startService(t, st, dir); err != nil {
		t.Fatalf("first start: %v", err)
	}
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	err := st.CreateAccount(context.Background(), &store.Account{ID: "acc-1", Email: "anna@example.org",
		PasswordHash: "x", WebAuthnID: []byte("w1"), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, AdminTokenFile)); err != nil {
		t.Fatal(err)
	}

	logs, err := startService(t, st, dir)
	if err != nil {
		t.Fatalf("start without admin-token: %v", err)
	}
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "new admin token") {
		t.Errorf("no warning about the new admin token:\n%s", logs)
	}
}

// keyedDataDir returns a data folder with the key files a first start
// creates, for tests that fill a store before they start the service.
func keyedDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := loadKeyring(filepath.Join(dir, KeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := loadSigningKeys(filepath.Join(dir, OIDCKeyFile)); err != nil {
		t.Fatal(err)
	}
	return dir
}
