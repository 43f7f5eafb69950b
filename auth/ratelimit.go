package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateClass names a group of routes that share a per-IP budget.
type rateClass string

const (
	rateLogin    rateClass = "login"
	rateRegister rateClass = "register"
	rateReset    rateClass = "reset"
	rateCode     rateClass = "code"
	rateMail     rateClass = "mail"
)

// rateBudget is a token bucket: burst requests at once, then one every
// interval.
type rateBudget struct {
	burst    int
	interval time.Duration
}

// defaultBudgets are per client address. They let a household behind one
// address log in several times but stop scripted guessing and mail
// flooding.
var defaultBudgets = map[rateClass]rateBudget{
	rateLogin:    {burst: 10, interval: 6 * time.Second},
	rateRegister: {burst: 5, interval: time.Minute},
	rateReset:    {burst: 5, interval: time.Minute},
	rateCode:     {burst: 10, interval: 6 * time.Second},
	rateMail:     {burst: 5, interval: 2 * time.Minute},
}

// maxLimiterKeys bounds the limiter's memory; past it, idle entries go.
const maxLimiterKeys = 50000

// limiter keeps token buckets per class and key (a client address or an
// e-mail address) in memory.
//
// NOTE: with several replicas each keeps its own buckets, so the budget
// per address grows with the replica count. Per-account lockouts live in
// the store and hold across replicas.
type limiter struct {
	mu      sync.Mutex
	budgets map[rateClass]rateBudget
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newLimiter(budgets map[rateClass]rateBudget) *limiter {
	return &limiter{budgets: budgets, buckets: map[string]*bucket{}}
}

// allow takes one token for key in class at time now.
func (l *limiter) allow(class rateClass, key string, now time.Time) bool {
	b := l.budgets[class]
	l.mu.Lock()
	defer l.mu.Unlock()
	k := string(class) + "\x00" + key
	e, ok := l.buckets[k]
	if !ok {
		if len(l.buckets) >= maxLimiterKeys {
			l.prune(now)
		}
		e = &bucket{lim: rate.NewLimiter(rate.Every(b.interval), b.burst)}
		l.buckets[k] = e
	}
	e.last = now
	return e.lim.AllowN(now, 1)
}

// prune drops buckets idle long enough to have refilled completely.
func (l *limiter) prune(now time.Time) {
	for k, e := range l.buckets {
		if now.Sub(e.last) > time.Hour {
			delete(l.buckets, k)
		}
	}
}
