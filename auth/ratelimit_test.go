package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRateKey(t *testing.T) {
	cases := map[string]string{
		"192.0.2.7":                "192.0.2.7",
		"::ffff:192.0.2.7":         "192.0.2.7",
		"2001:db8:1:2::1":          "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9":     "2001:db8:1:2::/64",
		"2001:db8:1:3::1":          "2001:db8:1:3::/64",
		"fe80::1%eth0":             "fe80::/64",
		"not an address":           "not an address",
		"2001:db8:1:2:aaaa:bbbb::": "2001:db8:1:2::/64",
	}
	for ip, want := range cases {
		if got := rateKey(ip); got != want {
			t.Errorf("rateKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

// TestRateLimitPerIPv6Network sends logins from ever new addresses of
// one /64, which must share one budget.
func TestRateLimitPerIPv6Network(t *testing.T) {
	h := newHarness(t, withRateLimits(), withOptions(func(o *Options) {
		o.ClientIPHeader = "X-Forwarded-For"
	}))
	form := url.Values{"email": {"a@example.org"}, "password": {"x"}}
	send := func(ip string) int {
		req, _ := http.NewRequest("POST", h.base+"/anmelden", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", h.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", ip)
		return h.do(h.client(), req).StatusCode
	}

	burst := defaultBudgets[rateLogin].burst
	for i := range burst {
		if status := send(fmt.Sprintf("2001:db8:7:7::%x", i+1)); status == http.StatusTooManyRequests {
			t.Fatalf("request %d of a burst of %d got 429", i+1, burst)
		}
	}
	if status := send("2001:db8:7:7:abcd::1"); status != http.StatusTooManyRequests {
		t.Errorf("request from the same /64 after the burst: status %d, want 429", status)
	}
	if status := send("2001:db8:7:8::1"); status == http.StatusTooManyRequests {
		t.Error("request from the neighbouring /64 got 429")
	}
}

func TestLimiterBoundsKeys(t *testing.T) {
	l := newLimiter(defaultBudgets)
	l.maxKeys = 100
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

	// A spread attack: every request from a new address, none of them
	// idle long enough to be dropped as refilled.
	for i := range 1000 {
		l.allowClient(rateLogin, fmt.Sprintf("198.51.%d.%d", i/256, i%256), now)
		if n := l.size(); n > l.maxKeys {
			t.Fatalf("after %d keys the limiter holds %d buckets, more than %d", i+1, n, l.maxKeys)
		}
	}

	// The most recently used bucket survives the attack.
	victim := "192.0.2.1"
	for range defaultBudgets[rateLogin].burst {
		l.allowClient(rateLogin, victim, now)
	}
	for i := range l.maxKeys - 1 {
		l.allowClient(rateLogin, fmt.Sprintf("203.0.113.%d", i), now)
	}
	if l.allowClient(rateLogin, victim, now) {
		t.Error("a bucket used within the last maxKeys-1 new keys was dropped")
	}
}

func TestLimiterDropsIdleBuckets(t *testing.T) {
	l := newLimiter(defaultBudgets)
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	for i := range 8 {
		l.allowClient(rateLogin, fmt.Sprintf("198.51.100.%d", i), now)
	}
	later := now.Add(idleBucket + time.Second)
	for i := range 8 {
		l.allowClient(rateLogin, fmt.Sprintf("203.0.113.%d", i), later)
	}
	if n := l.size(); n != 8 {
		t.Errorf("limiter holds %d buckets, want the 8 recent ones", n)
	}
}

// size returns the number of buckets held.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
