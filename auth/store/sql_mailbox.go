package store

import (
	"context"
	"fmt"
	"time"
)

const credentialColumns = `id, site, name, secret_hash, created_at, revoked_at`

func scanCredential(row interface{ Scan(...any) error }) (*Credential, error) {
	var c Credential
	var created, revoked int64
	if err := row.Scan(&c.ID, &c.Site, &c.Name, &c.SecretHash, &created, &revoked); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	c.RevokedAt = fromMicros(revoked)
	return &c, nil
}

func (s *sqlStore) CreateCredential(ctx context.Context, c *Credential) error {
	return s.execOne(ctx, "creating sender credential",
		`INSERT INTO sender_credentials (`+credentialColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.Site, c.Name, c.SecretHash, micros(c.CreatedAt), micros(c.RevokedAt))
}

func (s *sqlStore) CredentialByID(ctx context.Context, id string) (*Credential, error) {
	c, err := scanCredential(s.queryRow(ctx,
		`SELECT `+credentialColumns+` FROM sender_credentials WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("reading sender credential", err)
	}
	return c, nil
}

func (s *sqlStore) ListCredentials(ctx context.Context, site string) ([]Credential, error) {
	rows, err := s.query(ctx, `SELECT `+credentialColumns+
		` FROM sender_credentials WHERE ? = '' OR site = ? ORDER BY site, created_at, id`,
		site, site)
	if err != nil {
		return nil, fmt.Errorf("listing sender credentials: %w", err)
	}
	defer rows.Close()
	var out []Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, fmt.Errorf("listing sender credentials: %w", err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing sender credentials: %w", err)
	}
	return out, nil
}

func (s *sqlStore) RevokeCredential(ctx context.Context, id string, at time.Time) error {
	return s.execOne(ctx, "revoking sender credential",
		`UPDATE sender_credentials SET revoked_at = ? WHERE id = ? AND revoked_at = 0`,
		micros(at), id)
}

const receiptColumns = `message_id, site, account_id, recipient, idempotency_key, sent_at,
	read_at, deleted_at, deleted_by, keep_until, notice, notice_attempts, notice_next_at`

func scanReceipt(row interface{ Scan(...any) error }) (*Receipt, error) {
	var r Receipt
	var sent, read, deleted, keep, next int64
	err := row.Scan(&r.MessageID, &r.Site, &r.AccountID, &r.Recipient, &r.IdempotencyKey,
		&sent, &read, &deleted, &r.DeletedBy, &keep, &r.Notice, &r.NoticeAttempts, &next)
	if err != nil {
		return nil, err
	}
	r.SentAt = fromMicros(sent)
	r.ReadAt = fromMicros(read)
	r.DeletedAt = fromMicros(deleted)
	r.KeepUntil = fromMicros(keep)
	r.NoticeNextAt = fromMicros(next)
	return &r, nil
}

func (s *sqlStore) CreateMessage(ctx context.Context, m *Message, atts []Attachment, r *Receipt) error {
	return s.inTx(ctx, "storing message", func(tx *txRunner) error {
		// The receipt goes first: its unique idempotency key turns a
		// repeated request into ErrConflict before anything is written.
		err := tx.exec(`INSERT INTO message_receipts (`+receiptColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.MessageID, r.Site, r.AccountID, r.Recipient, r.IdempotencyKey, micros(r.SentAt),
			micros(r.ReadAt), micros(r.DeletedAt), r.DeletedBy, micros(r.KeepUntil),
			r.Notice, r.NoticeAttempts, micros(r.NoticeNextAt))
		if err != nil {
			return err
		}
		err = tx.exec(`INSERT INTO messages (id, site, account_id, subject, body, min_level,
			reply_by, attachment_count, created_at, expires_at, read_at, archived_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Site, m.AccountID, m.Subject, m.Body, m.MinLevel, micros(m.ReplyBy),
			len(atts), micros(m.CreatedAt), micros(m.ExpiresAt), micros(m.ReadAt),
			micros(m.ArchivedAt))
		if err != nil {
			return err
		}
		for _, a := range atts {
			err := tx.exec(`INSERT INTO attachments (message_id, seq, name, content_type, size, data)
				VALUES (?, ?, ?, ?, ?, ?)`, m.ID, a.Seq, a.Name, a.ContentType, a.Size, a.Data)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqlStore) ReceiptByKey(ctx context.Context, site, key string) (*Receipt, error) {
	r, err := scanReceipt(s.queryRow(ctx, `SELECT `+receiptColumns+
		` FROM message_receipts WHERE site = ? AND idempotency_key = ? AND idempotency_key <> ''`,
		site, key))
	if err != nil {
		return nil, notFound("reading receipt", err)
	}
	return r, nil
}

const messageListColumns = `id, site, account_id, subject, min_level, reply_by,
	attachment_count, created_at, expires_at, read_at, archived_at`

// messageScanner reads rows of messageListColumns, followed by the body
// if it was made with withBody. Its scan destinations are allocated once
// and not for every row.
type messageScanner struct {
	m                                         Message
	replyBy, created, expires, read, archived int64
	dest                                      []any
}

func newMessageScanner(withBody bool) *messageScanner {
	sc := &messageScanner{}
	m := &sc.m
	sc.dest = []any{&m.ID, &m.Site, &m.AccountID, &m.Subject, &m.MinLevel, &sc.replyBy,
		&m.AttachmentCount, &sc.created, &sc.expires, &sc.read, &sc.archived}
	if withBody {
		sc.dest = append(sc.dest, &m.Body)
	}
	return sc
}

func (sc *messageScanner) scan(row interface{ Scan(...any) error }) (Message, error) {
	if err := row.Scan(sc.dest...); err != nil {
		return Message{}, err
	}
	m := sc.m
	m.ReplyBy = fromMicros(sc.replyBy)
	m.CreatedAt = fromMicros(sc.created)
	m.ExpiresAt = fromMicros(sc.expires)
	m.ReadAt = fromMicros(sc.read)
	m.ArchivedAt = fromMicros(sc.archived)
	return m, nil
}

// maxListCapacity bounds the slice ListMessages allocates up front, so
// a large limit does not reserve memory for messages that may not exist.
const maxListCapacity = 100

func (s *sqlStore) ListMessages(ctx context.Context, f MailboxFilter) ([]Message, error) {
	archived := `archived_at = 0`
	if f.Archived {
		archived = `archived_at <> 0`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+messageListColumns+
		` FROM messages WHERE account_id = ? AND expires_at > ? AND `+archived+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		f.AccountID, micros(f.Now), limit, max(f.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	defer rows.Close()
	// The slice is sized for a full page, so a page costs one allocation
	// for its messages rather than several for growing the slice.
	out := make([]Message, 0, min(limit, maxListCapacity))
	sc := newMessageScanner(false)
	for rows.Next() {
		m, err := sc.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("listing messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	return out, nil
}

func (s *sqlStore) CountUnread(ctx context.Context, accountID string, now time.Time) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM messages
		WHERE account_id = ? AND expires_at > ? AND read_at = 0 AND archived_at = 0`,
		accountID, micros(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting unread messages: %w", err)
	}
	return n, nil
}

func (s *sqlStore) MessageForAccount(ctx context.Context, accountID, id string, now time.Time) (*Message, error) {
	m, err := newMessageScanner(true).scan(s.queryRow(ctx, `SELECT `+messageListColumns+
		`, body FROM messages WHERE id = ? AND account_id = ? AND expires_at > ?`,
		id, accountID, micros(now)))
	if err != nil {
		return nil, notFound("reading message", err)
	}
	return &m, nil
}

func (s *sqlStore) ListAttachments(ctx context.Context, messageID string) ([]Attachment, error) {
	rows, err := s.query(ctx, `SELECT message_id, seq, name, content_type,
		size FROM attachments WHERE message_id = ? ORDER BY seq`, messageID)
	if err != nil {
		return nil, fmt.Errorf("listing attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.MessageID, &a.Seq, &a.Name, &a.ContentType, &a.Size); err != nil {
			return nil, fmt.Errorf("listing attachments: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing attachments: %w", err)
	}
	return out, nil
}

func (s *sqlStore) AttachmentForAccount(ctx context.Context, accountID, messageID string, seq int, now time.Time) (*Attachment, *Message, error) {
	m, err := s.MessageForAccount(ctx, accountID, messageID, now)
	if err != nil {
		return nil, nil, err
	}
	var a Attachment
	err = s.queryRow(ctx, `SELECT message_id, seq, name, content_type, size, data
		FROM attachments WHERE message_id = ? AND seq = ?`, messageID, seq).
		Scan(&a.MessageID, &a.Seq, &a.Name, &a.ContentType, &a.Size, &a.Data)
	if err != nil {
		return nil, nil, notFound("reading attachment", err)
	}
	return &a, m, nil
}

func (s *sqlStore) MarkRead(ctx context.Context, accountID, id string, at time.Time) error {
	return s.inTx(ctx, "marking message read", func(tx *txRunner) error {
		var read int64
		err := tx.queryRow(`SELECT read_at FROM messages
			WHERE id = ? AND account_id = ? AND expires_at > ?`, id, accountID, micros(at)).Scan(&read)
		if err != nil {
			return notFound("reading message", err)
		}
		if read != 0 {
			return nil
		}
		if err := tx.exec(`UPDATE messages SET read_at = ? WHERE id = ?`, micros(at), id); err != nil {
			return err
		}
		return tx.exec(`UPDATE message_receipts SET read_at = ? WHERE message_id = ? AND read_at = 0`,
			micros(at), id)
	})
}

func (s *sqlStore) SetArchived(ctx context.Context, accountID, id string, at time.Time) error {
	return s.execOne(ctx, "archiving message",
		`UPDATE messages SET archived_at = ? WHERE id = ? AND account_id = ?`,
		micros(at), id, accountID)
}

func (s *sqlStore) DeleteMessage(ctx context.Context, accountID, id string, at time.Time) error {
	return s.inTx(ctx, "deleting message", func(tx *txRunner) error {
		err := tx.exec(`DELETE FROM attachments WHERE message_id IN
			(SELECT id FROM messages WHERE id = ? AND account_id = ?)`, id, accountID)
		if err != nil {
			return err
		}
		if err := tx.execOne(`DELETE FROM messages WHERE id = ? AND account_id = ?`,
			id, accountID); err != nil {
			return err
		}
		return tx.exec(`UPDATE message_receipts SET deleted_at = ?, deleted_by = ?
			WHERE message_id = ? AND deleted_at = 0`, micros(at), DeletedByCitizen, id)
	})
}

func (s *sqlStore) ReceiptForSite(ctx context.Context, site, messageID string) (*Receipt, error) {
	r, err := scanReceipt(s.queryRow(ctx, `SELECT `+receiptColumns+
		` FROM message_receipts WHERE message_id = ? AND site = ?`, messageID, site))
	if err != nil {
		return nil, notFound("reading receipt", err)
	}
	return r, nil
}

func (s *sqlStore) ListReceipts(ctx context.Context, site string, beforeTime time.Time, beforeID string, limit int) ([]Receipt, error) {
	if limit <= 0 {
		limit = 100
	}
	cutoff := micros(beforeTime)
	if beforeTime.IsZero() {
		cutoff = 1<<63 - 1
	}
	// Receipts sent in the same microsecond are ordered by ID, so the
	// position (time, ID) of the previous page's last receipt is exact.
	rows, err := s.query(ctx, `SELECT `+receiptColumns+
		` FROM message_receipts WHERE site = ? AND (sent_at < ? OR (sent_at = ? AND message_id < ?))
		ORDER BY sent_at DESC, message_id DESC LIMIT ?`, site, cutoff, cutoff, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing receipts: %w", err)
	}
	return collectReceipts(rows)
}

func (s *sqlStore) ListAccountReceipts(ctx context.Context, accountID string) ([]Receipt, error) {
	rows, err := s.query(ctx, `SELECT `+receiptColumns+
		` FROM message_receipts WHERE account_id = ? ORDER BY sent_at, message_id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("listing receipts: %w", err)
	}
	return collectReceipts(rows)
}

func collectReceipts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]Receipt, error) {
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, fmt.Errorf("listing receipts: %w", err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing receipts: %w", err)
	}
	return out, nil
}

func (s *sqlStore) RecallMessage(ctx context.Context, site, messageID string, at time.Time) (*Receipt, error) {
	var out *Receipt
	err := s.inTx(ctx, "recalling message", func(tx *txRunner) error {
		r, err := scanReceipt(tx.queryRow(`SELECT `+receiptColumns+
			` FROM message_receipts WHERE message_id = ? AND site = ?`, messageID, site))
		if err != nil {
			return notFound("reading receipt", err)
		}
		out = r
		if !r.DeletedAt.IsZero() {
			return nil
		}
		if err := removeContent(tx, messageID); err != nil {
			return err
		}
		r.DeletedAt, r.DeletedBy = at, DeletedBySender
		return tx.exec(`UPDATE message_receipts SET deleted_at = ?, deleted_by = ?
			WHERE message_id = ?`, micros(at), DeletedBySender, messageID)
	})
	return out, err
}

func removeContent(tx *txRunner, messageID string) error {
	if err := tx.exec(`DELETE FROM attachments WHERE message_id = ?`, messageID); err != nil {
		return err
	}
	return tx.exec(`DELETE FROM messages WHERE id = ?`, messageID)
}

// purgeBatch bounds how many messages one purge transaction removes, so
// the write lock is never held for long.
const purgeBatch = 200

func (s *sqlStore) PurgeMessages(ctx context.Context, now time.Time) (messages, receipts int, err error) {
	for {
		n, err := s.purgeMessageBatch(ctx, now)
		messages += n
		if err != nil {
			return messages, 0, err
		}
		if n < purgeBatch {
			break
		}
	}
	// A receipt goes only after its message: the service keeps receipts
	// at least as long as the content.
	res, err := s.exec(ctx, `DELETE FROM message_receipts WHERE keep_until <= ?
		AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = message_receipts.message_id)`,
		micros(now))
	if err != nil {
		return messages, 0, fmt.Errorf("purging receipts: %w", err)
	}
	n, _ := res.RowsAffected()
	return messages, int(n), nil
}

func (s *sqlStore) purgeMessageBatch(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM messages
		WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`, micros(now), purgeBatch)
	if err != nil {
		return 0, fmt.Errorf("purging messages: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("purging messages: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("purging messages: %w", err)
	}
	err = s.inTx(ctx, "purging messages", func(tx *txRunner) error {
		for _, id := range ids {
			if err := removeContent(tx, id); err != nil {
				return err
			}
			err := tx.exec(`UPDATE message_receipts SET deleted_at = ?, deleted_by = ?
				WHERE message_id = ? AND deleted_at = 0`, micros(now), DeletedByRetention, id)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}
