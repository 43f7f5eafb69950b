package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/verbund/verbund/auth"
)

// password is every benchmark citizen's password: long enough for an
// account without a second factor, and on no blocklist.
const password = "Lange Wanderung durch das Moor im Herbst"

// citizen is a simulated citizen with a logged-in browser.
type citizen struct {
	email  string
	ip     string
	client *http.Client
	handle string
}

// newBrowser returns a client with its own cookie jar that does not
// follow redirects.
func (e *env) newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: e.transport, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// post sends a form as citizen c.
func (e *env) post(c *citizen, client *http.Client, path string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequest("POST", e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", c.ip)
	return client.Do(req)
}

func (e *env) get(c *citizen, client *http.Client, path string) (*http.Response, error) {
	req, err := http.NewRequest("GET", e.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	return client.Do(req)
}

// setup registers the citizens, logs each in to an online service of
// lingen so the commune has a handle for them, and fills every mailbox.
func (e *env) setup(ctx context.Context, cfg config) error {
	m, err := auth.OpenManager(ctx, auth.Options{ConfigPath: cfg.sites, Store: e.st, DataDir: e.dataDir})
	if err != nil {
		return err
	}
	defer m.Close()
	client, secret, err := m.AddClient(ctx, auth.ClientSpec{Site: "lingen", Name: "Benchmark",
		RedirectURIs: []string{"https://bench.lingen.example/callback"}})
	if err != nil {
		return err
	}
	if _, e.token, err = m.CreateCredential(ctx, "lingen", "Benchmark"); err != nil {
		return err
	}

	for i := range cfg.citizens {
		c := &citizen{email: fmt.Sprintf("buerger%03d@example.org", i),
			ip: fmt.Sprintf("127.1.%d.%d", i/250, i%250+1), client: e.newBrowser()}
		if err := e.register(c); err != nil {
			return fmt.Errorf("registering %s: %w", c.email, err)
		}
		if c.handle, err = e.loginAt(c, client.ID, secret, client.RedirectURIs[0]); err != nil {
			return fmt.Errorf("OpenID Connect login of %s: %w", c.email, err)
		}
		e.citizens = append(e.citizens, c)
	}
	return e.fillMailboxes(cfg.messages)
}

var linkPattern = regexp.MustCompile(`http://\S+/registrieren/abschliessen\?t=\S+`)

// register runs the registration flow, reading the link from the
// development outbox.
func (e *env) register(c *citizen) error {
	resp, err := e.post(c, c.client, "/registrieren", url.Values{"email": {c.email}})
	if err != nil {
		return err
	}
	drain(resp)
	link, err := e.waitForLink(c.email)
	if err != nil {
		return err
	}
	u, err := url.Parse(link)
	if err != nil {
		return err
	}
	resp, err = e.post(c, c.client, "/registrieren/abschliessen", url.Values{
		"t": {u.Query().Get("t")}, "password": {password}, "password2": {password}})
	if err != nil {
		return err
	}
	drain(resp)
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("finishing registration: status %d", resp.StatusCode)
	}
	return nil
}

func (e *env) waitForLink(email string) (string, error) {
	dir := filepath.Join(e.dataDir, "outbox")
	for range 100 {
		entries, _ := os.ReadDir(dir)
		for _, ent := range entries {
			b, err := os.ReadFile(filepath.Join(dir, ent.Name()))
			if err == nil && bytes.Contains(b, []byte("\r\nTo: "+email+"\r\n")) {
				if link := linkPattern.Find(b); link != nil {
					return string(link), nil
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", fmt.Errorf("no registration mail to %s in %s", email, dir)
}

// loginAt runs the code flow with PKCE for the citizen's session, agrees
// on the consent page, and returns the subject the online service gets.
func (e *env) loginAt(c *citizen, clientID, secret, redirect string) (string, error) {
	verifier := randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	form := url.Values{"entscheidung": {"ja"}}
	for k := range q {
		form.Set(k, q.Get(k))
	}
	resp, err := e.post(c, c.client, "/oidc/authorize", form)
	if err != nil {
		return "", err
	}
	drain(resp)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("authorization: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	tokenForm := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {redirect}, "code_verifier": {verifier}}
	req, _ := http.NewRequest("POST", e.base+"/oidc/token", strings.NewReader(tokenForm.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err = e.newBrowser().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		return "", fmt.Errorf("token exchange: status %d", resp.StatusCode)
	}
	// A relying party would verify the signature, but the benchmark
	// only needs the subject from the payload.
	parts := strings.Split(tok.IDToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Sub == "" {
		return "", fmt.Errorf("ID token without sub")
	}
	return claims.Sub, nil
}

// fillMailboxes sends n messages to every citizen through the sender
// API, from eight clients at once.
func (e *env) fillMailboxes(n int) error {
	jobs := make(chan *citizen)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if err := e.sendOne(c, false); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
				}
			}
		}()
	}
	for range n {
		for _, c := range e.citizens {
			jobs <- c
		}
	}
	close(jobs)
	wg.Wait()
	return first
}

// testPDF is a minimal PDF file for attachments.
var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// sendOne posts one message to c, with a PDF attachment if attach is set.
func (e *env) sendOne(c *citizen, attach bool) error {
	msg := map[string]any{"recipient": c.handle, "subject": "Bescheid über die Hundesteuer",
		"body": "Guten Tag,\n\nanbei erhalten Sie Ihren **Bescheid**.\n\nMit freundlichen Grüßen"}
	if attach {
		msg["attachments"] = []map[string]any{{"name": "bescheid.pdf", "content": testPDF}}
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest("POST", e.senderBase+"/v1/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := (&http.Client{Transport: e.transport, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	drain(resp)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("sending a message: status %d", resp.StatusCode)
	}
	return nil
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
