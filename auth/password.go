package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of argon2id.
type Argon2Params struct {
	// Memory is the memory cost in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time uint32
	// Threads is the degree of parallelism.
	Threads uint8
}

// DefaultArgon2 is the OWASP Password Storage Cheat Sheet's argon2id
// setting of 19 MiB memory, two passes and one thread (checked in
// December 2026), the floor this service accepts.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

var errBadHash = errors.New("invalid argon2id PHC string")

// hashPassword derives an argon2id hash of password, which must already
// be normalised, and encodes it as a PHC string:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<threads>$<salt>$<hash>.
func hashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phcHash is a decoded argon2id PHC string.
type phcHash struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

func parsePHC(s string) (*phcHash, error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, errBadHash
	}
	var h phcHash
	var threads uint32
	n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.params.Memory, &h.params.Time, &threads)
	if err != nil || n != 3 || threads == 0 || threads > 255 || h.params.Time == 0 {
		return nil, errBadHash
	}
	h.params.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, errBadHash
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return nil, errBadHash
	}
	return &h, nil
}

// verifyPassword reports whether password matches the PHC hash, in time
// that does not depend on where the derived keys differ.
func verifyPassword(password, encoded string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory,
		h.params.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// needsRehash reports whether a hash was made with weaker parameters than
// p, so the next successful login should replace it.
func needsRehash(encoded string, p Argon2Params) bool {
	h, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return h.params.Memory < p.Memory || h.params.Time < p.Time ||
		h.params.Threads < p.Threads || len(h.key) < argonKeyLen
}

// hashPassword is the package's hashPassword run in one of the service's
// hashing slots, which bound the memory argon2id needs at once.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	release, err := s.acquireHashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(password, s.argon)
}

// verifyPassword is the package's verifyPassword run in a hashing slot.
func (s *Service) verifyPassword(ctx context.Context, password, encoded string) (bool, error) {
	release, err := s.acquireHashSlot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return verifyPassword(password, encoded)
}

// acquireHashSlot waits for a free hashing slot and returns the function
// that frees it.
func (s *Service) acquireHashSlot(ctx context.Context) (func(), error) {
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting to hash a password: %w", ctx.Err())
	}
}
