package auth

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
)

// hangingStore is a store whose Ping waits until its context ends, like
// a database that accepts connections but never returns a result.
type hangingStore struct {
	store.Store
	hang atomic.Bool
}

func (s *hangingStore) Ping(ctx context.Context) error {
	if !s.hang.Load() {
		return s.Store.Ping(ctx)
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestHealthzReportsStore(t *testing.T) {
	st := &hangingStore{Store: storetest.OpenSQLite(t)}
	h := newHarness(t, withStore(st))
	r := h.get(h.client(), "/healthz")
	if r.StatusCode != http.StatusOK || strings.TrimSpace(r.body) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", r.StatusCode, r.body)
	}

	st.hang.Store(true)
	start := time.Now()
	r = h.get(h.client(), "/healthz")
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz with a hanging store = %d, want 503", r.StatusCode)
	}
	if d := time.Since(start); d > healthTimeout+time.Second {
		t.Errorf("GET /healthz took %v, want at most about %v", d, healthTimeout)
	}
	if !strings.Contains(h.logs.String(), "health check failed") {
		t.Errorf("failed health check not logged:\n%s", h.logs)
	}
}
