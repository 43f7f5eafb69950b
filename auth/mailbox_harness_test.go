package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// onlineService is a registered OpenID Connect client with its secret.
type onlineService struct {
	id, secret, redirect string
}

func (h *harness) manager() *Manager {
	h.t.Helper()
	m, err := OpenManager(context.Background(), Options{Config: h.svc.cfg, Store: h.store,
		DataDir: h.dataDir, Logger: h.svc.log, Now: h.clock.Now})
	if err != nil {
		h.t.Fatalf("OpenManager: %v", err)
	}
	h.t.Cleanup(func() { m.Close() })
	return m
}

// addService registers an online service of site.
func (h *harness) addService(site string) onlineService {
	h.t.Helper()
	redirect := "https://dienst." + site + ".example/callback"
	c, secret, err := h.manager().AddClient(context.Background(), ClientSpec{Site: site,
		Name: "Online-Antrag Hundesteuer", RedirectURIs: []string{redirect}})
	if err != nil {
		h.t.Fatalf("AddClient(%s): %v", site, err)
	}
	return onlineService{id: c.ID, secret: secret, redirect: redirect}
}

// senderToken creates a sender credential of site.
func (h *harness) senderToken(site string) string {
	h.t.Helper()
	_, token, err := h.manager().CreateCredential(context.Background(), site, "Test "+site)
	if err != nil {
		h.t.Fatalf("CreateCredential(%s): %v", site, err)
	}
	return token
}

// pkcePair returns a random code verifier and its S256 challenge.
func pkcePair() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a valid authorization request for svc.
func authorizeQuery(svc onlineService, challenge string) url.Values {
	return url.Values{"client_id": {svc.id}, "redirect_uri": {svc.redirect},
		"response_type": {"code"}, "scope": {"openid"}, "state": {"st-1"},
		"nonce": {"n-1"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
}

// authorize runs the browser's part of the code flow for a logged-in
// client, agreeing on the consent page if it appears, and returns the
// final redirect to the online service.
func (h *harness) authorize(c *http.Client, q url.Values) *response {
	h.t.Helper()
	r := h.get(c, "/oidc/authorize?"+q.Encode())
	if r.StatusCode == http.StatusOK && strings.Contains(r.body, `name="entscheidung"`) {
		form := url.Values{"entscheidung": {"ja"}}
		for k := range q {
			form.Set(k, q.Get(k))
		}
		r = h.post(c, "/oidc/authorize", form)
	}
	return r
}

// codeFrom returns the code of a redirect to the online service.
func (h *harness) codeFrom(r *response, svc onlineService) string {
	h.t.Helper()
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, svc.redirect+"?") {
		h.t.Fatalf("authorization: status %d, Location %q\n%s", r.StatusCode, loc, r.body)
	}
	u, _ := url.Parse(loc)
	code := u.Query().Get("code")
	if code == "" {
		h.t.Fatalf("no code in %s", loc)
	}
	return code
}

// exchange posts a code to the token endpoint with client_secret_basic.
func (h *harness) exchange(svc onlineService, code, verifier string) *response {
	h.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {svc.redirect}, "code_verifier": {verifier}}
	req, _ := http.NewRequest("POST", h.base+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(svc.id), url.QueryEscape(svc.secret))
	return h.do(h.client(), req)
}

// handleAt logs the client's citizen in to an online service of site
// through the whole code flow and returns the subject the service gets.
func (h *harness) handleAt(c *http.Client, site string) string {
	h.t.Helper()
	svc := h.addService(site)
	verifier, challenge := pkcePair()
	code := h.codeFrom(h.authorize(c, authorizeQuery(svc, challenge)), svc)
	r := h.exchange(svc, code, verifier)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(r.body), &tok); err != nil || r.StatusCode != 200 {
		h.t.Fatalf("token exchange: status %d\n%s", r.StatusCode, r.body)
	}
	req, _ := http.NewRequest("GET", h.base+"/oidc/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	info := h.do(h.client(), req)
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal([]byte(info.body), &claims); err != nil || claims.Sub == "" {
		h.t.Fatalf("userinfo: status %d\n%s", info.StatusCode, info.body)
	}
	return claims.Sub
}

// senderAPI serves the service's sender API on a loopback listener of
// its own.
func (h *harness) senderAPI() string {
	h.t.Helper()
	if h.senderURL == "" {
		srv := httptest.NewServer(h.svc.SenderHandler())
		h.t.Cleanup(srv.Close)
		h.senderURL = srv.URL
	}
	return h.senderURL
}

// callSender sends a request to the sender API with a bearer token and,
// for a non-nil body, a JSON body.
func (h *harness) callSender(method, path, token string, body any, header ...string) *response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.senderAPI()+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return h.do(http.DefaultClient, req)
}

// sendTo posts a message and returns its ID, failing the test unless the
// API accepts it.
func (h *harness) sendTo(token string, msg map[string]any) string {
	h.t.Helper()
	r := h.callSender("POST", "/v1/messages", token, msg)
	if r.StatusCode != http.StatusCreated {
		h.t.Fatalf("send: status %d\n%s", r.StatusCode, r.body)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.ID == "" {
		h.t.Fatalf("send: no ID in %s", r.body)
	}
	return out.ID
}

// jsonField decodes a response body and returns one top-level field as
// a string.
func jsonField(t *testing.T, body, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
	v, _ := m[field].(string)
	return v
}

// testPDF is a small well-formed PDF file.
var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
