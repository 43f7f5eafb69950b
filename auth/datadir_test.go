package auth

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/internal/syncbuf"
)

// TestDataFolderPrivate starts the service on a data folder that other
// local users can read, as an older version or a plain mkdir left it,
// and checks that the folder and the SQLite files become private.
func TestDataFolderPrivate(t *testing.T) {
	// With the usual umask, files created with the default mode 0644
	// are readable by everyone. No test in this package runs in
	// parallel, so changing the process's umask is safe here.
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)

	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	provideSigningKey(t, dir)
	db := filepath.Join(dir, store.SQLiteFile)
	files := []string{db, db + "-wal", db + "-shm"}
	for _, name := range secretFiles {
		files = append(files, filepath.Join(dir, name))
	}

	start := func() (*Service, *syncbuf.Buffer) {
		logs := &syncbuf.Buffer{}
		svc, err := New(context.Background(), Options{
			Config:  testConfig("https://konto.example.com"),
			DataDir: dir,
			Logger:  slog.New(slog.NewTextHandler(logs, nil)),
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return svc, logs
	}
	checkModes := func(when string) {
		t.Helper()
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: data folder mode %v (err %v), want 0700", when, fi.Mode().Perm(), err)
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				t.Errorf("%s: %v", when, err)
				continue
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s has mode %v, want 0600", when, filepath.Base(f), fi.Mode().Perm())
			}
		}
	}

	svc, logs := start()
	checkModes("new database")
	if !strings.Contains(logs.String(), "restricted permissions") || !strings.Contains(logs.String(), dir) {
		t.Errorf("tightening the data folder was not logged:\n%s", logs)
	}
	svc.Close()

	// A database that an older version created world-readable.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		// Closing removed the -wal and -shm files; empty ones are valid.
		fh, err := os.OpenFile(f, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		fh.Close()
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svc, logs = start()
	defer svc.Close()
	checkModes("existing database")
	for _, name := range []string{store.SQLiteFile, KeyFile, OIDCKeyFile, AdminTokenFile, AuditFile} {
		if !strings.Contains(logs.String(), filepath.Join(dir, name)) {
			t.Errorf("tightening %s was not logged:\n%s", name, logs)
		}
	}
}

func TestOwnerHintOnPermissionError(t *testing.T) {
	err := &fs.PathError{Op: "chmod", Path: "/var/lib/verbund-konto", Err: fs.ErrPermission}
	hint := ownerHint(err, "/var/lib/verbund-konto")
	if !strings.Contains(hint, "chown") || !strings.Contains(hint, "/var/lib/verbund-konto") {
		t.Errorf("hint for a permission error = %q, want chown and the folder", hint)
	}
	if got := ownerHint(fs.ErrNotExist, "/x"); got != "" {
		t.Errorf("hint for another error = %q, want none", got)
	}
}
