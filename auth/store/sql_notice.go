package store

import (
	"context"
	"fmt"
	"time"
)

func (s *sqlStore) DueNotices(ctx context.Context, now time.Time, limit int) ([]Receipt, error) {
	rows, err := s.query(ctx, `SELECT `+receiptColumns+` FROM message_receipts
		WHERE notice = ? AND notice_next_at <= ? ORDER BY notice_next_at LIMIT ?`,
		NoticePending, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("listing due notices: %w", err)
	}
	return collectReceipts(rows)
}

func (s *sqlStore) ClaimNotice(ctx context.Context, messageID string, seen, next time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE message_receipts SET notice_next_at = ?
		WHERE message_id = ? AND notice = ? AND notice_next_at = ?`,
		micros(next), messageID, NoticePending, micros(seen))
	if err != nil {
		return false, fmt.Errorf("claiming notice: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claiming notice: %w", err)
	}
	return n == 1, nil
}

func (s *sqlStore) SetNotice(ctx context.Context, messageID, notice string, attempts int, next time.Time) error {
	return s.execOne(ctx, "recording notice", `UPDATE message_receipts
		SET notice = ?, notice_attempts = ?, notice_next_at = ? WHERE message_id = ?`,
		notice, attempts, micros(next), messageID)
}
