package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Run serves the account service until ctx is cancelled, then shuts down
// gracefully. The citizens' handler listens on Options.Addr and, if set,
// the admin API on Options.AdminAddr and the sender API on
// Options.SenderAddr. Expired messages are purged on start and then every
// Options.PurgeInterval, and failed notice e-mails are retried every
// Options.NoticeInterval.
//
// NOTE: Run speaks plain HTTP. Outside insecure mode it expects a reverse
// proxy in front that terminates TLS for the account URL.
func Run(ctx context.Context, opts Options) error {
	s, err := New(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.opts.Addr == "" {
		return errors.New("no listen address: set Addr or the [account] addr of sites.toml")
	}

	// Expired messages go before the first request is served, so a
	// service that was down past a retention period shows none.
	if err := s.purge(ctx); err != nil {
		return fmt.Errorf("purging expired messages on start: %w", err)
	}
	purgeCtx, stopPurge := context.WithCancel(ctx)
	defer stopPurge()
	go s.runEvery(purgeCtx, s.opts.PurgeInterval, "purging expired messages failed", s.purge)
	go s.runEvery(purgeCtx, s.opts.NoticeInterval, "retrying message notices failed", s.retryNotices)

	servers := []*http.Server{newServer(s.opts.Addr, s.Handler())}
	if s.opts.AdminAddr != "" {
		servers = append(servers, newServer(s.opts.AdminAddr, s.AdminHandler()))
	}
	if s.opts.SenderAddr != "" {
		servers = append(servers, newServer(s.opts.SenderAddr, s.SenderHandler()))
	}
	errc := make(chan error, len(servers))
	for _, srv := range servers {
		ln, err := net.Listen("tcp", srv.Addr)
		if err != nil {
			shutdown(servers, s)
			return fmt.Errorf("listening on %s: %w", srv.Addr, err)
		}
		s.log.Info("account service listening", "addr", ln.Addr().String(), "api", listenerName(s, srv),
			"origin", s.origin, "backend", s.store.Backend(), "insecure", s.opts.Insecure,
			"production", s.opts.Production)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serving %s: %w", srv.Addr, err)
			}
		}()
	}

	select {
	case <-ctx.Done():
		s.log.Info("account service stopping")
		shutdown(servers, s)
		return nil
	case err := <-errc:
		shutdown(servers, s)
		return err
	}
}

func newServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
}

func shutdown(servers []*http.Server, s *Service) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			s.log.Error("shutting down listener failed", "addr", srv.Addr, "err", err)
		}
	}
}

// listenerName names what a server of Run serves, for the logs.
func listenerName(s *Service, srv *http.Server) string {
	switch srv.Addr {
	case s.opts.AdminAddr:
		return "admin"
	case s.opts.SenderAddr:
		return "sender"
	}
	return "citizens"
}
