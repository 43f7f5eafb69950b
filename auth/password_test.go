package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := hashPassword("Ein Satz als Passwort", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the expected PHC prefix", h)
	}
	ok, err := verifyPassword("Ein Satz als Passwort", h)
	if err != nil || !ok {
		t.Errorf("verify(right password) = %v, %v", ok, err)
	}
	ok, err = verifyPassword("Ein Satz als Passwort!", h)
	if err != nil || ok {
		t.Errorf("verify(wrong password) = %v, %v", ok, err)
	}
	other, _ := hashPassword("Ein Satz als Passwort", DefaultArgon2)
	if other == h {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestParsePHCRejectsMalformed(t *testing.T) {
	good, _ := hashPassword("x", DefaultArgon2)
	parts := strings.Split(good, "$")
	bad := []string{
		"", "plain", "$argon2i$" + strings.Join(parts[2:], "$"),
		"$argon2id$v=16$" + strings.Join(parts[3:], "$"),
		"$argon2id$v=19$m=19456,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + base64.RawStdEncoding.EncodeToString([]byte("short")),
	}
	for _, s := range bad {
		if _, err := parsePHC(s); !errors.Is(err, errBadHash) {
			t.Errorf("parsePHC(%q) error = %v, want errBadHash", s, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	h, _ := hashPassword("x", DefaultArgon2)
	if needsRehash(h, DefaultArgon2) {
		t.Error("fresh hash needs a rehash")
	}
	for _, p := range []Argon2Params{
		{Memory: DefaultArgon2.Memory * 2, Time: 2, Threads: 1},
		{Memory: DefaultArgon2.Memory, Time: 3, Threads: 1},
		{Memory: DefaultArgon2.Memory, Time: 2, Threads: 2},
	} {
		if !needsRehash(h, p) {
			t.Errorf("hash with %+v does not need a rehash for %+v", DefaultArgon2, p)
		}
	}
	if !needsRehash("$2b$10$bcrypt-hash", DefaultArgon2) {
		t.Error("a foreign hash does not need a rehash")
	}
}

func TestPasswordPolicy(t *testing.T) {
	p := newPasswordPolicy(testConfig("https://konto.example.com"))
	cases := []struct {
		password, email string
		withFactor      bool
		want            error
	}{
		{"Moorbirken im Nebel", "anna@example.org", false, nil},
		{"Moorbirken", "anna@example.org", false, errPasswordShort},
		{"Moorbirken", "anna@example.org", true, nil},
		{"Moorbir", "anna@example.org", true, errPasswordShort},
		{strings.Repeat("Moorbirke ", 103), "anna@example.org", false, errPasswordLong},
		{"P4ssw0rt P4ssw0rt!", "anna@example.org", false, errPasswordBlocked},
		{"Häselünne-Haselünne", "anna@example.org", false, nil},
		{"Haren (Ems) 123456", "anna@example.org", false, errPasswordBlocked},
		{"emsland emsland emsland", "anna@example.org", false, errPasswordBlocked},
		{"anna.mueller.1990!", "anna.mueller@example.org", false, errPasswordBlocked},
		{"987654321098765", "anna@example.org", false, errPasswordBlocked},
		{"xkcd battery staple horse", "anna@example.org", false, nil},
	}
	for _, c := range cases {
		err := p.check(normalizePassword(c.password), c.email, c.withFactor)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("check(%q, %s, factor %v) = %v, want %v", c.password, c.email, c.withFactor, err, c.want)
		}
	}
}

func TestKeyringRotation(t *testing.T) {
	old, err := parseKeyring([]byte("a1 " + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.seal([]byte("geheim"), []byte("acc-1"))
	if err != nil {
		t.Fatal(err)
	}
	sig := old.sign("reset", []byte("msg"))

	newKey := make([]byte, 32)
	newKey[0] = 1
	rotated, err := parseKeyring([]byte("# rotated\nb2 " + base64.StdEncoding.EncodeToString(newKey) +
		"\na1 " + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	plain, stale, err := rotated.open(sealed, []byte("acc-1"))
	if err != nil || string(plain) != "geheim" {
		t.Fatalf("open with the old key behind a new one = %q, %v", plain, err)
	}
	if !stale {
		t.Error("a value sealed with the old key is not reported stale")
	}
	if !rotated.verify("reset", []byte("msg"), sig) {
		t.Error("a signature of the old key fails after rotation")
	}
	if rotated.verify("email", []byte("msg"), sig) {
		t.Error("a signature verifies for another purpose")
	}
	resealed, _ := rotated.seal(plain, []byte("acc-1"))
	if !strings.HasPrefix(string(resealed), "b2.") {
		t.Errorf("new values are not sealed with the first key: %q", resealed[:3])
	}
	if _, _, err := old.open(resealed, []byte("acc-1")); err == nil {
		t.Error("a ring without the new key opened its value")
	}

	for _, bad := range []string{"", "# only a comment\n", "a1 short\n", "a1\n",
		"a1 " + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\na1 " + base64.StdEncoding.EncodeToString(newKey)} {
		if _, err := parseKeyring([]byte(bad)); err == nil {
			t.Errorf("parseKeyring(%q) accepted a bad key file", bad)
		}
	}
}
