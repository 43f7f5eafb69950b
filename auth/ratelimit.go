package auth

import (
	"container/list"
	"net/netip"
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
	// rateSenderAudit bounds the audit entries of rejected sender API
	// requests, so a flood of bad credentials cannot fill the audit log.
	rateSenderAudit rateClass = "sender-audit"
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
	// A misconfigured administration retries a few times a minute, and
	// a prober is audited at up to 1,200 requests an hour per address.
	rateSenderAudit: {burst: 20, interval: 3 * time.Second},
}

// maxLimiterKeys bounds the limiter's memory. Beyond it, the least
// recently used bucket is dropped.
const maxLimiterKeys = 50000

// idleBucket is how long a bucket must go unused before the limiter may
// drop it early. Every budget refills completely in less time, so such a
// bucket is as full as a new one.
const idleBucket = time.Hour

// limiter keeps token buckets per class and key (a client address or an
// e-mail address) in memory, at most maxKeys of them. The buckets form a
// list from least to most recently used, so finding the one to drop
// takes constant time and the work per request stays the same however
// many keys an attacker spreads over.
//
// NOTE: with several replicas each keeps its own buckets, so the budget
// per address grows with the replica count. Per-account lockouts live in
// the store and hold across replicas.
//
// NOTE: an attacker with more than maxKeys client addresses or /64
// networks can push a bucket out before it refills and so start it
// afresh. The per-account lockout still bounds password guesses then.
type limiter struct {
	mu      sync.Mutex
	budgets map[rateClass]rateBudget
	maxKeys int
	buckets map[string]*list.Element
	// recent holds *bucket values, least recently used first.
	recent *list.List
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	last time.Time
}

func newLimiter(budgets map[rateClass]rateBudget) *limiter {
	return &limiter{budgets: budgets, maxKeys: maxLimiterKeys,
		buckets: map[string]*list.Element{}, recent: list.New()}
}

// allow takes one token for key in class at time now.
func (l *limiter) allow(class rateClass, key string, now time.Time) bool {
	b := l.budgets[class]
	k := string(class) + "\x00" + key
	l.mu.Lock()
	defer l.mu.Unlock()

	el, ok := l.buckets[k]
	if ok {
		l.recent.MoveToBack(el)
	} else {
		l.makeRoom(now)
		e := &bucket{key: k, lim: rate.NewLimiter(rate.Every(b.interval), b.burst)}
		el = l.recent.PushBack(e)
		l.buckets[k] = el
	}
	e := el.Value.(*bucket)
	e.last = now
	return e.lim.AllowN(now, 1)
}

// makeRoom drops a few buckets idle for longer than idleBucket, and the
// least recently used one if the limiter is still full. It looks at a
// bounded number of buckets, so a new key costs constant time.
func (l *limiter) makeRoom(now time.Time) {
	for range 4 {
		front := l.recent.Front()
		if front == nil || now.Sub(front.Value.(*bucket).last) <= idleBucket {
			break
		}
		l.remove(front)
	}
	if l.recent.Len() >= l.maxKeys {
		l.remove(l.recent.Front())
	}
}

func (l *limiter) remove(el *list.Element) {
	delete(l.buckets, el.Value.(*bucket).key)
	l.recent.Remove(el)
}

// rateKey returns the rate-limit key of a client address: an IPv4
// address as is, an IPv6 address as its /64 network, because one
// subscriber usually gets a whole /64 and could otherwise pick a new
// address for every request. A value that is no IP address is returned
// unchanged.
func rateKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr, 64).Masked().String()
}

// allowClient takes one token in class for the client address ip.
func (l *limiter) allowClient(class rateClass, ip string, now time.Time) bool {
	return l.allow(class, rateKey(ip), now)
}
