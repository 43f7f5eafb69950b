package auth

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOIDCLoginInBrowser logs in to an online service in Chromium.
// Chromium applies a page's form-action to the redirects after its form
// is sent. So the consent form and, once consent is given, the login
// form must both lead on to the service's redirect URI.
func TestOIDCLoginInBrowser(t *testing.T) {
	b := newBrowserHarness(t)
	b.register("anna@example.org", testPassword)

	// The online service's callback records the query of each request.
	received := make(chan url.Values, 4)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	callback := &http.Server{ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Chromium also requests /favicon.ico.
			if r.URL.Path != "/callback" {
				http.NotFound(w, r)
				return
			}
			received <- r.URL.Query()
			fmt.Fprintln(w, "Angemeldet beim Online-Dienst")
		})}
	go callback.Serve(ln)
	t.Cleanup(func() { callback.Close() })
	redirect := "http://" + ln.Addr().String() + "/callback"
	client, _, err := b.manager().AddClient(context.Background(), ClientSpec{Site: "lingen",
		Name: "Online-Antrag Hundesteuer", RedirectURIs: []string{redirect}})
	if err != nil {
		t.Fatal(err)
	}
	_, challenge := pkcePair()
	authURL := b.origin + authorizePath + "?" + url.Values{
		"client_id": {client.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"state-17"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}.Encode()

	// arrive waits until the service's callback receives the code and
	// the browser has loaded its page, so that the next navigation does
	// not cut this one short.
	arrive := func() {
		t.Helper()
		select {
		case q := <-received:
			if q.Get("code") == "" || q.Get("state") != "state-17" {
				t.Fatalf("callback received %v, want a code and state-17", q)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the browser did not reach the online service; page at %s\nservice log:\n%s",
				b.location(), b.logs.String())
		}
		b.waitFor(func() bool { return strings.HasPrefix(b.location(), redirect) })
		b.run(chromedp.WaitReady(chromedp.CSS("body")))
	}
	loginForm := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "anna@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
	}

	b.step("first login: the login form, then the consent form", func() {
		b.run(loginForm...)
		agree := chromedp.CSS(`button[name="entscheidung"][value="ja"]`)
		b.run(chromedp.WaitVisible(agree), chromedp.Click(agree))
		arrive()
	})
	b.step("second login: the login form leads to the service", func() {
		b.logout()
		b.run(loginForm...)
		arrive()
	})
}
