package search_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/verbund/verbund/search"
)

// faviconResponse returns the endpoint's response to GET /favicon.ico
// for the index ix, without following a redirect.
func faviconResponse(t *testing.T, ix *search.Index, method string) *httptest.ResponseRecorder {
	t.Helper()
	s, err := search.NewServer(ix, search.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(method, "/favicon.ico", nil))
	return rec
}

func TestFaviconRedirectsToCounty(t *testing.T) {
	ix := openTestIndex(t)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := faviconResponse(t, ix, method)
		if rec.Code != http.StatusFound {
			t.Errorf("%s /favicon.ico: status %d, want 302", method, rec.Code)
		}
		if got, want := rec.Header().Get("Location"), "https://www.emsland.example/favicon.ico"; got != want {
			t.Errorf("%s /favicon.ico: Location %q, want %q", method, got, want)
		}
		if got := rec.Header().Get("Cache-Control"); !strings.HasPrefix(got, "public, max-age=") {
			t.Errorf("%s /favicon.ico: Cache-Control %q, want a public max-age", method, got)
		}
	}
}

func TestFaviconChoosesPortal(t *testing.T) {
	tests := []struct {
		name string
		// kinds sets the kind of sites by ID.
		kinds map[string]string
		want  string
	}{
		{"county listed later", map[string]string{"emsland": "gemeinde", "soegel": "kreis"},
			"https://www.soegel.example/favicon.ico"},
		{"no county", map[string]string{"emsland": "gemeinde"}, "https://www.emsland.example/favicon.ico"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readTestCorpus(t)
			for i := range c.Sites {
				if kind, ok := tt.kinds[c.Sites[i].ID]; ok {
					c.Sites[i].Kind = kind
				}
			}
			rec := faviconResponse(t, openCorpusIndex(t, c), http.MethodGet)
			if got := rec.Header().Get("Location"); rec.Code != http.StatusFound || got != tt.want {
				t.Errorf("status %d, Location %q; want 302 to %q", rec.Code, got, tt.want)
			}
		})
	}
}

// TestResultsPageIcon checks that a results page in a portal's layout
// links the portal's icon, and that the policy of every results page
// allows the icons that it links or that /favicon.ico leads to.
func TestResultsPageIcon(t *testing.T) {
	base, _ := startServer(t, search.Config{})
	resp, body := get(t, base+"/suche?q=hund&site=lingen", nil)
	link := `<link rel="icon" href="https://www.lingen.example/assets/icon.svg" type="image/svg+xml">`
	if !strings.Contains(string(body), link) {
		t.Errorf("the page in the layout of lingen lacks %s", link)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if want := "img-src 'self' https://www.lingen.example https://www.emsland.example data:;"; !strings.Contains(csp, want) {
		t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
	}

	resp, _ = get(t, base+"/suche?q=hund", nil)
	csp = resp.Header.Get("Content-Security-Policy")
	if want := "img-src 'self' https://www.emsland.example data:;"; !strings.Contains(csp, want) {
		t.Errorf("without a layout: Content-Security-Policy %q lacks %q", csp, want)
	}
}
