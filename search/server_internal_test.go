package search

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestServerOverloaded takes every concurrency slot and checks that the
// next search gets 503 at once.
func TestServerOverloaded(t *testing.T) {
	dir := t.TempDir()
	if err := Build(context.Background(), dir, testCorpus()); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s, err := NewServer(ix, Config{MaxConcurrent: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.slots <- struct{}{}
	s.slots <- struct{}{}
	for _, path := range []string{"/api/search?q=hund", "/api/suggest?q=hu", "/suche?q=hund"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s with all slots taken: status %d, want 503", path, rec.Code)
		}
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", path)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("healthz while overloaded: status %d, want 200", rec.Code)
	}

	<-s.slots
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=hund", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("with a free slot: status %d, want 200", rec.Code)
	}
}
