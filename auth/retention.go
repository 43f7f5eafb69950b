package auth

import (
	"context"
	"fmt"
	"time"
)

// purge removes messages whose retention period ended, receipts past
// the evidence retention, and expired authorization codes and access
// tokens. Run calls it on start and then every PurgeInterval.
func (s *Service) purge(ctx context.Context) error {
	now := s.now()
	msgs, receipts, err := s.store.PurgeMessages(ctx, now)
	if err != nil {
		return err
	}
	codes, err := s.store.PurgeOIDC(ctx, now)
	if err != nil {
		return err
	}
	if msgs > 0 || receipts > 0 {
		s.audit.record(ctx, now, auditEntry{Event: "message.purge", Actor: "retention",
			Result: "ok", Detail: fmt.Sprintf("%d messages, %d receipts removed", msgs, receipts)})
	}
	s.log.Debug("expired data purged", "messages", msgs, "receipts", receipts, "codes_and_tokens", codes)
	return nil
}

// runEvery runs work every interval until ctx ends. A failed run is logged
// with the message failed and tried again at the next tick.
func (s *Service) runEvery(ctx context.Context, interval time.Duration, failed string, work func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := work(ctx); err != nil && ctx.Err() == nil {
				s.log.Error(failed, "err", err)
			}
		}
	}
}
