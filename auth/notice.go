package auth

import (
	"context"
	"errors"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// Retries of the notice e-mail of a new message.
const (
	// maxNoticeAttempts bounds the attempts per notice. With the delays
	// of noticeDelay, the last one comes about four hours after the
	// message was sent.
	maxNoticeAttempts = 10
	noticeFirstDelay  = time.Minute
	noticeMaxDelay    = time.Hour
	// noticeBatch bounds the notices one retry round sends.
	noticeBatch = 100
)

// noticeDelay is the wait after a notice's attempts-th failed attempt:
// one minute, doubling up to an hour.
func noticeDelay(attempts int) time.Duration {
	d := noticeFirstDelay
	for i := 1; i < attempts && d < noticeMaxDelay; i++ {
		d *= 2
	}
	return min(d, noticeMaxDelay)
}

// deliverNotice makes one attempt to send the notice of rc's message and
// records the outcome in the store and in rc. A failed attempt stays
// pending until maxNoticeAttempts, then the notice is marked failed.
func (s *Service) deliverNotice(ctx context.Context, rc *store.Receipt) {
	attempts := rc.NoticeAttempts + 1
	state, err := s.notifyNewMessage(ctx, rc)
	var next time.Time
	switch {
	case err == nil:
	case attempts >= maxNoticeAttempts:
		state = store.NoticeFailed
		s.log.Error("sending message notice failed for the last time", "message", rc.MessageID,
			"account", rc.AccountID, "attempts", attempts, "err", err)
	default:
		state = store.NoticePending
		next = s.now().Add(noticeDelay(attempts))
		s.log.Warn("sending message notice failed, retry scheduled", "message", rc.MessageID,
			"account", rc.AccountID, "attempts", attempts, "retry_at", next, "err", err)
	}
	rc.Notice, rc.NoticeAttempts, rc.NoticeNextAt = state, attempts, next
	// The outcome is recorded even if the request that sent the message
	// has ended, so a sent notice is not sent again.
	err = s.store.SetNotice(context.WithoutCancel(ctx), rc.MessageID, state, attempts, next)
	if err != nil {
		s.log.Error("recording message notice failed", "message", rc.MessageID, "notice", state, "err", err)
	}
}

// notifyNewMessage sends the notice of rc's message and returns
// NoticeSent, or NoticeSkipped for a deleted or disabled account and for
// a message that was read or removed. The e-mail names
// the sender and links to the mailbox, nothing more: no subject, no
// content and no link that would open the message.
func (s *Service) notifyNewMessage(ctx context.Context, rc *store.Receipt) (string, error) {
	if rc.AccountID == "" || !rc.ReadAt.IsZero() || !rc.DeletedAt.IsZero() {
		return store.NoticeSkipped, nil
	}
	acc, err := s.store.AccountByID(ctx, rc.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return store.NoticeSkipped, nil
	}
	if err != nil {
		return "", err
	}
	if !acc.DisabledAt.IsZero() {
		return store.NoticeSkipped, nil
	}
	err = s.sendMail(ctx, Message{To: acc.Email, Subject: "Neue Nachricht in Ihrem Bürgerkonto",
		Body: mailNewMessage(s.cfg.Name, s.senderName(rc.Site), s.link("/postfach", nil))})
	if err != nil {
		return "", err
	}
	return store.NoticeSent, nil
}

// retryNotices sends the pending notices that are due. Each is claimed
// first, by moving its next attempt ahead, so that of several replicas
// only one sends it, and a replica that stops during the attempt leaves
// it for a later round.
func (s *Service) retryNotices(ctx context.Context) error {
	now := s.now()
	due, err := s.store.DueNotices(ctx, now, noticeBatch)
	if err != nil {
		return err
	}
	for i := range due {
		rc := &due[i]
		lease := now.Add(noticeDelay(rc.NoticeAttempts + 1))
		claimed, err := s.store.ClaimNotice(ctx, rc.MessageID, rc.NoticeNextAt, lease)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		rc.NoticeNextAt = lease
		s.deliverNotice(ctx, rc)
	}
	return nil
}
