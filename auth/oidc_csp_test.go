package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOIDCFormActionAllowsRegisteredClient checks the form-action of the
// pages whose form leads on to an online service. The login page of an
// authorization request allows the registered redirect URI's origin. It
// never allows an origin that the request names but the service did not
// register.
func TestOIDCFormActionAllowsRegisteredClient(t *testing.T) {
	h := newHarness(t)
	svc := h.addService("lingen")
	_, challenge := pkcePair()
	request := func(redirect string) string {
		return authorizePath + "?" + url.Values{
			"client_id": {svc.id}, "redirect_uri": {redirect}, "response_type": {"code"},
			"scope": {"openid"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
		}.Encode()
	}
	tests := []struct {
		name, next string
		allowed    bool
	}{
		{"registered redirect URI", request(svc.redirect), true},
		{"unregistered redirect URI", request("https://evil.example/callback"), false},
		{"other local path", "/postfach/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.get(h.client(), "/anmelden?weiter="+url.QueryEscape(tt.next))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			_, formAction, _ := strings.Cut(csp, "form-action ")
			formAction, _, _ = strings.Cut(formAction, ";")
			if got := strings.Contains(formAction, "https://dienst.lingen.example"); got != tt.allowed {
				t.Errorf("form-action %q allows the online service: %v, want %v", formAction, got, tt.allowed)
			}
			if strings.Contains(formAction, "evil.example") {
				t.Errorf("form-action %q allows an unregistered origin", formAction)
			}
		})
	}

	// The consent page allows the service too.
	c := h.register("anna@example.org", testPassword)
	resp := h.get(c, request(svc.redirect))
	if !strings.Contains(resp.body, `name="entscheidung"`) {
		t.Fatalf("want the consent page, got status %d\n%s", resp.StatusCode, resp.body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://dienst.lingen.example") {
		t.Errorf("consent page's policy %q does not allow the online service", csp)
	}
}

// TestOIDCFormActionInternationalHost registers a redirect URI whose host
// has an umlaut and upper case: the login page's form-action names its
// origin as browsers compare it, in punycode.
func TestOIDCFormActionInternationalHost(t *testing.T) {
	h := newHarness(t)
	const redirect = "https://Dienst.Emsbüren.example/callback"
	client, _, err := h.manager().AddClient(context.Background(), ClientSpec{Site: "emsbueren",
		Name: "Online-Antrag Hundesteuer", RedirectURIs: []string{redirect}})
	if err != nil {
		t.Fatal(err)
	}
	_, challenge := pkcePair()
	next := authorizePath + "?" + url.Values{
		"client_id": {client.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}.Encode()

	resp := h.get(h.client(), "/anmelden?weiter="+url.QueryEscape(next))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	_, formAction, _ := strings.Cut(csp, "form-action ")
	formAction, _, _ = strings.Cut(formAction, ";")
	if want := "https://dienst.xn--emsbren-q2a.example"; !strings.Contains(formAction, want) {
		t.Errorf("form-action %q lacks %s", formAction, want)
	}
}

// TestOIDCProtocolDetails checks details of the endpoints that the
// protocol's specifications fix.
func TestOIDCProtocolDetails(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	svc := h.addService("lingen")

	t.Run("unsupported response_mode", func(t *testing.T) {
		_, challenge := pkcePair()
		q := authorizeQuery(svc, challenge)
		q.Set("response_mode", "fragment")
		r := h.get(c, authorizePath+"?"+q.Encode())
		loc, _ := url.Parse(r.Header.Get("Location"))
		if r.StatusCode != http.StatusSeeOther || loc.Query().Get("error") != "invalid_request" {
			t.Errorf("status %d, Location %q, want a redirect with error=invalid_request", r.StatusCode, loc)
		}
	})
	t.Run("WWW-Authenticate with invalid_client", func(t *testing.T) {
		wrong := svc
		wrong.secret = "wrong"
		r := h.exchange(wrong, "some-code", "some-verifier")
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", r.StatusCode)
		}
		if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Basic realm=") {
			t.Errorf("WWW-Authenticate = %q, want Basic with a realm", got)
		}
	})
	t.Run("token request too large", func(t *testing.T) {
		body := "grant_type=authorization_code&code=" + strings.Repeat("a", 100<<10)
		req, _ := http.NewRequest("POST", h.base+"/oidc/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r := h.do(h.client(), req)
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413\n%s", r.StatusCode, r.body)
		}
	})
	t.Run("consent recorded with the address", func(t *testing.T) {
		_, challenge := pkcePair()
		h.codeFrom(h.authorize(c, authorizeQuery(svc, challenge)), svc)
		lines, _ := auditLines(t, h)
		found := false
		for _, l := range lines {
			if l["msg"] == "oidc.consent" {
				found = true
				if ip, _ := l["ip"].(string); ip == "" {
					t.Errorf("oidc.consent without ip: %v", l)
				}
			}
		}
		if !found {
			t.Error("no oidc.consent in the audit log")
		}
	})
	t.Run("wildcard redirect URI", func(t *testing.T) {
		_, _, err := h.manager().AddClient(context.Background(), ClientSpec{Site: "lingen",
			Name: "Dienst", RedirectURIs: []string{"https://*.lingen.example/callback"}})
		if err == nil || !strings.Contains(err.Error(), "wildcard") {
			t.Errorf("AddClient with a wildcard: %v, want an error about wildcards", err)
		}
	})
}
