package auth

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// healthTimeout bounds the store check of a health request, so a load
// balancer's probe gets an answer before its own timeout, which is
// commonly a few seconds.
const healthTimeout = 2 * time.Second

// healthLog limits the log lines of failed health checks to one a
// minute, because a load balancer probes every few seconds.
type healthLog struct {
	// last is the Unix time in nanoseconds of the last line.
	last atomic.Int64
	// suppressed counts the failures since the last line.
	suppressed atomic.Int64
}

// healthz answers a load balancer: 200 "ok" if the store answers a query
// within healthTimeout, and 503 otherwise.
func (s *Service) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		now := time.Now().UnixNano()
		last := s.health.last.Load()
		if now-last >= int64(time.Minute) && s.health.last.CompareAndSwap(last, now) {
			s.log.Error("health check failed: store unavailable", "backend", s.store.Backend(),
				"err", err, "failures_not_logged", s.health.suppressed.Swap(0))
		} else {
			s.health.suppressed.Add(1)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
