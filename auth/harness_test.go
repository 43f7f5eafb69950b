package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/syncbuf"
)

// fakeClock is a settable clock for timeouts and expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness runs the service behind a TLS test server with a fake clock, a
// real store and the outbox mailer.
type harness struct {
	t   *testing.T
	svc *Service
	srv *httptest.Server
	// base is the account URL, https://konto.example.com:<port>, which
	// the test certificate covers; clients dial the test server for it.
	base string
	// addr is the listener's address that clients dial.
	addr    string
	clock   *fakeClock
	store   store.Store
	dataDir string
	outbox  string
	logs    *syncbuf.Buffer
	// senderURL is the sender API's test server, started on first use.
	senderURL string
}

// testConfig is a small federation: a county and three communes, one of
// them with a url in upper case with an umlaut, a trailing slash and the
// default port, whose origin browsers send as
// https://xn--emsbren-q2a.emsland.example.
func testConfig(accountURL string) *federation.Config {
	return &federation.Config{
		Name:    "Landkreis Emsland",
		Account: federation.Account{URL: accountURL},
		Sites: []federation.Site{
			{ID: "emsland", Name: "Landkreis Emsland", Kind: "kreis", URL: "https://emsland.example",
				Legal: federation.Legal{Name: "Landkreis Emsland"}},
			{ID: "lingen", Name: "Lingen (Ems)", Kind: "gemeinde", URL: "https://lingen.emsland.example",
				Legal: federation.Legal{Name: "Stadt Lingen (Ems)"}},
			{ID: "haren", Name: "Haren (Ems)", Kind: "gemeinde", URL: "https://haren.emsland.example",
				Legal: federation.Legal{Name: "Stadt Haren (Ems)"}},
			{ID: "emsbueren", Name: "Emsbüren", Kind: "gemeinde", URL: "https://Emsbüren.Emsland.example:443/",
				Legal: federation.Legal{Name: "Gemeinde Emsbüren"}},
		},
	}
}

// harnessConfig is what harness options change.
type harnessConfig struct {
	opts Options
	// rateLimits keeps the production per-IP budgets, which other tests
	// lift because they send many requests from one address.
	rateLimits bool
	realClock  bool
}

type harnessOption func(*harnessConfig)

func withRateLimits() harnessOption { return func(c *harnessConfig) { c.rateLimits = true } }

func withStore(s store.Store) harnessOption { return func(c *harnessConfig) { c.opts.Store = s } }

func withOptions(fn func(*Options)) harnessOption { return func(c *harnessConfig) { fn(&c.opts) } }

// withRealClock starts the fake clock at the current time, for tests
// whose tokens a library checks against the real clock.
func withRealClock() harnessOption { return func(c *harnessConfig) { c.realClock = true } }

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, clock: &fakeClock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)},
		dataDir: t.TempDir(), logs: &syncbuf.Buffer{}}
	h.outbox = filepath.Join(h.dataDir, "outbox")
	var handler http.Handler
	h.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	h.srv.StartTLS()
	t.Cleanup(h.srv.Close)
	_, port, _ := net.SplitHostPort(h.srv.Listener.Addr().String())
	h.base = "https://konto.example.com:" + port
	h.addr = h.srv.Listener.Addr().String()

	hc := harnessConfig{opts: Options{
		Config:  testConfig(h.base),
		DataDir: h.dataDir,
		Logger:  slog.New(slog.NewTextHandler(h.logs, nil)),
		Now:     h.clock.Now,
	}}
	for _, fn := range opts {
		fn(&hc)
	}
	if hc.realClock {
		h.clock.t = time.Now().UTC()
	}
	o := hc.opts
	if o.Store == nil {
		o.Store = storetest.OpenSQLite(t)
	}
	provideSigningKey(t, h.dataDir)
	h.store = o.Store
	svc, err := New(context.Background(), o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	h.svc = svc
	if !hc.rateLimits {
		unlimited := map[rateClass]rateBudget{}
		for class := range defaultBudgets {
			unlimited[class] = rateBudget{burst: 1 << 20, interval: time.Millisecond}
		}
		svc.limits = newLimiter(unlimited)
	}
	handler = svc.Handler()
	return h
}

// client returns a browser-like client with its own cookie jar that does
// not follow redirects.
func (h *harness) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if h.srv != nil {
		tr = h.srv.Client().Transport.(*http.Transport).Clone()
	}
	addr := h.addr
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{
		Transport: tr,
		Jar:       jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// response is a finished response with its body read.
type response struct {
	*http.Response
	body string
}

func (h *harness) do(c *http.Client, req *http.Request) *response {
	h.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{Response: resp, body: string(b)}
}

func (h *harness) get(c *http.Client, path string) *response {
	h.t.Helper()
	req, _ := http.NewRequest("GET", h.base+path, nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return h.do(c, req)
}

// post sends a form as a same-origin browser would.
func (h *harness) post(c *http.Client, path string, form url.Values) *response {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return h.do(c, req)
}

// follow requests the redirect target of resp, if any.
func (h *harness) follow(c *http.Client, resp *response) *response {
	h.t.Helper()
	loc := resp.Header.Get("Location")
	if loc == "" {
		h.t.Fatalf("%s %s: no redirect (status %d)", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil {
		h.t.Fatalf("bad Location %q: %v", loc, err)
	}
	return h.get(c, u.RequestURI())
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// mails returns the messages in the outbox sent to addr, oldest first.
func (h *harness) mails(addr string) []string {
	h.t.Helper()
	// Some handlers send mail after their response.
	h.svc.afterResponse.Wait()
	entries, _ := os.ReadDir(h.outbox)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(h.outbox, n))
		if err != nil {
			h.t.Fatal(err)
		}
		if strings.Contains(string(b), "\r\nTo: "+addr+"\r\n") {
			out = append(out, string(b))
		}
	}
	return out
}

// lastLink returns the path and query of the link in the newest mail to
// addr.
func (h *harness) lastLink(addr string) string {
	h.t.Helper()
	m := h.mails(addr)
	if len(m) == 0 {
		h.t.Fatalf("no mail to %s", addr)
	}
	raw := linkPattern.FindString(m[len(m)-1])
	if raw == "" {
		h.t.Fatalf("no link in mail to %s:\n%s", addr, m[len(m)-1])
	}
	u, err := url.Parse(raw)
	if err != nil {
		h.t.Fatal(err)
	}
	return u.RequestURI()
}

const testPassword = "Lange Wanderung durch das Moor im Herbst"

// register creates an account through the real flow and returns a
// client logged in to it.
func (h *harness) register(email, password string) *http.Client {
	h.t.Helper()
	c := h.client()
	if r := h.post(c, "/registrieren", url.Values{"email": {email}}); r.StatusCode != 200 {
		h.t.Fatalf("register: status %d\n%s", r.StatusCode, r.body)
	}
	link := h.lastLink(email)
	page := h.get(c, link)
	if page.StatusCode != 200 {
		h.t.Fatalf("open registration link: status %d\n%s", page.StatusCode, page.body)
	}
	u, _ := url.Parse(link)
	r := h.post(c, "/registrieren/abschliessen", url.Values{"t": {u.Query().Get("t")},
		"password": {password}, "password2": {password}})
	if r.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("finish registration: status %d\n%s", r.StatusCode, r.body)
	}
	return c
}

func (h *harness) login(c *http.Client, email, password string) *response {
	h.t.Helper()
	return h.post(c, "/anmelden", url.Values{"email": {email}, "password": {password}})
}

// loggedIn reports whether the client's session is valid.
func (h *harness) loggedIn(c *http.Client) bool {
	h.t.Helper()
	r := h.get(c, "/api/sitzung")
	return strings.Contains(r.body, `"angemeldet":true`)
}

func (h *harness) cookie(c *http.Client, name string) string {
	u, _ := url.Parse(h.base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (h *harness) account(email string) *store.Account {
	h.t.Helper()
	a, err := h.store.AccountByEmail(context.Background(), email)
	if err != nil {
		h.t.Fatalf("account %s: %v", email, err)
	}
	return a
}

func openTestStore(t *testing.T) store.Store { return storetest.OpenSQLite(t) }

var (
	testSigningKeyOnce sync.Once
	testSigningKey     []byte
)

// provideSigningKey writes one ID token key, made once per test run, into
// dir, so each test does not spend a second generating its own.
func provideSigningKey(t *testing.T, dir string) {
	t.Helper()
	testSigningKeyOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatalf("generating test signing key: %v", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatalf("encoding test signing key: %v", err)
		}
		testSigningKey = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	})
	if err := os.WriteFile(filepath.Join(dir, OIDCKeyFile), testSigningKey, 0o600); err != nil {
		t.Fatal(err)
	}
}
