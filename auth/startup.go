package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// checkKeyFiles rejects a start whose key files are missing although
// the store contains accounts. Without the check, a restore or a new
// replica would create new keys. Password logins would work, but no TOTP
// secret could be decrypted, and ID tokens would be signed with a key
// that other replicas do not publish. Only accounts count as data:
// online services and sender credentials may be registered with the
// command line before the first start, which creates the key files. It
// returns whether the store holds accounts, and the key files a first
// start has to create.
func (s *Service) checkKeyFiles(ctx context.Context) (hasData bool, missing []string, err error) {
	hasData, err = s.store.HasAccounts(ctx)
	if err != nil {
		return false, nil, err
	}
	for _, name := range []string{KeyFile, OIDCKeyFile} {
		path := filepath.Join(s.opts.DataDir, name)
		_, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, name)
			continue
		}
		if err != nil {
			return false, nil, fmt.Errorf("checking key file: %w", err)
		}
	}
	if hasData && len(missing) > 0 {
		path := filepath.Join(s.opts.DataDir, missing[0])
		return false, nil, fmt.Errorf("key file %s is missing, but the %s store at %s already contains accounts: restore %s from the backup of the data folder "+
			"(it is not inside accounts.db) or copy it from another replica, then start again",
			path, s.store.Backend(), s.store.Location(), missing[0])
	}
	return hasData, missing, nil
}

// checkSealedKeys rejects a key file that lacks a key the stored TOTP
// secrets were encrypted with, for example an older backup of the file
// from before a key rotation.
func (s *Service) checkSealedKeys(ctx context.Context) error {
	ids, err := s.store.SealedKeyIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !s.keys.has(id) {
			return fmt.Errorf("the store contains TOTP secrets encrypted with key %s, which is not in %s: "+
				"restore the key file from the backup of the data folder that contains this key, "+
				"or copy it from another replica, then start again",
				id, filepath.Join(s.opts.DataDir, KeyFile))
		}
	}
	return nil
}
