package auth

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the name of the key file in the data folder.
const KeyFile = "keys"

// keyring holds the service's master keys. The first key encrypts and
// signs. Every key decrypts and verifies, so a new key can go in front of
// the old ones without invalidating what they protect.
//
// The key file has one key per line: an ID of letters and digits, a
// space, and 32 random bytes in standard base64. Lines starting with #
// are comments.
type keyring struct {
	keys []masterKey
}

type masterKey struct {
	id  string
	raw []byte
}

// loadKeyring reads the key file at path, creating it with one fresh key
// if it does not exist.
func loadKeyring(path string) (*keyring, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		data, err = createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	return parseKeyring(data)
}

func createKeyFile(path string) ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}

	id := make([]byte, 4)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}

	data := fmt.Sprintf("# Master keys of the account service: the first line encrypts and signs.\n"+
		"%s %s\n", hex.EncodeToString(id), base64.StdEncoding.EncodeToString(k))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}

	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return nil, err
	}

	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}

	return []byte(data), f.Close()
}

func parseKeyring(data []byte) (*keyring, error) {
	r := &keyring{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, enc, ok := strings.Cut(line, " ")
		if !ok || id == "" || strings.ContainsFunc(id, isSeparator) {
			return nil, fmt.Errorf("key file line %d: want \"<id> <base64 key>\"", n)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("key file line %d: key %s is not 32 bytes in base64", n, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("key file line %d: key ID %s is used twice", n, id)
		}
		seen[id] = true
		r.keys = append(r.keys, masterKey{id: id, raw: raw})
	}

	if len(r.keys) == 0 {
		return nil, errors.New("key file contains no key")
	}

	return r, nil
}

// has reports whether the ring contains a key with this ID.
func (r *keyring) has(id string) bool {
	for _, k := range r.keys {
		if k.id == id {
			return true
		}
	}
	return false
}

// derive returns a subkey of k for one purpose, so the same master key
// never serves two algorithms.
func (k masterKey) derive(purpose string) []byte {
	m := hmac.New(sha256.New, k.raw)
	m.Write([]byte("verbund auth " + purpose))
	return m.Sum(nil)
}

// seal encrypts plaintext with AES-256-GCM under the current key. The
// output is the key ID, a dot, the nonce and the ciphertext. The
// additional data binds the value to its owner, so a sealed value cannot
// be moved to another row.
func (r *keyring) seal(plaintext, additional []byte) ([]byte, error) {
	k := r.keys[0]
	aead, err := newGCM(k.derive("totp-secret"))
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("reading nonce: %w", err)
	}
	out := append([]byte(k.id+"."), nonce...)
	return aead.Seal(out, nonce, plaintext, additional), nil
}

// open decrypts a value made by seal with whichever key sealed it and
// reports whether that key is no longer the current one.
func (r *keyring) open(sealed, additional []byte) (plaintext []byte, stale bool, err error) {
	id, body, ok := bytes.Cut(sealed, []byte("."))
	if !ok {
		return nil, false, errors.New("sealed value has no key ID")
	}
	for i, k := range r.keys {
		if k.id != string(id) {
			continue
		}
		aead, err := newGCM(k.derive("totp-secret"))
		if err != nil {
			return nil, false, err
		}
		if len(body) < aead.NonceSize() {
			return nil, false, errors.New("sealed value too short")
		}
		pt, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], additional)
		if err != nil {
			return nil, false, fmt.Errorf("decrypting with key %s: %w", k.id, err)
		}
		return pt, i > 0, nil
	}
	return nil, false, fmt.Errorf("key %s is not in the key file", id)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("creating cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sign returns an HMAC-SHA256 of msg under the current key, prefixed
// with the key's ID.
func (r *keyring) sign(purpose string, msg []byte) string {
	k := r.keys[0]
	return k.id + "." + base64.RawURLEncoding.EncodeToString(mac(k, purpose, msg))
}

// verify checks a signature made by sign with any key of the ring.
func (r *keyring) verify(purpose string, msg []byte, sig string) bool {
	id, enc, ok := strings.Cut(sig, ".")
	if !ok {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return false
	}
	for _, k := range r.keys {
		if k.id == id {
			return hmac.Equal(got, mac(k, purpose, msg))
		}
	}
	return false
}

func mac(k masterKey, purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, k.derive("sign "+purpose))
	m.Write(msg)
	return m.Sum(nil)
}
