package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/internal/syncbuf"
	"github.com/verbund/verbund/search"
)

// startServer serves the test index over real HTTP and returns its URL
// and the server's log.
func startServer(t *testing.T, cfg search.Config) (string, *syncbuf.Buffer) {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := search.NewServer(openTestIndex(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, logs
}

func get(t *testing.T, rawURL string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestAPISearch(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/api/search?q=hund&site=lingen", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var res search.Result
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	if res.Total != 2 || len(res.Hits) != 2 {
		t.Fatalf("total %d with %d hits, want 2", res.Total, len(res.Hits))
	}
	h := res.Hits[0]
	if h.Title != "Hundesteuer" || h.Site != "lingen" || h.Commune != "Lingen (Ems)" {
		t.Errorf("first hit %+v, want Hundesteuer of Lingen (Ems)", h)
	}
	if h.CategoryTitle != "Steuern und Abgaben" {
		t.Errorf("category title %q", h.CategoryTitle)
	}
	if len(res.Facets.Commune) == 0 || len(res.Facets.Category) == 0 {
		t.Errorf("facets %+v, want communes and categories", res.Facets)
	}
}

func TestAPISuggest(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/api/suggest?q=reis&limit=2", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Suggestions []string `json:"suggestions"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Reisepass", "Kinderreisepass"}; strings.Join(got.Suggestions, ",") != strings.Join(want, ",") {
		t.Errorf("suggestions %q, want %q", got.Suggestions, want)
	}
	if resp, _ := get(t, base+"/api/suggest?q=reis&limit=-3", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("negative limit: status %d, want 400", resp.StatusCode)
	}
}

// TestAPIHostileInput sends queries that try bleve's query syntax,
// overlong or broken text and odd parameters. Each gets a 400 or a
// result, never a server error.
func TestAPIHostileInput(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	tests := []struct {
		name   string
		query  string // raw query string
		status int
	}{
		{"wildcard", "q=" + url.QueryEscape("*"), http.StatusOK},
		{"regexp", "q=" + url.QueryEscape("/.*/"), http.StatusOK},
		{"fuzzy syntax", "q=" + url.QueryEscape("a~2 b~2 c~2"), http.StatusOK},
		{"field syntax", "q=" + url.QueryEscape(`title:hund^10 +steuer -"x"`), http.StatusOK},
		{"prefix syntax", "q=" + url.QueryEscape("h* st?uer"), http.StatusOK},
		{"10 KB", "q=" + strings.Repeat("hundesteuer+", 850), http.StatusRequestURITooLong},
		{"over the query limit", "q=" + strings.Repeat("a", search.MaxQueryBytes+1), http.StatusBadRequest},
		{"invalid UTF-8", "q=%ff%fe", http.StatusBadRequest},
		{"NUL bytes", "q=hund%00steuer", http.StatusOK},
		{"malformed escape", "q=%zz", http.StatusBadRequest},
		{"many words", "q=" + url.QueryEscape(strings.Repeat("reisepass hund ", 6)), http.StatusOK},
		{"long word", "q=" + strings.Repeat("x", 150), http.StatusOK},
		{"page text", "q=hund&page=zwei", http.StatusBadRequest},
		{"page zero", "q=hund&page=0", http.StatusBadRequest},
		{"page with plus sign", "q=hund&page=%2B1", http.StatusBadRequest},
		{"page with space", "q=hund&page=+1", http.StatusBadRequest},
		{"page negative", "q=hund&page=-1", http.StatusBadRequest},
		{"page far", "q=hund&page=100000", http.StatusBadRequest},
		{"unknown site", "q=hund&site=" + url.QueryEscape("<script>"), http.StatusBadRequest},
		{"unknown category", "q=hund&category=x", http.StatusBadRequest},
		{"emoji and RTL", "q=" + url.QueryEscape("🐕 \u202ehund"), http.StatusOK},
		{"empty", "q=", http.StatusOK},
		{"no parameters", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, endpoint := range []string{"/api/search", "/api/suggest", "/suche"} {
				resp, body := get(t, base+endpoint+"?"+tt.query, nil)
				want := tt.status
				if endpoint == "/api/suggest" && strings.Contains(tt.query, "page=") {
					want = http.StatusOK // suggest has no page parameter
				}
				if endpoint == "/api/suggest" && (strings.Contains(tt.query, "site=") || strings.Contains(tt.query, "category=")) {
					want = http.StatusOK
				}
				if resp.StatusCode != want {
					t.Errorf("%s: status %d, want %d: %.200s", endpoint, resp.StatusCode, want, body)
				}
				if strings.HasPrefix(endpoint, "/api/") && !json.Valid(body) {
					t.Errorf("%s: body is not JSON: %.200s", endpoint, body)
				}
			}
		})
	}
}

func TestCORS(t *testing.T) {
	base, _ := startServer(t, search.Config{Origins: []string{"https://app.example", "https://APP2.example:443/",
		"https://münster.example"}})
	tests := []struct {
		origin string
		// allow is the Access-Control-Allow-Origin expected, or "".
		allow string
	}{
		{"https://www.lingen.example", "https://www.lingen.example"},
		{"https://www.emsland.example", "https://www.emsland.example"},
		{"https://app.example", "https://app.example"},
		{"https://app2.example", "https://app2.example"},
		{"https://xn--mnster-3ya.example", "https://xn--mnster-3ya.example"},
		{"https://WWW.Lingen.example:443", "https://www.lingen.example"},
		{"https://www.lingen.example.evil.example", ""},
		{"http://www.lingen.example", ""},
		{"https://www.lingen.example:8443", ""},
		{"https://www.lingen.example/suche", ""},
		{"null", ""},
		{"*", ""},
	}
	for _, tt := range tests {
		resp, _ := get(t, base+"/api/search?q=hund", http.Header{"Origin": {tt.origin}})
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allow {
			t.Errorf("origin %q: Access-Control-Allow-Origin %q, want %q", tt.origin, got, tt.allow)
		}
		if vary := resp.Header.Values("Vary"); !containsFold(vary, "Origin") {
			t.Errorf("origin %q: Vary %q, want Origin", tt.origin, vary)
		}
	}
}

func containsFold(values []string, want string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), want) {
				return true
			}
		}
	}
	return false
}

func TestCORSPreflight(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	tests := []struct {
		origin, method string
		status         int
	}{
		{"https://www.meppen.example", http.MethodGet, http.StatusNoContent},
		{"https://evil.example", http.MethodGet, http.StatusForbidden},
		{"https://www.meppen.example", http.MethodDelete, http.StatusForbidden},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodOptions, base+"/api/search", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", tt.origin)
		req.Header.Set("Access-Control-Request-Method", tt.method)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("preflight from %s for %s: status %d, want %d", tt.origin, tt.method, resp.StatusCode, tt.status)
		}
	}
}

func TestNewServerRejectsOrigin(t *testing.T) {
	ix := openTestIndex(t)
	for _, origin := range []string{"app.example", "https://app.example/path", "ftp://app.example", "*",
		"https://user@app.example", "https://app.example?x"} {
		_, err := search.NewServer(ix, search.Config{Origins: []string{origin}})
		if err == nil {
			t.Errorf("NewServer accepted origin %q", origin)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", origin)) {
			t.Errorf("origin %q: error %q does not name it", origin, err)
		}
	}
}

// TestSiteOriginsNormalized serves a portal whose url in sites.toml has
// a host name in upper case with an umlaut and the default port: the
// browser's Origin header and the results page's policy use the host's
// punycode form.
func TestSiteOriginsNormalized(t *testing.T) {
	c := readTestCorpus(t)
	for i := range c.Sites {
		if c.Sites[i].ID == "lingen" {
			c.Sites[i].URL = "https://Lingen-Münster.example:443/"
		}
	}
	ix, err := search.Open(buildIndexWithLayouts(t, c))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	s, err := search.NewServer(ix, search.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	const origin = "https://xn--lingen-mnster-3ob.example"
	resp, _ := get(t, ts.URL+"/api/search?q=hund", http.Header{"Origin": {origin}})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
		t.Errorf("Access-Control-Allow-Origin %q, want %q", got, origin)
	}
	resp, _ = get(t, ts.URL+"/suche?q=hund&site=lingen", nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' "+origin+";") {
		t.Errorf("Content-Security-Policy %q lacks %s as script source", csp, origin)
	}
}

func TestNewServerRejectsSiteURL(t *testing.T) {
	c := readTestCorpus(t)
	c.Sites[0].URL = "https://admin@www.emsland.example"
	_, err := search.NewServer(openCorpusIndex(t, c), search.Config{})
	if err == nil {
		t.Fatal("NewServer accepted a site url with user info")
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("site %q", c.Sites[0].ID)) {
		t.Errorf("error %q does not name the site", err)
	}
}

func TestRequestLimits(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	req, err := http.NewRequest(http.MethodGet, base+"/api/search?q=hund", strings.NewReader(strings.Repeat("x", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("GET with a 4 KB body: status %d, want 413", resp.StatusCode)
	}
	resp, err = http.Post(base+"/api/search?q=hund", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}

func TestSearchTimeout(t *testing.T) {
	base, _ := startServer(t, search.Config{Timeout: time.Nanosecond})
	resp, body := get(t, base+"/api/search?q=hund", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503: %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

func TestHealthz(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/healthz", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}
}

// TestRequestLog checks that each request is logged with method, path,
// status and latency, and never with the query or the client's address.
func TestRequestLog(t *testing.T) {
	base, logs := startServer(t, search.Config{})
	get(t, base+"/api/search?q=geheimer+suchbegriff", http.Header{"X-Forwarded-For": {"203.0.113.7"}})
	get(t, base+"/suche?q=geheimer", nil)
	get(t, base+"/gibtsnicht?q=geheimer", nil)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d log records, want 3:\n%s", len(lines), logs.String())
	}
	wantStatus := []float64{200, 200, 404}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log record %q: %v", line, err)
		}
		for _, key := range []string{"method", "path", "status", "latency"} {
			if _, ok := rec[key]; !ok {
				t.Errorf("log record %q lacks %s", line, key)
			}
		}
		if rec["status"] != wantStatus[i] {
			t.Errorf("record %d status %v, want %v", i, rec["status"], wantStatus[i])
		}
		for _, secret := range []string{"geheim", "suchbegriff", "203.0.113.7", "127.0.0.1"} {
			if strings.Contains(line, secret) {
				t.Errorf("log record contains %q: %s", secret, line)
			}
		}
	}
}

func TestResultsPageInLayout(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/suche?q=hund&site=lingen", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	page := string(body)
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"de\">") {
		t.Errorf("page does not start with the layout: %.80q", page)
	}
	for _, want := range []string{
		`<nav aria-label="Hauptnavigation">`,                        // layout before the marker
		`<a href="https://www.lingen.example/impressum/">Impressum`, // layout after the marker
		`<form class="verbund-search-form" action="/suche" method="get" role="search">`,
		`<label for="verbund-q">Suchbegriff</label>`,
		`value="hund"`,
		`<input type="hidden" name="site" value="lingen">`,
		`<a href="https://www.lingen.example/leistungen/hundesteuer/">Hundesteuer</a>`,
		`<mark>Hund</mark>`,
		`Auch bei: <a href="https://www.meppen.example/leistungen/hundesteuer/">Meppen</a>`,
		`<a href="/suche?category=bauen&amp;q=hund&amp;site=lingen">Bauen und Umwelt</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, search.LayoutMarker) {
		t.Error("page still contains the layout marker")
	}
	if i, j := strings.Index(page, "Hauptnavigation"), strings.Index(page, "verbund-search"); i > j {
		t.Error("results come before the layout's header")
	}
}

func TestResultsPageWithoutLayout(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/suche?q="+url.QueryEscape(`<script>xyzzy</script>`)+"&site=meppen", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	page := string(body)
	for _, want := range []string{
		"<!DOCTYPE html>", `<html lang="de">`, `<meta charset="utf-8">`, "<title>", "<main>",
		`<label for="verbund-q">`, "Keine Ergebnisse",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("minimal page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("query echoed without escaping")
	}
}

func TestResultsPageSecurityHeaders(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	tests := []struct {
		name, path string
		status     int
		// from are the sources the page may load scripts and styles from.
		from string
	}{
		{"in a layout", "/suche?q=hund&site=lingen", http.StatusOK, "'self' https://www.lingen.example"},
		{"without a layout", "/suche?q=hund&site=meppen", http.StatusOK, "'self'"},
		{"error page", "/suche?q=hund&site=lingen&page=0", http.StatusBadRequest, "'self' https://www.lingen.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, base+tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{
				"default-src 'none'", "script-src " + tt.from + ";", "style-src " + tt.from + ";",
				"frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "form-action 'self'",
			} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			for header, want := range map[string]string{
				"X-Frame-Options":           "DENY",
				"Referrer-Policy":           "strict-origin-when-cross-origin",
				"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
				"X-Content-Type-Options":    "nosniff",
			} {
				if got := resp.Header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
			if resp.Header.Get("Permissions-Policy") == "" {
				t.Error("no Permissions-Policy")
			}
		})
	}
}

func TestResultsPagePaging(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	_, body := get(t, base+"/suche?q=geb%C3%BChren&page=2", nil)
	page := string(body)
	for _, want := range []string{
		`<nav class="verbund-search-pages" aria-label="Seiten">`,
		`<a href="/suche?q=geb%C3%BChren" rel="prev">Vorherige Seite</a>`,
		`<strong aria-current="page">2</strong>`,
		`<ol class="verbund-search-hits" start="11">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page 2 lacks %s", want)
		}
	}
}

// TestResultsPageBeyondLastPage asks for a page after the last one, as
// a link to an earlier, longer result gives, and checks that the page
// says so and links the pages there are.
// TestResultsPageFiltersFold checks that the filters fold away behind
// one summary, so keyboard and phone users reach the results first, and
// show open while one of them narrows the results.
func TestResultsPageFiltersFold(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	_, body := get(t, base+"/suche?q=hund&site=lingen", nil)
	if !strings.Contains(string(body), "<details>\n<summary>Ergebnisse eingrenzen</summary>") {
		t.Errorf("filters do not fold:\n%s", body)
	}
	_, body = get(t, base+"/suche?q=hund&site=lingen&category=bauen", nil)
	if !strings.Contains(string(body), "<details open>") {
		t.Errorf("filters fold although one is set:\n%s", body)
	}
}

func TestResultsPageBeyondLastPage(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	_, body := get(t, base+"/suche?q=geb%C3%BChren&page=9", nil)
	page := string(body)
	for _, want := range []string{
		"Seite 9 gibt es für diese Suche nicht",
		`rel="prev">Vorherige Seite</a>`,
		`<a href="/suche?q=geb%C3%BChren">Seite 1</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page 9 lacks %s", want)
		}
	}
	for _, unwanted := range []string{"Seite 9 von", `aria-current="page"`, "page=8"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("page 9 has %s", unwanted)
		}
	}
}

func TestResultsPageErrors(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/suche?q="+strings.Repeat("a", search.MaxQueryBytes+1)+"&site=lingen", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	page := string(body)
	if !strings.Contains(page, `role="alert"`) || !strings.Contains(page, "Hauptnavigation") {
		t.Errorf("error page lacks the alert or the layout: %.300s", page)
	}
}

func TestHTTPServerServes(t *testing.T) {
	s, err := search.NewServer(openTestIndex(t), search.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer(ln.Addr().String())
	if hs.ReadHeaderTimeout == 0 || hs.WriteTimeout == 0 || hs.MaxHeaderBytes == 0 {
		t.Errorf("server without timeouts or header limit: %+v", hs)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	resp, body := get(t, "http://"+ln.Addr().String()+"/api/search?q=reisepass", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Reisepass") {
		t.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	if err := hs.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != http.ErrServerClosed {
		t.Errorf("Serve = %v, want http.ErrServerClosed", err)
	}
}

func TestAPIUnknownPath(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	for _, path := range []string{"/api/anything", "/api/", "/api/search/x"} {
		resp, body := get(t, base+path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
		if !json.Valid(body) {
			t.Errorf("GET %s: body is not JSON: %.200s", path, body)
		}
	}
	resp, err := http.Post(base+"/api/suggest?q=hund", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/suggest: status %d, want 405", resp.StatusCode)
	}
	if allow := resp.Header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("POST /api/suggest: Allow %q lacks GET", allow)
	}
}

func TestSuggestLimitDigitsOnly(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	for _, limit := range []string{"%2B3", "-3", "0", "3x"} {
		if resp, _ := get(t, base+"/api/suggest?q=hund&limit="+limit, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("limit=%s: status %d, want 400", limit, resp.StatusCode)
		}
	}
	if resp, _ := get(t, base+"/api/suggest?q=hund&limit=3", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("limit=3: status %d, want 200", resp.StatusCode)
	}
}

func TestResultsPageErrorMessages(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	cases := []struct {
		query, want string
	}{
		{"q=hund&site=nope", "kennt das Portal nicht"},
		{"q=hund&site=lingen&category=nope", "Diesen Filter gibt es nicht"},
		{"q=hund&site=lingen&page=%2B1", "Diese Ergebnisseite gibt es nicht"},
		{"q=" + strings.Repeat("a", search.MaxQueryBytes+1) + "&site=lingen", "höchstens"},
	}
	for _, c := range cases {
		resp, body := get(t, base+"/suche?"+c.query, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%.60s: status %d, want 400", c.query, resp.StatusCode)
		}
		if !strings.Contains(string(body), c.want) {
			t.Errorf("%.60s: page lacks %q", c.query, c.want)
		}
	}
	_, body := get(t, base+"/suche?q=hund&site=nope", nil)
	if strings.Contains(string(body), "höchstens") {
		t.Error("the message for an unknown portal speaks of the query's length")
	}
}
