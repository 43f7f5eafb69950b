package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/verbund/verbund/auth/store"
)

// secretFiles are the files of the data folder besides the SQLite
// database that only the service's user may read: the keys, the admin
// token and the audit trail.
var secretFiles = []string{KeyFile, OIDCKeyFile, AdminTokenFile, AuditFile}

// prepareDataDir creates the data folder readable by its owner only. It
// tightens an existing folder that other local users can access to 0700,
// and the SQLite database and the secret files in it to 0600, and logs
// each change. These files contain the citizens' messages and the keys
// that protect them, and key files edited during a key rotation often
// keep the editor's mode 0644.
func prepareDataDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating data folder: %w", err)
	}
	if err := tightenMode(dir, 0o700, log); err != nil {
		return fmt.Errorf("restricting data folder: %w%s", err, ownerHint(err, dir))
	}
	db := filepath.Join(dir, store.SQLiteFile)
	paths := []string{db, db + "-wal", db + "-shm"}
	for _, name := range secretFiles {
		paths = append(paths, filepath.Join(dir, name))
	}
	for _, p := range paths {
		if err := tightenMode(p, 0o600, log); err != nil {
			return fmt.Errorf("restricting file in the data folder: %w%s", err, ownerHint(err, dir))
		}
	}
	return nil
}

// ownerHint returns advice for a permission error: the files belong to
// another user, and only their owner or root can change their mode.
func ownerHint(err error, dir string) string {
	if !errors.Is(err, fs.ErrPermission) {
		return ""
	}
	return fmt.Sprintf("; the data folder or a file in it belongs to another user: "+
		"give it to the user that runs verbund auth, for example with chown -R <user>: %s", dir)
}

// tightenMode sets path to mode if group or others have any permission
// on it. A missing path is no error.
func tightenMode(path string, mode os.FileMode, log *slog.Logger) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	old := fi.Mode().Perm()
	if old&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	log.Warn("restricted permissions that let other local users read account data",
		"path", path, "old_mode", fmt.Sprintf("%04o", old), "new_mode", fmt.Sprintf("%04o", mode))
	return nil
}
