package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/verbund/verbund/auth/store"
)

// prepareDataDir creates the data folder readable by its owner only. An
// existing folder, and a SQLite database in it, that other local users
// can read is tightened to 0700 and 0600, and the change is logged,
// because the database holds the citizens' messages.
func prepareDataDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating data folder: %w", err)
	}
	if err := tightenMode(dir, 0o700, log); err != nil {
		return fmt.Errorf("restricting data folder: %w", err)
	}
	db := filepath.Join(dir, store.SQLiteFile)
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := tightenMode(p, 0o600, log); err != nil {
			return fmt.Errorf("restricting SQLite file: %w", err)
		}
	}
	return nil
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
