package search_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/verbund/verbund/search"
)

// FuzzQuery feeds arbitrary text to the query handling, directly and
// through the HTTP endpoints. A search must return a result or a
// *search.QueryError, and an endpoint a 200 or a 400 with a valid body,
// never a panic or a server error. Run it for at most a minute:
//
//	go test -run '^$' -fuzz FuzzQuery -fuzztime 60s ./search/
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"hund", "perso verloren", "kind reisepass", "fuehrerschein", "*", "/.*/",
		"a~2 b~2 c~2", `title:hund^5 +"steuer"`, "\xff\xfe", "hund\x00", "🐕‍🦺 Straße",
		"ẞ", "ae oe ue", "Kinderreisepassverlängerungsantrag", "und oder die",
	} {
		f.Add(seed, "lingen", 1)
	}
	ix, err := search.Open(buildTestIndex(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	s, err := search.NewServer(ix, search.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()

	f.Fuzz(func(t *testing.T, q, site string, page int) {
		res, err := ix.Search(context.Background(), search.Request{Query: q, Site: site, Page: page})
		var qe *search.QueryError
		switch {
		case err != nil && !errors.As(err, &qe):
			t.Fatalf("Search(%q, %q, %d): %v", q, site, page, err)
		case err == nil:
			for _, hit := range res.Hits {
				if !utf8.ValidString(hit.Snippet) || !utf8.ValidString(hit.Title) {
					t.Fatalf("Search(%q): invalid UTF-8 in %+v", q, hit)
				}
			}
		}
		if _, err := ix.Suggest(context.Background(), q, 5); err != nil && !errors.As(err, &qe) {
			t.Fatalf("Suggest(%q): %v", q, err)
		}

		params := url.Values{"q": {q}, "site": {site}}
		for _, path := range []string{"/api/search", "/api/suggest", "/suche"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?"+params.Encode(), nil))
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestURITooLong {
				t.Fatalf("%s?q=%q: status %d: %s", path, q, rec.Code, rec.Body)
			}
			if path != "/suche" && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s?q=%q: invalid JSON %s", path, q, rec.Body)
			}
			if !utf8.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s?q=%q: body is not valid UTF-8", path, q)
			}
		}
	})
}
