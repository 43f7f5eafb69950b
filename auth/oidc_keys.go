package auth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	jose "github.com/go-jose/go-jose/v4"
)

// OIDCKeyFile is the name of the file in the data folder that holds the
// RSA keys signing ID tokens.
const OIDCKeyFile = "oidc-keys.pem"

// oidcKeyBits is the size of a generated signing key.
const oidcKeyBits = 3072

// signingKeys are the ID token keys. The first key signs, and every key is
// published in the JWKS, so a key can be announced before it signs and
// kept after it stops, while relying parties still hold tokens or cached
// key sets.
type signingKeys struct {
	signer jose.Signer
	// kid is the signing key's ID, its RFC 7638 thumbprint.
	kid    string
	public jose.JSONWebKeySet
}

// loadSigningKeys reads the PEM file at path: one or more PKCS #8
// "PRIVATE KEY" blocks with RSA keys of at least 2048 bits. A missing
// file is created with one new key.
func loadSigningKeys(path string) (*signingKeys, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		data, err = createSigningKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading OpenID Connect key file: %w", err)
	}
	return parseSigningKeys(data)
}

func createSigningKeyFile(path string) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, oidcKeyBits)
	if err != nil {
		return nil, fmt.Errorf("generating signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding signing key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return data, f.Close()
}

func parseSigningKeys(data []byte) (*signingKeys, error) {
	k := &signingKeys{}
	seen := map[string]bool{}
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("OpenID Connect key file block %d: type %q, want PRIVATE KEY (PKCS #8)", n, block.Type)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("OpenID Connect key file block %d: %w", n, err)
		}
		priv, ok := parsed.(*rsa.PrivateKey)
		if !ok || priv.N.BitLen() < 2048 {
			return nil, fmt.Errorf("OpenID Connect key file block %d: want an RSA key of at least 2048 bits", n)
		}

		jwk := jose.JSONWebKey{Key: priv, Algorithm: string(jose.RS256), Use: "sig"}
		thumb, err := jwk.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("OpenID Connect key file block %d: %w", n, err)
		}
		jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
		if seen[jwk.KeyID] {
			return nil, fmt.Errorf("OpenID Connect key file block %d: the same key appears twice", n)
		}
		seen[jwk.KeyID] = true
		k.public.Keys = append(k.public.Keys, jwk.Public())

		if k.signer == nil {
			opts := (&jose.SignerOptions{}).WithType("JWT")
			k.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jwk}, opts)
			if err != nil {
				return nil, fmt.Errorf("creating ID token signer: %w", err)
			}
			k.kid = jwk.KeyID
		}
	}
	if k.signer == nil {
		return nil, errors.New("OpenID Connect key file contains no key")
	}
	return k, nil
}

// sign returns the compact JWS of payload.
func (k *signingKeys) sign(payload []byte) (string, error) {
	obj, err := k.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing ID token: %w", err)
	}
	return obj.CompactSerialize()
}
