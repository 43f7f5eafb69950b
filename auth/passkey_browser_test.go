package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/verbund/verbund/auth/store/storetest"
	"github.com/verbund/verbund/internal/syncbuf"
)

const chromiumPath = "/usr/bin/chromium"

// browserHarness runs the service in insecure mode on
// http://konto.emsland.localhost:<port>, which Chromium resolves to loopback and
// treats as a secure context, and drives a headless Chromium with a
// virtual authenticator.
type browserHarness struct {
	*harness
	ctx    context.Context
	origin string
	port   string
}

func newBrowserHarness(t *testing.T) *browserHarness {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("VERBUND_REQUIRE_BROWSER") != "" {
			t.Fatalf("%s is absent, but VERBUND_REQUIRE_BROWSER is set: %v", chromiumPath, err)
		}
		t.Skipf("%s is absent, so the passkey browser test is skipped; install Debian's chromium package to run it", chromiumPath)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	h := &harness{t: t, clock: &fakeClock{t: time.Now().UTC()}, dataDir: t.TempDir(), logs: &syncbuf.Buffer{}}
	h.base = "http://konto.emsland.localhost:" + port
	h.addr = ln.Addr().String()
	h.outbox = filepath.Join(h.dataDir, "outbox")
	st := storetest.OpenSQLite(t)
	h.store = st
	svc, err := New(context.Background(), Options{
		Config: testConfig(h.base), DataDir: h.dataDir, Insecure: true, Addr: ln.Addr().String(),
		Logger: slog.New(slog.NewTextHandler(h.logs, nil)), Now: h.clock.Now, Store: st,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	h.svc = svc
	unlimited := map[rateClass]rateBudget{}
	for class := range defaultBudgets {
		unlimited[class] = rateBudget{burst: 1 << 20, interval: time.Millisecond}
	}
	svc.limits = newLimiter(unlimited)
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })

	_, err = chromedp.Call(ctx, cdpwebauthn.Enable, cdpwebauthn.EnableParams{})
	if err == nil {
		_, err = chromedp.Call(ctx, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{
			Options: &cdpwebauthn.VirtualAuthenticatorOptions{
				Protocol: cdpwebauthn.AuthenticatorProtocolCtap2, Ctap2version: cdpwebauthn.Ctap2versionCtap21,
				Transport: cdpwebauthn.AuthenticatorTransportInternal, HasResidentKey: true,
				HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
			}})
	}
	if err != nil {
		t.Fatalf("starting Chromium with a virtual authenticator: %v", err)
	}
	return &browserHarness{harness: h, ctx: ctx, origin: h.base, port: port}
}

// step runs one part of the browser test; failures name the part.
func (b *browserHarness) step(name string, fn func()) {
	b.t.Logf("step: %s", name)
	fn()
}

func (b *browserHarness) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\nservice log:\n%s", err, b.logs.String())
	}
}

// eval runs an async JavaScript function body in the page and decodes
// its result.
func (b *browserHarness) eval(body string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	js := "(async () => {" + body + "})()"
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser script failed: %v\nservice log:\n%s", err, b.logs.String())
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("decoding script result %s: %v", raw, err)
		}
	}
}

func (b *browserHarness) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("reading location: %v", err)
	}
	return loc
}

// loginWithPassword logs in through the form and waits for the next page.
func (b *browserHarness) loginWithPassword(email string) {
	b.t.Helper()
	b.run(
		chromedp.Navigate(b.origin+"/anmelden"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
	)
	b.waitFor(func() bool { return !strings.HasSuffix(b.location(), "/anmelden") })
	b.run(chromedp.WaitReady(chromedp.CSS("main h1")))
}

func (b *browserHarness) logout() {
	b.run(chromedp.Navigate(b.origin+"/"), chromedp.WaitReady(chromedp.CSS("main h1")))
	b.eval(`await fetch("/abmelden", {method: "POST"}); return true`, nil)
}

// addPasskey registers a passkey through the passkeys page's button.
func (b *browserHarness) addPasskey() {
	b.t.Helper()
	b.run(
		chromedp.Navigate(b.origin+"/konto/passkeys"),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey="register"]`)),
		chromedp.Click(chromedp.CSS(`[data-passkey="register"]`)),
	)
	b.waitFor(func() bool { return strings.Contains(b.location(), "hinweis=passkey") })
}

func (b *browserHarness) waitFor(cond func() bool) {
	b.t.Helper()
	for range 100 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("condition not met; page at %s\nservice log:\n%s", b.location(), b.logs.String())
}

// assertionResult is what the page reports after posting an assertion.
type assertionResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

const fetchOptionsJS = `
const r = await fetch("/anmelden/passkey/optionen", {method: "POST",
  headers: {"Content-Type": "application/json"}, body: "{}"});
const options = await r.json();`

const postAssertionJS = `
const p = await fetch("/anmelden/passkey/pruefen", {method: "POST",
  headers: {"Content-Type": "application/json"}, body: JSON.stringify(assertion)});
return {status: p.status, body: await p.text()};`

func TestPasskeysInBrowser(t *testing.T) {
	b := newBrowserHarness(t)
	b.register("anna@example.org", testPassword)
	b.register("bert@example.org", testPassword)

	// Anna adds a passkey through the page and logs in with it.
	b.loginWithPassword("anna@example.org")
	b.addPasskey()
	anna := b.account("anna@example.org")
	keys, _ := b.store.ListPasskeys(context.Background(), anna.ID)
	if len(keys) != 1 {
		t.Fatalf("anna has %d passkeys, want 1", len(keys))
	}
	b.logout()
	b.loginWithPassword("anna@example.org")
	if loc := b.location(); !strings.HasSuffix(loc, "/anmelden/faktor") {
		t.Fatalf("after password: at %s, want the second-factor step", loc)
	}
	var good assertionResult
	var firstAssertion string
	b.eval(fetchOptionsJS+`
const cred = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey)});
const assertion = cred.toJSON();
window.savedAssertion = JSON.stringify(assertion);`+postAssertionJS, &good)
	if good.Status != http.StatusOK {
		t.Fatalf("passkey login: status %d: %s", good.Status, good.Body)
	}
	b.eval(`return window.savedAssertion`, &firstAssertion)

	b.step("replayed assertion", func() {
		b.logout()
		b.loginWithPassword("anna@example.org")
		var res assertionResult
		b.eval(fetchOptionsJS+`
const assertion = `+firstAssertion+`;`+postAssertionJS, &res)
		if res.Status == http.StatusOK {
			t.Errorf("an assertion for an old challenge was accepted: %s", res.Body)
		}
	})

	b.step("challenge answered twice", func() {
		b.logout()
		b.loginWithPassword("anna@example.org")
		var res []assertionResult
		b.eval(fetchOptionsJS+`
const cred = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey)});
const body = JSON.stringify(cred.toJSON());
const post = async () => { const p = await fetch("/anmelden/passkey/pruefen", {method: "POST",
  headers: {"Content-Type": "application/json"}, body}); return {status: p.status, body: await p.text()}; };
const first = await post();
await fetch("/abmelden", {method: "POST"});
return [first, await post()];`, &res)
		if len(res) != 2 || res[0].Status != http.StatusOK {
			t.Fatalf("first answer: %+v", res)
		}
		if res[1].Status == http.StatusOK {
			t.Errorf("the same challenge was answered twice: %s", res[1].Body)
		}
	})

	b.step("expired challenge", func() {
		b.logout()
		b.loginWithPassword("anna@example.org")
		var res assertionResult
		b.eval(fetchOptionsJS+`window.pendingOptions = options; return true`, nil)
		b.clock.Advance(ceremonyLifetime + time.Second)
		b.eval(`const options = window.pendingOptions;
const cred = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey)});
const assertion = cred.toJSON();`+postAssertionJS, &res)
		if res.Status == http.StatusOK {
			t.Errorf("an expired challenge was accepted: %s", res.Body)
		}
	})

	b.step("wrong origin", func() {
		b.logout()
		b.loginWithPassword("anna@example.org")
		var options json.RawMessage
		b.eval(fetchOptionsJS+`return options.publicKey`, &options)
		// A page on a subdomain may claim the account origin's RP ID, so
		// its authenticator signs, but the client data names its origin.
		b.run(chromedp.Navigate(fmt.Sprintf("http://evil.konto.emsland.localhost:%s/anmelden", b.port)),
			chromedp.WaitReady(chromedp.CSS("main h1")))
		var assertion json.RawMessage
		b.eval(`const options = `+string(options)+`;
const cred = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
return cred.toJSON();`, &assertion)
		b.run(chromedp.Navigate(b.origin+"/anmelden/faktor"), chromedp.WaitReady(chromedp.CSS("main h1")))
		var res assertionResult
		b.eval(`const assertion = `+string(assertion)+`;`+postAssertionJS, &res)
		if res.Status == http.StatusOK {
			t.Errorf("an assertion made on another origin was accepted: %s", res.Body)
		}
	})

	b.step("wrong relying party ID", func() {
		b.logout()
		b.loginWithPassword("anna@example.org")
		b.run(chromedp.Click(chromedp.CSS(`[data-passkey="login"]`)))
		b.waitFor(func() bool { return strings.HasSuffix(b.location(), "/") })
		b.run(chromedp.Navigate(b.origin+"/konto/passkeys"), chromedp.WaitReady(chromedp.CSS("main h1")))
		var res assertionResult
		// The page requests a credential scoped to the parent domain, which
		// the browser allows but the service must reject.
		b.eval(`const r = await fetch("/konto/passkeys/optionen", {method: "POST",
  headers: {"Content-Type": "application/json"}, body: "{}"});
const options = (await r.json()).publicKey;
options.rp.id = "emsland.localhost";
const cred = await navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)});
const p = await fetch("/konto/passkeys/speichern?name=fremd", {method: "POST",
  headers: {"Content-Type": "application/json"}, body: JSON.stringify(cred.toJSON())});
return {status: p.status, body: await p.text()};`, &res)
		if res.Status == http.StatusOK {
			t.Errorf("a passkey for another relying party ID was accepted: %s", res.Body)
		}
		keys, _ := b.store.ListPasskeys(context.Background(), anna.ID)
		if len(keys) != 1 {
			t.Errorf("anna has %d passkeys after the rejected one, want 1", len(keys))
		}
	})

	b.step("another account's credential", func() {
		b.logout()
		b.loginWithPassword("bert@example.org")
		b.addPasskey()
		b.logout()
		b.loginWithPassword("bert@example.org")
		annaID := keys[0].ID
		var res assertionResult
		// Bert's second-factor step, completed with Anna's credential from
		// the same authenticator.
		b.eval(fetchOptionsJS+`
const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey);
publicKey.allowCredentials = [{type: "public-key", id: Uint8Array.fromBase64(`+
			fmt.Sprintf("%q", b64url(annaID))+`, {alphabet: "base64url"}).buffer}];
const cred = await navigator.credentials.get({publicKey});
const assertion = cred.toJSON();`+postAssertionJS, &res)
		if res.Status == http.StatusOK {
			t.Errorf("another account's passkey completed the login: %s", res.Body)
		}
	})
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
