package store

import (
	"context"
	"time"
)

// Credential authenticates one commune's administration at the sender
// API.
type Credential struct {
	// ID is the public part of the credential.
	ID string
	// Site is the commune every message sent with it comes from.
	Site string
	// Name describes who uses it, such as "Fachverfahren Hundesteuer".
	Name string
	// SecretHash is the SHA-256 hash of the secret.
	SecretHash []byte
	CreatedAt  time.Time
	// RevokedAt is zero for a usable credential.
	RevokedAt time.Time
}

// Message is a message in a citizen's mailbox.
type Message struct {
	ID string
	// Site is the sending commune.
	Site      string
	AccountID string
	Subject   string
	// Body is Markdown. Listings leave it empty.
	Body string
	// MinLevel is the session level needed to see subject, body and
	// attachments: 1 for a password, 2 for a second factor.
	MinLevel int
	// ReplyBy is an optional deadline for the citizen, zero if none.
	ReplyBy         time.Time
	AttachmentCount int
	CreatedAt       time.Time
	// ExpiresAt is when the retention period ends and the content goes.
	ExpiresAt  time.Time
	ReadAt     time.Time
	ArchivedAt time.Time
}

// Attachment is a file of a message, numbered from 1 in the order sent.
type Attachment struct {
	MessageID   string
	Seq         int
	Name        string
	ContentType string
	Size        int64
	// Data is the file's content, nil in listings.
	Data []byte
}

// Receipt is the evidence of a message's delivery, reading and removal.
// It outlives the message's content until KeepUntil.
type Receipt struct {
	MessageID string
	Site      string
	// AccountID is empty once the account is deleted.
	AccountID string
	// Recipient is the handle the commune addressed.
	Recipient string
	// IdempotencyKey is the sender's key for safe retries, or empty.
	IdempotencyKey string
	SentAt         time.Time
	ReadAt         time.Time
	DeletedAt      time.Time
	// DeletedBy names who removed the content: "citizen", "sender",
	// "retention" or "account".
	DeletedBy string
	KeepUntil time.Time
	// Notice is the state of the e-mail that notifies the citizen of
	// the message: NoticePending, NoticeSent, NoticeFailed or
	// NoticeSkipped, and empty for messages stored before notices were
	// recorded.
	Notice string
	// NoticeAttempts counts the attempts to send the notice.
	NoticeAttempts int
	// NoticeNextAt is when a pending notice is due to be sent again.
	NoticeNextAt time.Time
}

// States of a message's notice e-mail.
const (
	// NoticePending waits for a first or a further attempt.
	NoticePending = "pending"
	NoticeSent    = "sent"
	// NoticeFailed gave up after the last attempt failed.
	NoticeFailed = "failed"
	// NoticeSkipped needs no e-mail: the account is disabled or deleted,
	// or the message was read or removed before an attempt succeeded.
	NoticeSkipped = "skipped"
)

// Who removed a message's content.
const (
	DeletedByCitizen   = "citizen"
	DeletedBySender    = "sender"
	DeletedByRetention = "retention"
	DeletedByAccount   = "account"
)

// MailboxFilter selects messages of one account.
type MailboxFilter struct {
	AccountID string
	// Archived selects the archive instead of the inbox.
	Archived bool
	// Now hides messages whose retention period has ended.
	Now    time.Time
	Limit  int
	Offset int
}

// MailboxStore keeps sender credentials, messages, attachments and
// receipts.
type MailboxStore interface {
	CreateCredential(ctx context.Context, c *Credential) error
	CredentialByID(ctx context.Context, id string) (*Credential, error)
	// ListCredentials lists the credentials of site, or of every site if
	// site is empty.
	ListCredentials(ctx context.Context, site string) ([]Credential, error)
	RevokeCredential(ctx context.Context, id string, at time.Time) error

	// CreateMessage stores a message with its attachments and receipt in
	// one transaction. If the receipt's idempotency key was used before
	// by the same site, it stores nothing and returns ErrConflict.
	CreateMessage(ctx context.Context, m *Message, atts []Attachment, r *Receipt) error
	// ReceiptByKey returns the receipt of the site's message sent with
	// the idempotency key.
	ReceiptByKey(ctx context.Context, site, key string) (*Receipt, error)
	// ListMessages returns a page of an account's messages without
	// bodies, newest first.
	ListMessages(ctx context.Context, f MailboxFilter) ([]Message, error)
	// CountUnread counts the account's unread, unexpired messages.
	CountUnread(ctx context.Context, accountID string, now time.Time) (int, error)
	// MessageForAccount returns the account's unexpired message with its
	// body, or ErrNotFound for a message of another account.
	MessageForAccount(ctx context.Context, accountID, id string, now time.Time) (*Message, error)
	// ListAttachments returns a message's attachments without data.
	ListAttachments(ctx context.Context, messageID string) ([]Attachment, error)
	// AttachmentForAccount returns an attachment with its data and the
	// message it belongs to, or ErrNotFound if the message is not the
	// account's.
	AttachmentForAccount(ctx context.Context, accountID, messageID string, seq int, now time.Time) (*Attachment, *Message, error)
	// MarkRead marks the account's message and its receipt read, once.
	MarkRead(ctx context.Context, accountID, id string, at time.Time) error
	// SetArchived moves the account's message to the archive, or back to
	// the inbox with the zero time.
	SetArchived(ctx context.Context, accountID, id string, at time.Time) error
	// DeleteMessage removes the account's message and attachments and
	// notes the removal on the receipt.
	DeleteMessage(ctx context.Context, accountID, id string, at time.Time) error

	// ReceiptForSite returns the site's receipt for a message, or
	// ErrNotFound for another site's message.
	ReceiptForSite(ctx context.Context, site, messageID string) (*Receipt, error)
	// ListReceipts returns the site's receipts newest first, starting
	// after the receipt (beforeTime, beforeID) of the previous page, or
	// with the newest if beforeTime is zero.
	ListReceipts(ctx context.Context, site string, beforeTime time.Time, beforeID string, limit int) ([]Receipt, error)
	// RecallMessage removes the content of the site's message and notes
	// the recall on the receipt. A message already removed is left as
	// it is, and another site's message is ErrNotFound.
	RecallMessage(ctx context.Context, site, messageID string, at time.Time) (*Receipt, error)
	// ListAccountReceipts returns the receipts of an account's messages.
	ListAccountReceipts(ctx context.Context, accountID string) ([]Receipt, error)

	// DueNotices returns up to limit receipts whose notice is pending
	// and due by now, the longest due first.
	DueNotices(ctx context.Context, now time.Time, limit int) ([]Receipt, error)
	// ClaimNotice moves a pending notice's next attempt from seen to
	// next and reports whether it did. Only one of several replicas that
	// saw the same due notice claims it.
	ClaimNotice(ctx context.Context, messageID string, seen, next time.Time) (bool, error)
	// SetNotice records the state of a message's notice after an
	// attempt.
	SetNotice(ctx context.Context, messageID, notice string, attempts int, next time.Time) error

	// PurgeMessages removes the content of messages whose retention
	// period ended by now and receipts kept past their KeepUntil. It
	// returns how many messages and receipts it removed.
	PurgeMessages(ctx context.Context, now time.Time) (messages, receipts int, err error)
}
