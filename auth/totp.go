package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"time"
)

// TOTP parameters of RFC 6238 as authenticator apps expect them:
// HMAC-SHA1, six digits, 30-second steps.
const (
	totpDigits    = 6
	totpStep      = 30 * time.Second
	totpSecretLen = 20
	// totpSkew is how many steps of clock drift either way are accepted.
	totpSkew = 1
)

// totpCode computes the code of secret for a time step (RFC 4226 HOTP
// with the step as counter).
func totpCode(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, v%1_000_000)
}

func totpStepAt(t time.Time) int64 {
	return t.Unix() / int64(totpStep/time.Second)
}

// matchTOTP returns the step whose code equals code, trying the current
// step and totpSkew steps either side, and whether one matched. Every
// candidate is compared so the time taken does not reveal which matched.
func matchTOTP(secret []byte, code string, now time.Time) (int64, bool) {
	current := totpStepAt(now)
	var found int64
	ok := 0
	for d := -totpSkew; d <= totpSkew; d++ {
		step := current + int64(d)
		eq := subtle.ConstantTimeCompare([]byte(totpCode(secret, step)), []byte(code))
		if eq == 1 && ok == 0 {
			found = step
		}
		ok |= eq
	}
	return found, ok == 1
}

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpURI returns the otpauth:// URI that authenticator apps import.
func totpURI(issuer, account string, secret []byte) string {
	v := url.Values{}
	v.Set("secret", base32NoPad.EncodeToString(secret))
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", fmt.Sprint(totpDigits))
	v.Set("period", fmt.Sprint(int(totpStep/time.Second)))
	label := url.PathEscape(issuer + ":" + account)
	return "otpauth://totp/" + label + "?" + v.Encode()
}

// groupSecret writes a base32 secret in groups of four for typing.
func groupSecret(secret []byte) string {
	s := base32NoPad.EncodeToString(secret)
	var out []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && i%4 == 0 {
			out = append(out, ' ')
		}
		out = append(out, s[i])
	}
	return string(out)
}
