package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// relyingParty is an online service using zitadel/oidc against the
// harness's provider.
type relyingParty struct {
	svc   onlineService
	party rp.RelyingParty
	nonce string
}

func newRelyingParty(t *testing.T, h *harness, svc onlineService) *relyingParty {
	t.Helper()
	p := &relyingParty{svc: svc}
	party, err := rp.NewRelyingPartyOIDC(context.Background(), h.base, svc.id, svc.secret,
		svc.redirect, []string{"openid"}, rp.WithHTTPClient(h.client()),
		rp.WithVerifierOpts(rp.WithNonce(func(context.Context) string { return p.nonce }),
			// Tests that move the fake clock ahead, such as for a TOTP
			// step, issue tokens slightly in the future.
			rp.WithIssuedAtOffset(2*time.Minute)))
	if err != nil {
		t.Fatalf("relying party discovery: %v", err)
	}
	p.party = party
	return p
}

// start returns the authorization URL's path and query, with a fresh
// nonce and the given PKCE challenge (none if empty).
func (p *relyingParty) start(challenge string) string {
	_, n := pkcePair()
	p.nonce = n
	opts := []rp.AuthURLOpt{rp.AuthURLOpt(rp.WithURLParam("nonce", n))}
	if challenge != "" {
		opts = append(opts, rp.WithCodeChallenge(challenge))
	}
	u, _ := url.Parse(rp.AuthURL("state-17", p.party, opts...))
	return u.RequestURI()
}

func (p *relyingParty) exchange(code, verifier string) (*oidc.Tokens[*oidc.IDTokenClaims], error) {
	var opts []rp.CodeExchangeOpt
	if verifier != "" {
		opts = append(opts, rp.WithCodeVerifier(verifier))
	}
	return rp.CodeExchange[*oidc.IDTokenClaims](context.Background(), code, p.party, opts...)
}

// browse follows the authorization URL in the citizen's browser and
// returns the code from the redirect to the online service.
func browse(t *testing.T, h *harness, c *http.Client, path string, svc onlineService) string {
	t.Helper()
	u, _ := url.Parse(path)
	r := h.authorize(c, u.Query())
	code := h.codeFrom(r, svc)
	back, _ := url.Parse(r.Header.Get("Location"))
	if got := back.Query().Get("state"); got != "state-17" {
		t.Errorf("redirect state = %q, want state-17", got)
	}
	if got := back.Query().Get("iss"); got != h.base {
		t.Errorf("redirect iss = %q, want %s", got, h.base)
	}
	return code
}

func TestOIDCCodeFlowWithRelyingParty(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	anna := h.account("anna@example.org")
	p := newRelyingParty(t, h, h.addService("lingen"))

	verifier, challenge := pkcePair()
	first := h.get(c, p.start(challenge))
	if first.StatusCode != http.StatusOK || !strings.Contains(first.body, "Stadt Lingen (Ems)") {
		t.Fatalf("first login at lingen: want the consent page, got status %d\n%s", first.StatusCode, first.body)
	}
	code := browse(t, h, c, p.start(challenge), p.svc)
	tokens, err := p.exchange(code, verifier)
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}

	handle, err := h.store.HandleForAccount(context.Background(), "lingen", anna.ID)
	if err != nil {
		t.Fatalf("no handle stored for lingen: %v", err)
	}
	claims := tokens.IDTokenClaims
	if claims.Subject != handle.Subject {
		t.Errorf("sub = %q, want lingen's handle %q", claims.Subject, handle.Subject)
	}
	if claims.Subject == anna.ID || strings.Contains(claims.Subject, "anna") {
		t.Errorf("sub %q reveals the account", claims.Subject)
	}
	if claims.AuthenticationContextClassReference != acrPassword {
		t.Errorf("acr = %q, want %q", claims.AuthenticationContextClassReference, acrPassword)
	}
	info, err := rp.Userinfo[*oidc.UserInfo](context.Background(), tokens.AccessToken, "Bearer",
		claims.Subject, p.party)
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if info.Subject != handle.Subject || info.Email != "" {
		t.Errorf("userinfo = %+v, want only the handle", info)
	}

	// A code works once, and its replay revokes the access token.
	if _, err := p.exchange(code, verifier); err == nil {
		t.Error("the same code was exchanged twice")
	}
	if _, err := rp.Userinfo[*oidc.UserInfo](context.Background(), tokens.AccessToken, "Bearer",
		claims.Subject, p.party); err == nil {
		t.Error("access token still works after its code was replayed")
	}
}

func TestOIDCRequiresPKCE(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	p := newRelyingParty(t, h, h.addService("lingen"))
	verifier, challenge := pkcePair()
	h.codeFrom(h.authorize(c, authorizeQuery(p.svc, challenge)), p.svc)

	r := h.get(c, p.start(""))
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || loc.Query().Get("error") != "invalid_request" {
		t.Errorf("request without code_challenge: status %d, Location %q, want invalid_request",
			r.StatusCode, r.Header.Get("Location"))
	}

	plain := authorizeQuery(p.svc, verifier)
	plain.Set("code_challenge_method", "plain")
	r = h.get(c, "/oidc/authorize?"+plain.Encode())
	loc, _ = url.Parse(r.Header.Get("Location"))
	if loc.Query().Get("error") != "invalid_request" || loc.Query().Get("code") != "" {
		t.Errorf("plain PKCE: Location %q, want invalid_request and no code", r.Header.Get("Location"))
	}

	code := browse(t, h, c, p.start(challenge), p.svc)
	if _, err := p.exchange(code, ""); err == nil {
		t.Error("code exchanged without a code verifier")
	}
	code = browse(t, h, c, p.start(challenge), p.svc)
	other, _ := pkcePair()
	if _, err := p.exchange(code, other); err == nil {
		t.Error("code exchanged with another code verifier")
	}
	code = browse(t, h, c, p.start(challenge), p.svc)
	if _, err := p.exchange(code, verifier); err != nil {
		t.Errorf("code exchange with the right verifier: %v", err)
	}
}

func TestOIDCCodeExpiresAfter60Seconds(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	p := newRelyingParty(t, h, h.addService("lingen"))
	verifier, challenge := pkcePair()

	code := browse(t, h, c, p.start(challenge), p.svc)
	h.clock.Advance(59 * time.Second)
	if r := h.exchange(p.svc, code, verifier); r.StatusCode != http.StatusOK {
		t.Errorf("exchange after 59 s: status %d\n%s", r.StatusCode, r.body)
	}

	code = browse(t, h, c, p.start(challenge), p.svc)
	h.clock.Advance(codeLifetime)
	r := h.exchange(p.svc, code, verifier)
	if r.StatusCode != http.StatusBadRequest || jsonField(t, r.body, "error") != "invalid_grant" {
		t.Errorf("exchange after 60 s: status %d\n%s", r.StatusCode, r.body)
	}
}

func TestOIDCRejectsWrongRedirectURI(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	svc := h.addService("lingen")
	_, challenge := pkcePair()

	for _, redirect := range []string{
		"https://evil.example/callback",
		svc.redirect + "/",
		svc.redirect + "?x=1",
		strings.Replace(svc.redirect, "https://", "http://", 1),
		strings.ToUpper(svc.redirect),
		"",
	} {
		q := authorizeQuery(svc, challenge)
		q.Set("redirect_uri", redirect)
		r := h.get(c, "/oidc/authorize?"+q.Encode())
		if r.StatusCode != http.StatusBadRequest || r.Header.Get("Location") != "" {
			t.Errorf("redirect_uri %q: status %d, Location %q; want 400 without redirect",
				redirect, r.StatusCode, r.Header.Get("Location"))
		}
	}

	q := authorizeQuery(svc, challenge)
	q.Set("client_id", "lingen.unknown")
	if r := h.get(c, "/oidc/authorize?"+q.Encode()); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown client: status %d, want 400", r.StatusCode)
	}

	// The redirect URI at the token endpoint must match the code's.
	verifier, challenge := pkcePair()
	code := h.codeFrom(h.authorize(c, authorizeQuery(svc, challenge)), svc)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {"https://evil.example/callback"}, "code_verifier": {verifier}}
	req, _ := http.NewRequest("POST", h.base+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(svc.id, svc.secret)
	if r := h.do(h.client(), req); jsonField(t, r.body, "error") != "invalid_grant" {
		t.Errorf("token request with another redirect URI: status %d\n%s", r.StatusCode, r.body)
	}
}

func TestOIDCPairwiseSubjects(t *testing.T) {
	h := newHarness(t, withRealClock())
	anna := h.register("anna@example.org", testPassword)
	bert := h.register("bert@example.org", testPassword)

	lingen1 := h.handleAt(anna, "lingen")
	lingen2 := h.handleAt(anna, "lingen")
	haren := h.handleAt(anna, "haren")
	bertLingen := h.handleAt(bert, "lingen")
	if lingen1 != lingen2 {
		t.Errorf("two services of lingen see %q and %q, want one handle per commune", lingen1, lingen2)
	}
	if haren == lingen1 {
		t.Errorf("haren and lingen see the same handle %q", haren)
	}
	if bertLingen == lingen1 {
		t.Errorf("two citizens share the handle %q", bertLingen)
	}
}

func TestOIDCClientAuthentication(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	svc := h.addService("lingen")
	other := h.addService("haren")
	verifier, challenge := pkcePair()

	code := h.codeFrom(h.authorize(c, authorizeQuery(svc, challenge)), svc)
	wrong := svc
	wrong.secret = other.secret
	if r := h.exchange(wrong, code, verifier); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong client secret: status %d, want 401\n%s", r.StatusCode, r.body)
	}
	// Another client cannot redeem the code, even with its own secret.
	thief := other
	thief.redirect = svc.redirect
	if r := h.exchange(thief, code, verifier); jsonField(t, r.body, "error") != "invalid_grant" {
		t.Errorf("code redeemed by another client: status %d\n%s", r.StatusCode, r.body)
	}
}

func TestOIDCPromptNoneAndLogin(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	svc := h.addService("lingen")
	_, challenge := pkcePair()

	q := authorizeQuery(svc, challenge)
	q.Set("prompt", "none")
	r := h.get(h.client(), "/oidc/authorize?"+q.Encode())
	if loc, _ := url.Parse(r.Header.Get("Location")); loc.Query().Get("error") != "login_required" {
		t.Errorf("prompt=none without session: Location %q", r.Header.Get("Location"))
	}
	r = h.get(c, "/oidc/authorize?"+q.Encode())
	if loc, _ := url.Parse(r.Header.Get("Location")); loc.Query().Get("error") != "consent_required" {
		t.Errorf("prompt=none before consent: Location %q", r.Header.Get("Location"))
	}

	// Without a session the browser logs in and comes back.
	fresh := h.client()
	r = h.get(fresh, "/oidc/authorize?"+authorizeQuery(svc, challenge).Encode())
	if !strings.HasPrefix(r.Header.Get("Location"), "/anmelden?weiter=") {
		t.Fatalf("no session: Location %q, want the login page", r.Header.Get("Location"))
	}
	login := h.follow(fresh, r)
	if !strings.Contains(login.body, `name="weiter" value="/oidc/authorize?`) {
		t.Fatalf("login page lacks the way back:\n%s", login.body)
	}
	r = h.post(fresh, "/anmelden", url.Values{"email": {"anna@example.org"},
		"password": {testPassword}, "weiter": {"/oidc/authorize?" + authorizeQuery(svc, challenge).Encode()}})
	if !strings.HasPrefix(r.Header.Get("Location"), "/oidc/authorize?") {
		t.Fatalf("after login: Location %q, want the authorization request", r.Header.Get("Location"))
	}

	h.clock.Advance(2 * time.Minute)
	q = authorizeQuery(svc, challenge)
	q.Set("prompt", "login")
	r = h.get(c, "/oidc/authorize?"+q.Encode())
	if !strings.HasPrefix(r.Header.Get("Location"), "/konto/bestaetigen?weiter=") {
		t.Errorf("prompt=login: Location %q, want re-authentication", r.Header.Get("Location"))
	}
}

func TestOIDCSecondFactorStepUp(t *testing.T) {
	h := newHarness(t, withRealClock())
	c := h.register("anna@example.org", testPassword)
	svc := h.addService("lingen")
	_, challenge := pkcePair()
	q := authorizeQuery(svc, challenge)
	q.Set("acr_values", acrSecondFactor)

	r := h.get(c, "/oidc/authorize?"+q.Encode())
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Passkey einrichten") {
		t.Fatalf("second factor requested, none enrolled: status %d\n%s", r.StatusCode, r.body)
	}

	// Enrolling a factor raises only the enrolling session, so the
	// first browser keeps its password-only session.
	other := h.client()
	h.login(other, "anna@example.org", testPassword)
	secret := enrollTOTP(t, h, other)
	r = h.get(c, "/oidc/authorize?"+q.Encode())
	if !strings.HasPrefix(r.Header.Get("Location"), "/konto/bestaetigen?weiter=") {
		t.Fatalf("step-up: Location %q", r.Header.Get("Location"))
	}
	weiter, _ := url.Parse(r.Header.Get("Location"))
	r = h.post(c, "/konto/bestaetigen", url.Values{"password": {testPassword},
		"weiter": {weiter.Query().Get("weiter")}})
	r = h.post(c, "/anmelden/faktor", url.Values{"code": {totpCode(secret, totpStepAt(h.clock.Now()))}})
	if !strings.HasPrefix(r.Header.Get("Location"), "/oidc/authorize?") {
		t.Fatalf("after the second factor: Location %q", r.Header.Get("Location"))
	}

	verifier, challenge := pkcePair()
	q = authorizeQuery(svc, challenge)
	q.Set("acr_values", acrSecondFactor)
	p := newRelyingParty(t, h, svc)
	p.nonce = "n-1"
	tokens, err := p.exchange(h.codeFrom(h.authorize(c, q), svc), verifier)
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	if got := tokens.IDTokenClaims.AuthenticationContextClassReference; got != acrSecondFactor {
		t.Errorf("acr = %q, want %q", got, acrSecondFactor)
	}
}

func TestOIDCDiscoveryAndKeys(t *testing.T) {
	h := newHarness(t)
	r := h.get(h.client(), "/.well-known/openid-configuration")
	for _, want := range []string{`"issuer":"` + h.base + `"`, `"code_challenge_methods_supported":["S256"]`,
		`"subject_types_supported":["pairwise"]`, `"response_types_supported":["code"]`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("discovery lacks %s:\n%s", want, r.body)
		}
	}
	keys := h.get(h.client(), "/oidc/jwks")
	if !strings.Contains(keys.body, `"kty":"RSA"`) || strings.Contains(keys.body, `"d":`) {
		t.Errorf("JWKS must hold the public RSA key only:\n%s", keys.body)
	}
}
