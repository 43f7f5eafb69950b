package auth

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// healthTimeout bounds the store check of a health request, so a load
// balancer's probe gets a response before its own timeout, which is
// commonly a few seconds.
const healthTimeout = 2 * time.Second

// repeatLog limits a repeating log line to one a minute and counts the
// repeats in between, for events that a client can trigger at will.
type repeatLog struct {
	// last is the Unix time in nanoseconds of the last line.
	last atomic.Int64
	// suppressed counts the events since the last line.
	suppressed atomic.Int64
}

// due reports whether the event at now may be logged, and if so how many
// events went unlogged since the last line.
func (l *repeatLog) due(now time.Time) (bool, int64) {
	last := l.last.Load()
	if now.UnixNano()-last >= int64(time.Minute) && l.last.CompareAndSwap(last, now.UnixNano()) {
		return true, l.suppressed.Swap(0)
	}
	l.suppressed.Add(1)
	return false, 0
}

// healthz serves load balancers: 200 "ok" if the store runs a query
// within healthTimeout, and 503 otherwise.
func (s *Service) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		if ok, skipped := s.healthLog.due(time.Now()); ok {
			s.log.Error("health check failed: store unavailable", "backend", s.store.Backend(),
				"err", err, "failures_not_logged", skipped)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
