package auth

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// slowWrites is a store whose token and audit writes take as long as a
// sync on a slow disk, so the cost of a known address shows clearly.
type slowWrites struct {
	store.Store
	delay time.Duration
}

func (s slowWrites) CreateToken(ctx context.Context, t *store.Token) error {
	time.Sleep(s.delay)
	return s.Store.CreateToken(ctx, t)
}

func (s slowWrites) AppendAudit(ctx context.Context, e *store.AuditEvent) error {
	time.Sleep(s.delay)
	return s.Store.AppendAudit(ctx, e)
}

func TestResetTimingHidesAccounts(t *testing.T) {
	const delay = 100 * time.Millisecond
	h := newHarness(t, withStore(slowWrites{Store: openTestStore(t), delay: delay}))
	h.register("anna@example.org", testPassword)
	// measure times the request and the next one on the same
	// connection, which a handler still at work would hold up.
	measure := func(email string) time.Duration {
		c := h.client()
		start := time.Now()
		r := h.post(c, "/passwort-vergessen", url.Values{"email": {email}})
		if r.StatusCode != 200 {
			t.Fatalf("reset request for %s: status %d", email, r.StatusCode)
		}
		h.get(c, "/passwort-vergessen")
		return time.Since(start)
	}

	var known, unknown []time.Duration
	for range 9 {
		known = append(known, measure("anna@example.org"))
		unknown = append(unknown, measure("niemand@example.org"))
	}

	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}
	mk, mu := median(known), median(unknown)
	diff := mk - mu
	if diff < 0 {
		diff = -diff
	}

	// A known address costs two slow writes, 2*delay, unless the
	// response leaves before them. The bound leaves room for noise on a
	// shared machine.
	if bound := delay; diff > bound {
		t.Errorf("median reset request time: known %v, unknown %v; difference %v exceeds %v",
			mk, mu, diff, bound)
	}

	// The work after the response still happens.
	h.svc.afterResponse.Wait()
	if m := h.mails("anna@example.org"); len(m) < 9 {
		t.Errorf("%d mails to the known address, want a reset link for each request", len(m))
	}
}
