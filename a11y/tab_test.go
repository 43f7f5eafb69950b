package a11y

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// maxResponseBytes bounds a response the tab passes from a loopback
// server to the browser.
const maxResponseBytes = 16 << 20

// tab is one browser tab whose requests for the federation's public
// origins are served by the suite's loopback servers. Requests for any
// other origin fail at once, as the tests need no network. Its helpers
// report to t, and in binds the same tab to a subtest.
type tab struct {
	t *testing.T
	*browserTab
}

// browserTab is the state of a tab that outlives a subtest.
type browserTab struct {
	suite *suite
	ctx   context.Context

	// screenshots is the folder of the screenshots, set by the first one.
	screenshots string

	mu sync.Mutex
	// documents maps each frame of the tab to the origin of the document
	// it shows.
	documents map[cdp.FrameID]string
	// failed lists the subresources of the current page that did not
	// load: a status of 400 or more, or an origin outside the federation.
	failed []string
	// ownRequests are the responses to the requests that the browser
	// sends on its own, such as for a page's icon.
	ownRequests []ownRequest
}

// ownRequest is a response to a request that the browser sends on its
// own, of resource type Other.
type ownRequest struct {
	url         string
	status      int
	contentType string
}

// newTab opens a tab in the shared browser, with the options opts of its
// context. The tab closes when t ends.
func (s *suite) newTab(t *testing.T, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, opts...)
	t.Cleanup(cancel)
	tb := &tab{t: t, browserTab: &browserTab{suite: s, ctx: ctx, documents: map[cdp.FrameID]string{}}}

	navigated := chromedp.Events(ctx, page.FrameNavigated)
	go func() {
		for ev, err := range navigated {
			if err != nil {
				return
			}
			tb.recordDocument(ev.Frame)
		}
	}()

	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			tb.fulfil(ev)
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{}); err != nil {
		t.Fatalf("intercepting the tab's requests: %v", err)
	}
	return tb
}

// in returns the same tab reporting to t, such as a subtest.
func (tb *tab) in(t *testing.T) *tab { return &tab{t: t, browserTab: tb.browserTab} }

// fulfil completes a paused request with the response of the loopback
// server of its origin, or fails it when the origin is not the
// federation's.
func (tb *browserTab) fulfil(ev fetch.EventRequestPaused) {
	status, header, body, err := tb.fetchUpstream(ev.Request, ev.FrameID)
	if err != nil {
		if pageRequest(ev.ResourceType) {
			tb.recordFailure(ev.Request.URL + ": " + err.Error())
		}
		_, callErr := chromedp.Call(tb.ctx, fetch.FailRequest, fetch.FailRequestParams{
			RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient,
		})
		tb.recordCallError(ev.Request.URL, callErr)
		return
	}
	if status >= 400 && pageRequest(ev.ResourceType) {
		tb.recordFailure(fmt.Sprintf("%s: status %d", ev.Request.URL, status))
	}
	if ev.ResourceType == network.ResourceTypeOther {
		tb.recordOwnRequest(ownRequest{url: ev.Request.URL, status: status, contentType: header.Get("Content-Type")})
	}
	var entries []*fetch.HeaderEntry
	for name, values := range header {
		for _, v := range values {
			entries = append(entries, &fetch.HeaderEntry{Name: name, Value: v})
		}
	}
	_, err = chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: ev.RequestID, ResponseCode: int64(status),
		ResponseHeaders: entries, Body: body,
	})
	tb.recordCallError(ev.Request.URL, err)
}

// recordCallError records a failed command that should have ended a
// paused request, unless the tab is closing.
func (tb *browserTab) recordCallError(requestURL string, err error) {
	if err != nil && tb.ctx.Err() == nil {
		tb.recordFailure(fmt.Sprintf("%s: passing the response to the browser failed: %v", requestURL, err))
	}
}

// pageRequest reports whether a request of type t that fails is an error
// of the page. That is every request but the navigation itself and the
// requests that scripts send with fetch or XMLHttpRequest, which handle
// their errors. The page's icon, which Chromium requests with type
// Other, counts.
func pageRequest(t network.ResourceType) bool {
	switch t {
	case network.ResourceTypeDocument, network.ResourceTypeFetch, network.ResourceTypeXHR:
		return false
	}
	return true
}

// recordDocument stores the origin of the document a frame navigated to.
func (tb *browserTab) recordDocument(frame *cdp.Frame) {
	origin, err := originOf(frame.URL)
	if err != nil {
		origin = ""
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.documents[frame.ID] = origin
}

// documentOrigin returns the origin of the document in a frame, or "".
func (tb *browserTab) documentOrigin(frame cdp.FrameID) string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.documents[frame]
}

// fetchUpstream sends req, with its body, to the loopback server of its
// origin. frame is the frame that sent the request.
func (tb *browserTab) fetchUpstream(req *network.Request, frame cdp.FrameID) (
	int, http.Header, []byte, error,
) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("invalid request URL: %w", err)
	}
	base, ok := tb.suite.upstream[u.Scheme+"://"+u.Host]
	if !ok {
		return 0, nil, nil, fmt.Errorf("origin %s://%s is outside the federation", u.Scheme, u.Host)
	}

	var payload bytes.Buffer
	for _, entry := range req.PostDataEntries {
		payload.Write(entry.Bytes)
	}
	r, err := http.NewRequestWithContext(tb.ctx, req.Method, base+u.RequestURI(), &payload)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("creating the request: %w", err)
	}
	for name, v := range req.Headers {
		if s, ok := v.(string); ok {
			r.Header.Set(name, s)
		}
	}
	// The request keeps the public host as Host, as a reverse proxy that
	// ends TLS passes it on. A server that compares Origin with Host, such
	// as the account service, then accepts a request whose Origin is the
	// public origin.
	r.Host = u.Host
	// Chromium adds the Sec-Fetch-* headers after the point where the tab
	// intercepts a request, so the tab sets Sec-Fetch-Site for a request
	// from a document of the same origin, as the browser would. A server
	// that checks cross-origin requests, such as the account service,
	// needs it: its pages send no Referer, so a form's Origin is "null".
	// NOTE: other requests go on without the header, where Chromium
	// would send same-site, cross-site or none.
	if r.Header.Get("Sec-Fetch-Site") == "" && tb.documentOrigin(frame) == u.Scheme+"://"+u.Host {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}

	resp, err := tb.suite.client.Do(r)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the response: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

func (tb *browserTab) recordFailure(msg string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if !slices.Contains(tb.failed, msg) {
		tb.failed = append(tb.failed, msg)
	}
}

func (tb *browserTab) recordOwnRequest(r ownRequest) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.ownRequests = append(tb.ownRequests, r)
}

// takeOwnRequests returns the responses to the browser's own requests
// since the last call.
func (tb *browserTab) takeOwnRequests() []ownRequest {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	requests := tb.ownRequests
	tb.ownRequests = nil
	return requests
}

// takeFailures returns the subresources that failed since the last call.
func (tb *browserTab) takeFailures() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	failed := tb.failed
	tb.failed = nil
	return failed
}

// do runs actions with the action timeout and fails the test on error.
func (tb *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", step, err)
	}
}

// open loads a page and checks that its stylesheets and scripts loaded.
func (tb *tab) open(pageURL string) {
	tb.t.Helper()
	tb.takeFailures()
	tb.do("opening "+pageURL, chromedp.Navigate(pageURL))
	tb.checkSubresources(pageURL)
}

// checkSubresources fails the test for each subresource of the page that
// did not load since the last check.
func (tb *tab) checkSubresources(pageURL string) {
	tb.t.Helper()
	for _, f := range tb.takeFailures() {
		tb.t.Errorf("page %s: a subresource did not load: %s", pageURL, f)
	}
}

// eval runs a JavaScript expression, awaiting a promise it returns, and
// decodes its JSON result into out.
func (tb *tab) eval(expr string, out any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("running a script in the page: %v", err)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.t.Fatalf("decoding the script's result %.200s: %v", raw, err)
	}
}

// viewport sets the size of the page's viewport in CSS pixels.
func (tb *tab) viewport(width, height int64) {
	tb.t.Helper()
	tb.do(fmt.Sprintf("setting the viewport to %dx%d", width, height),
		chromedp.EmulateViewport(width, height))
}

// emulateMedia sets the emulated media type ("print", "screen" or ""
// for none) and media features, such as forced-colors.
func (tb *tab) emulateMedia(media string, features ...*emulation.MediaFeature) {
	tb.t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Media: media, Features: features,
	})
	if err != nil {
		tb.t.Fatalf("emulating media %q %v: %v", media, features, err)
	}
}

// screenshot writes the viewport as name.png into the folder set by
// VERBUND_SCREENSHOTS, or into the test's temporary folder.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if tb.screenshots == "" {
		tb.screenshots = os.Getenv("VERBUND_SCREENSHOTS")
	}
	if tb.screenshots == "" {
		tb.screenshots = tb.t.TempDir()
	}
	dir := tb.screenshots
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("taking screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatalf("creating the screenshot folder: %v", err)
	}
	name = strings.NewReplacer("/", "-", " ", "-").Replace(name)
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatalf("writing screenshot: %v", err)
	}
	tb.t.Logf("screenshot %s", path)
}
