package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/federation"
)

// The service is an OpenID Connect provider for the communes' online
// services. It implements the authorization code flow only, with PKCE
// (S256) required, exactly registered redirect URIs, confidential
// clients, and pairwise subject identifiers: every commune receives its
// own handle for a citizen, the same for all of its online services.
const (
	// codeLifetime bounds the time between issuing and exchanging an
	// authorization code.
	codeLifetime = 60 * time.Second
	// idTokenLifetime and accessTokenLifetime bound the tokens issued
	// at the token endpoint. No refresh tokens are issued.
	idTokenLifetime     = 5 * time.Minute
	accessTokenLifetime = 5 * time.Minute
	// minMaxAge is the smallest max_age honoured: a re-authentication
	// itself takes a moment, and a smaller value would send the
	// citizen round in circles.
	minMaxAge = 60 * time.Second
)

// Authentication context classes of the ID token's acr claim. A relying
// party that lists acrSecondFactor in acr_values gets a login with a
// second factor or an error, never a weaker login.
const (
	acrPassword     = "urn:verbund:acr:passwort"
	acrSecondFactor = "urn:verbund:acr:zweiter-faktor"
)

// authParams are the authorization request parameters the service reads
// and carries through login and consent. Other parameters are dropped.
var authParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state",
	"nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "acr_values"}

func (s *Service) oidcDiscovery(w http.ResponseWriter, r *http.Request) error {
	iss := s.origin
	doc := map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/oidc/authorize",
		"token_endpoint":                        iss + "/oidc/token",
		"userinfo_endpoint":                     iss + "/oidc/userinfo",
		"jwks_uri":                              iss + "/oidc/jwks",
		"scopes_supported":                      []string{"openid"},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256"},
		"acr_values_supported":                  []string{acrPassword, acrSecondFactor},
		"claims_supported": []string{"iss", "sub", "aud", "azp", "exp", "iat", "auth_time",
			"nonce", "acr", "amr", "at_hash"},
		"prompt_values_supported":                        []string{"none", "login"},
		"authorization_response_iss_parameter_supported": true,
		"claims_parameter_supported":                     false,
		"request_parameter_supported":                    false,
		"request_uri_parameter_supported":                false,
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Service) oidcJWKS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, s.oidcKeys.public)
	return nil
}

// authRequest is a validated authorization request.
type authRequest struct {
	client      *store.Client
	redirectURI string
	state       string
	nonce       string
	challenge   string
	// promptNone forbids any interaction, and promptLogin requests a
	// fresh authentication.
	promptNone  bool
	promptLogin bool
	acrValues   []string
	maxAge      time.Duration
	hasMaxAge   bool
	// params are the parameters to carry through login and consent.
	params url.Values
}

// oidcError is an error reported to the relying party at its redirect
// URI (RFC 6749, section 4.1.2.1).
type oidcError struct {
	code        string
	description string
}

var errUnknownClient = errPage(http.StatusBadRequest, "Unbekannter Online-Dienst",
	"Der Online-Dienst, der Sie hierher geschickt hat, ist nicht angemeldet. "+
		"Bitte wenden Sie sich an Ihre Verwaltung.")

var errBadRedirect = errPage(http.StatusBadRequest, "Ungültige Rücksprungadresse",
	"Der Online-Dienst hat eine Rücksprungadresse angegeben, die für ihn nicht eingetragen ist. "+
		"Sie werden deshalb nicht weitergeleitet.")

// parseAuthRequest checks an authorization request. Problems with the
// client or the redirect URI come back as a page error, since redirecting
// to an unverified address would make the service an open redirector.
// Other problems come back as an oidcError for the redirect URI.
func (s *Service) parseAuthRequest(ctx context.Context, q url.Values) (*authRequest, *oidcError, error) {
	for _, p := range []string{"client_id", "redirect_uri"} {
		if len(q[p]) != 1 {
			return nil, nil, errPage(http.StatusBadRequest, "Ungültige Anmeldeanfrage",
				"Die Anfrage des Online-Dienstes ist unvollständig.")
		}
	}
	c, err := s.store.ClientByID(ctx, q.Get("client_id"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errUnknownClient
	}
	if err != nil {
		return nil, nil, err
	}
	if _, ok := s.sites[c.Site]; !ok {
		return nil, nil, errUnknownClient
	}
	if !slices.Contains(c.RedirectURIs, q.Get("redirect_uri")) {
		return nil, nil, errBadRedirect
	}

	req := &authRequest{client: c, redirectURI: q.Get("redirect_uri"), state: q.Get("state"),
		params: url.Values{}}
	for _, p := range authParams {
		if len(q[p]) > 1 {
			return req, &oidcError{"invalid_request", "parameter " + p + " given more than once"}, nil
		}
		if v := q.Get(p); v != "" {
			req.params.Set(p, v)
		}
	}
	return req, req.check(q), nil
}

// check validates the parameters other than client and redirect URI.
func (req *authRequest) check(q url.Values) *oidcError {
	if q.Has("request") || q.Has("request_uri") {
		return &oidcError{"request_not_supported", "request objects are not supported"}
	}
	if q.Get("response_type") != "code" {
		return &oidcError{"unsupported_response_type", "only response_type=code is supported"}
	}
	if m := q.Get("response_mode"); m != "" && m != "query" {
		return &oidcError{"invalid_request", "only response_mode=query is supported"}
	}
	if !slices.Contains(strings.Fields(q.Get("scope")), "openid") {
		return &oidcError{"invalid_scope", "the scope must contain openid"}
	}
	req.challenge = q.Get("code_challenge")
	if req.challenge == "" || q.Get("code_challenge_method") != "S256" {
		return &oidcError{"invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256"}
	}
	if len(req.challenge) != 43 || !isPKCEChars(req.challenge) {
		return &oidcError{"invalid_request", "code_challenge must be a base64url SHA-256 hash"}
	}
	if len(req.state) > 1024 {
		return &oidcError{"invalid_request", "state is longer than 1024 characters"}
	}
	req.nonce = q.Get("nonce")
	if len(req.nonce) > 255 {
		return &oidcError{"invalid_request", "nonce is longer than 255 characters"}
	}

	prompts := strings.Fields(q.Get("prompt"))
	for _, p := range prompts {
		switch p {
		case "none", "login", "consent", "select_account":
		default:
			return &oidcError{"invalid_request", "prompt must be none, login, consent or select_account"}
		}
	}
	req.promptNone = slices.Contains(prompts, "none")
	req.promptLogin = slices.Contains(prompts, "login")
	if req.promptNone && len(prompts) > 1 {
		return &oidcError{"invalid_request", "prompt=none cannot be combined with other values"}
	}

	if v := q.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &oidcError{"invalid_request", "max_age must be a number of seconds"}
		}
		req.maxAge, req.hasMaxAge = time.Duration(n)*time.Second, true
	}
	req.acrValues = strings.Fields(q.Get("acr_values"))
	return nil
}

func isPKCEChars(v string) bool {
	for _, c := range v {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}

// relyingPartyOf returns the origin of the redirect URI of the
// authorization request that the local path next continues with, or ""
// when next is no authorization request with a registered client and
// redirect URI. A login or confirmation form that continues there ends
// in a redirect to that origin.
func (s *Service) relyingPartyOf(ctx context.Context, next string) string {
	path, query, _ := strings.Cut(next, "?")
	if path != authorizePath {
		return ""
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	req, _, err := s.parseAuthRequest(ctx, q)
	if err != nil || req == nil {
		return ""
	}
	return redirectOrigin(req.redirectURI)
}

// redirectOrigin returns the origin of a registered redirect URI, in the
// form federation.URLOrigin returns and browsers compare with a page's
// form-action, or "" if it has none.
func redirectOrigin(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return ""
	}
	origin, err := federation.URLOrigin(u)
	if err != nil {
		return ""
	}
	return origin
}

// authorizePath is the path of the authorization endpoint.
const authorizePath = "/oidc/authorize"

// continuePath is the authorization request as a local path, to come
// back to after login or re-authentication.
func (req *authRequest) continuePath() string {
	return authorizePath + "?" + req.params.Encode()
}

func (req *authRequest) wantsSecondFactor() bool {
	return slices.Contains(req.acrValues, acrSecondFactor)
}

// redirect sends the browser to the relying party's redirect URI with
// the given parameters, the state and the issuer (RFC 9207).
func (s *Service) redirectToClient(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) error {
	u, err := url.Parse(req.redirectURI)
	if err != nil {
		return err
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if req.state != "" {
		q.Set("state", req.state)
	}
	q.Set("iss", s.origin)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
	return nil
}

func (s *Service) redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, e *oidcError) error {
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "oidc.authorize", IP: s.clientIP(r),
		Result: e.code, Detail: "client " + req.client.ID})
	return s.redirectToClient(w, r, req, url.Values{"error": {e.code},
		"error_description": {e.description}})
}

// authorize serves the authorization endpoint by GET, which relying
// parties send browsers to.
func (s *Service) authorize(w http.ResponseWriter, r *http.Request) error {
	return s.handleAuthorize(w, r, r.URL.Query(), false)
}

// authorizeConsent takes the consent form, which repeats the request's
// parameters and adds the citizen's decision. Cross-origin protection
// keeps other sites from posting it.
func (s *Service) authorizeConsent(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	return s.handleAuthorize(w, r, r.PostForm, true)
}

func (s *Service) handleAuthorize(w http.ResponseWriter, r *http.Request, q url.Values, consent bool) error {
	ctx := r.Context()
	req, oerr, err := s.parseAuthRequest(ctx, q)
	if err != nil {
		return err
	}
	if oerr != nil {
		return s.redirectError(w, r, req, oerr)
	}

	cur, err := s.loadSession(r)
	if err != nil {
		return err
	}
	if cur == nil {
		if req.promptNone {
			return s.redirectError(w, r, req, &oidcError{"login_required", "the citizen is not logged in"})
		}
		return seeOther(w, r, "/anmelden?weiter="+url.QueryEscape(req.continuePath()))
	}

	if s.needsStepUp(cur, req) {
		return s.stepUp(w, r, cur, req)
	}

	if consent && q.Get("entscheidung") != "ja" {
		return s.redirectError(w, r, req, &oidcError{"access_denied", "the citizen declined the login"})
	}
	h, err := s.store.HandleForAccount(ctx, req.client.Site, cur.account.ID)
	switch {
	case errors.Is(err, store.ErrNotFound) && req.promptNone:
		return s.redirectError(w, r, req, &oidcError{"consent_required", "the citizen has not agreed yet"})
	case errors.Is(err, store.ErrNotFound) && !consent:
		return s.consentPage(w, cur, req)
	case errors.Is(err, store.ErrNotFound):
		if h, err = s.createHandle(ctx, req.client.Site, cur.account.ID, s.clientIP(r)); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	return s.issueCode(w, r, cur, req, h)
}

// needsStepUp reports whether the session is too weak or too old for
// the request.
func (s *Service) needsStepUp(cur *current, req *authRequest) bool {
	age := s.now().Sub(cur.session.AuthAt)
	switch {
	case req.wantsSecondFactor() && cur.session.Level < levelFactor:
		return true
	case req.hasMaxAge && age > max(req.maxAge, minMaxAge):
		return true
	case req.promptLogin && age > minMaxAge:
		return true
	}
	return false
}

// stepUp sends the citizen to re-authenticate, with the second factor
// if the account has one, and back to the request afterwards.
func (s *Service) stepUp(w http.ResponseWriter, r *http.Request, cur *current, req *authRequest) error {
	if req.promptNone {
		return s.redirectError(w, r, req, &oidcError{"login_required", "a fresh or stronger login is needed"})
	}
	if req.wantsSecondFactor() {
		totp, passkeys, err := s.hasFactor(r.Context(), cur.account.ID)
		if err != nil {
			return err
		}
		if !totp && !passkeys {
			return s.render(w, http.StatusOK, "oidc_factor", page{Title: "Zweiter Faktor nötig",
				Account: cur.account, Data: map[string]string{
					"Client": req.client.Name, "Sender": s.senderName(req.client.Site),
				}})
		}
	}
	return seeOther(w, r, "/konto/bestaetigen?weiter="+url.QueryEscape(req.continuePath()))
}

func (s *Service) consentPage(w http.ResponseWriter, cur *current, req *authRequest) error {
	params := map[string]string{}
	for k := range req.params {
		params[k] = req.params.Get(k)
	}
	rp := redirectOrigin(req.redirectURI)
	return s.render(w, http.StatusOK, "oidc_consent", page{Title: "Anmelden bei einem Online-Dienst",
		Account: cur.account, RelyingParty: rp, Data: map[string]any{
			"Client": req.client.Name, "Sender": s.senderName(req.client.Site), "Params": params,
		}})
}

// createHandle gives the account a new random handle at site, for the
// citizen's consent from the address ip. A handle made meanwhile by a
// parallel request wins.
func (s *Service) createHandle(ctx context.Context, site, accountID, ip string) (*store.Handle, error) {
	subject, err := randomToken(16)
	if err != nil {
		return nil, err
	}
	h := &store.Handle{Site: site, Subject: subject, AccountID: accountID, CreatedAt: s.now()}
	err = s.store.CreateHandle(ctx, h)
	if errors.Is(err, store.ErrConflict) {
		return s.store.HandleForAccount(ctx, site, accountID)
	}
	if err != nil {
		return nil, err
	}
	s.audit.record(ctx, h.CreatedAt, auditEntry{Event: "oidc.consent", AccountID: accountID,
		Actor: accountID, IP: ip, Result: "ok", Detail: "handle for " + site})
	return h, nil
}

func (s *Service) issueCode(w http.ResponseWriter, r *http.Request, cur *current, req *authRequest, h *store.Handle) error {
	code, hash, err := newSecret()
	if err != nil {
		return err
	}
	now := s.now()
	c := &store.AuthCode{CodeHash: hash, ClientID: req.client.ID, AccountID: cur.account.ID,
		Subject: h.Subject, RedirectURI: req.redirectURI, Challenge: req.challenge,
		Nonce: req.nonce, Scope: "openid", AuthTime: cur.session.AuthAt,
		Level: cur.session.Level, CreatedAt: now, ExpiresAt: now.Add(codeLifetime)}
	if err := s.store.CreateAuthCode(r.Context(), c); err != nil {
		return err
	}
	s.audit.record(r.Context(), now, auditEntry{Event: "oidc.authorize", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok", Detail: "client " + req.client.ID})
	return s.redirectToClient(w, r, req, url.Values{"code": {code}})
}
