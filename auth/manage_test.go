package auth

import (
	"strings"
	"testing"
)

func TestCheckRedirectURI(t *testing.T) {
	valid := []string{
		"https://hund.lingen.example/callback",
		"https://Hund.Lingen.example:443/callback?x=1",
		"https://münster.example/oidc/callback",
		"https://xn--mnster-3ya.example/oidc/callback",
		"https://hund.lingen.example:8443/callback",
		"http://127.0.0.1:9000/callback",
		"http://localhost:9000/callback",
		"http://[::1]:9000/callback",
	}
	for _, raw := range valid {
		if err := checkRedirectURI(raw); err != nil {
			t.Errorf("checkRedirectURI(%q): %v", raw, err)
		}
	}

	invalid := []struct {
		raw, reason string
	}{
		{"/callback", "want an absolute URL"},
		{"https://hund.lingen.example/cb#frag", "want an absolute URL"},
		{"https://anna@hund.lingen.example/cb", "want an absolute URL"},
		{"https:hund.lingen.example/cb", "want an absolute URL"},
		{"http://hund.lingen.example/cb", "want https"},
		{"https://*.lingen.example/cb", "without wildcards"},
		{"https://mein_dienst.lingen.example/cb", `has the invalid host name "mein_dienst.lingen.example"`},
		{"https://xn--.lingen.example/cb", "(empty label)"},
		{"https://xn--zz.lingen.example/cb", "has the invalid host name"},
		{"https://192.0.2/cb", "has the invalid IPv4 address"},
		{"https://hund.lingen.example:99999/cb", "has the port 99999"},
		{"https://[fe80::1%25eth0]/cb", "has an IPv6 zone"},
	}
	for _, tt := range invalid {
		err := checkRedirectURI(tt.raw)
		if err == nil {
			t.Errorf("checkRedirectURI(%q) accepted it, want an error", tt.raw)
			continue
		}
		if !strings.Contains(err.Error(), "invalid redirect URI") {
			t.Errorf("checkRedirectURI(%q) = %v, want it to start with invalid redirect URI", tt.raw, err)
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("checkRedirectURI(%q) = %v, want it to contain %q", tt.raw, err, tt.reason)
		}
	}
}
