package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/verbund/verbund/auth/store"
)

// Limits of a message sent through the sender API.
const (
	maxSubject        = 200       // code points
	maxMessageBody    = 100 << 10 // bytes of Markdown
	maxAttachments    = 5
	maxAttachmentSize = 10 << 20 // bytes
	maxAttachmentsSum = 20 << 20 // bytes, all attachments together
	maxRetention      = 10 * 365 * 24 * time.Hour
	maxIdempotencyKey = 200
	// maxSendBody bounds a sender API request: the attachments in
	// base64 (4 bytes for every 3) plus the rest of the message.
	maxSendBody = maxAttachmentsSum/3*4 + maxMessageBody*2 + 64<<10
)

// Values of required_login.
const (
	loginPassword     = "password"
	loginSecondFactor = "second_factor"
)

// sendRequest is the body of POST /v1/messages.
type sendRequest struct {
	// Recipient is the citizen's handle at the sending commune: the sub
	// of the commune's ID tokens.
	Recipient string `json:"recipient"`
	Subject   string `json:"subject"`
	// Body is Markdown. Raw HTML in it is not rendered.
	Body string `json:"body"`
	// RequiredLogin is "password" (default) or "second_factor".
	RequiredLogin string `json:"required_login"`
	// ReplyBy is an optional deadline as a date, YYYY-MM-DD.
	ReplyBy string `json:"reply_by"`
	// RetentionDays is how long the message stays, or 0 for the
	// service's default.
	RetentionDays int              `json:"retention_days"`
	Attachments   []sendAttachment `json:"attachments"`

	// The sender is always the credential's commune. These fields are
	// declared only to reject requests that try to name another one.
	Sender json.RawMessage `json:"sender"`
	Site   json.RawMessage `json:"site"`
	From   json.RawMessage `json:"from"`
}

// sendAttachment is a PDF file. encoding/json decodes Content from
// base64.
type sendAttachment struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// outgoing is a checked message ready to store.
type outgoing struct {
	handle    *store.Handle
	subject   string
	body      string
	minLevel  int
	replyBy   time.Time
	retention time.Duration
	atts      []store.Attachment
	key       string
}

func (s *Service) sendMessage(w http.ResponseWriter, r *http.Request, from *sender) error {
	ctx := r.Context()
	key := r.Header.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return apiErr(http.StatusBadRequest, "invalid_idempotency_key",
			"Idempotency-Key must be at most %d printable ASCII characters", maxIdempotencyKey)
	}
	if key != "" {
		// A retry of a request that already succeeded receives the
		// first response again, before the body is read.
		if done, err := s.repeatSend(ctx, w, from, key); done || err != nil {
			return err
		}
	}

	var req sendRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	msg, err := s.checkSend(ctx, from, &req)
	if err != nil {
		return err
	}
	msg.key = key

	rc, err := s.storeMessage(ctx, from, msg)
	if errors.Is(err, store.ErrConflict) {
		// A parallel request with the same key won.
		_, err := s.repeatSend(ctx, w, from, key)
		return err
	}
	if err != nil {
		return err
	}

	s.audit.record(ctx, rc.SentAt, auditEntry{Event: "message.send", AccountID: rc.AccountID,
		Actor: from.actor(), IP: s.clientIP(r), Result: "ok", Detail: "message " + rc.MessageID})
	s.deliverNotice(ctx, rc)
	w.Header().Set("Location", "/v1/messages/"+rc.MessageID)
	writeJSON(w, http.StatusCreated, newReceiptView(rc))
	return nil
}

// repeatSend writes the stored result for a request whose idempotency
// key was used before, and reports whether it found one.
func (s *Service) repeatSend(ctx context.Context, w http.ResponseWriter, from *sender, key string) (bool, error) {
	rc, err := s.store.ReceiptByKey(ctx, from.credential.Site, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	w.Header().Set("Location", "/v1/messages/"+rc.MessageID)
	writeJSON(w, http.StatusOK, newReceiptView(rc))
	return true, nil
}

// checkSend validates a send request and resolves its recipient.
func (s *Service) checkSend(ctx context.Context, from *sender, req *sendRequest) (*outgoing, error) {
	if req.Sender != nil || req.Site != nil || req.From != nil {
		return nil, apiErr(http.StatusBadRequest, "sender_not_allowed",
			"the sender is the credential's commune (%s) and cannot be set in the request", from.credential.Site)
	}
	msg := &outgoing{}
	var err error
	if msg.subject, err = checkSubject(req.Subject); err != nil {
		return nil, err
	}
	if len(req.Body) > maxMessageBody || !utf8.ValidString(req.Body) {
		return nil, apiErr(http.StatusBadRequest, "invalid_body",
			"body must be UTF-8 Markdown of at most %d bytes", maxMessageBody)
	}
	msg.body = req.Body

	switch req.RequiredLogin {
	case "", loginPassword:
		msg.minLevel = levelPassword
	case loginSecondFactor:
		msg.minLevel = levelFactor
	default:
		return nil, apiErr(http.StatusBadRequest, "invalid_required_login",
			"required_login must be %q or %q", loginPassword, loginSecondFactor)
	}

	if msg.replyBy, err = s.checkReplyBy(req.ReplyBy); err != nil {
		return nil, err
	}
	switch {
	case req.RetentionDays == 0:
		msg.retention = s.opts.MessageRetention
	case req.RetentionDays < 0 || time.Duration(req.RetentionDays)*24*time.Hour > maxRetention:
		return nil, apiErr(http.StatusBadRequest, "invalid_retention",
			"retention_days must be between 1 and %d", int(maxRetention.Hours()/24))
	default:
		msg.retention = time.Duration(req.RetentionDays) * 24 * time.Hour
	}

	if msg.atts, err = checkAttachments(req.Attachments); err != nil {
		return nil, err
	}
	if msg.body == "" && len(msg.atts) == 0 {
		return nil, apiErr(http.StatusBadRequest, "empty_message", "send a body, an attachment or both")
	}

	// The recipient is checked last, and every unknown handle gets the
	// same response, whether it is random or another commune's.
	msg.handle, err = s.store.HandleBySubject(ctx, from.credential.Site, req.Recipient)
	if errors.Is(err, store.ErrNotFound) || req.Recipient == "" {
		return nil, apiErr(http.StatusUnprocessableEntity, "unknown_recipient",
			"no citizen has this handle at %s", from.credential.Site)
	}
	if err != nil {
		return nil, err
	}
	return msg, nil
}

func checkSubject(v string) (string, error) {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n == 0 || n > maxSubject || !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
		return "", apiErr(http.StatusBadRequest, "invalid_subject",
			"subject must be 1 to %d characters without control characters", maxSubject)
	}
	if i := strings.IndexFunc(v, isControlOrFormat); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return "", apiErr(http.StatusBadRequest, "invalid_subject",
			"subject contains the invisible format character %U; bidirectional controls and "+
				"zero-width characters are not allowed, because they can make text look different "+
				"from what it is", r)
	}
	return v, nil
}

// checkReplyBy parses an optional date, which may not lie in the past of
// the federation's time zone. The deadline is the end of that day.
func (s *Service) checkReplyBy(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, v, berlin)
	if err != nil {
		return time.Time{}, apiErr(http.StatusBadRequest, "invalid_reply_by", "reply_by must be a date, YYYY-MM-DD")
	}
	end := day.AddDate(0, 0, 1).Add(-time.Second)
	if end.Before(s.now()) {
		return time.Time{}, apiErr(http.StatusBadRequest, "invalid_reply_by", "reply_by %s lies in the past", v)
	}
	return end.UTC(), nil
}

// checkAttachments enforces count and size limits and accepts only PDF
// files, judged by their content, not by their name.
func checkAttachments(list []sendAttachment) ([]store.Attachment, error) {
	if len(list) > maxAttachments {
		return nil, apiErr(http.StatusBadRequest, "too_many_attachments",
			"at most %d attachments per message", maxAttachments)
	}
	var out []store.Attachment
	total := 0
	for i, a := range list {
		n := i + 1
		if len(a.Content) == 0 || len(a.Content) > maxAttachmentSize {
			return nil, apiErr(http.StatusBadRequest, "attachment_size",
				"attachment %d must hold 1 to %d bytes", n, maxAttachmentSize)
		}
		total += len(a.Content)
		if total > maxAttachmentsSum {
			return nil, apiErr(http.StatusBadRequest, "attachment_size",
				"the attachments together exceed %d bytes", maxAttachmentsSum)
		}
		if ct := http.DetectContentType(a.Content); ct != "application/pdf" {
			return nil, apiErr(http.StatusUnsupportedMediaType, "attachment_type",
				"attachment %d is %s, but only PDF files are accepted", n, ct)
		}
		out = append(out, store.Attachment{Seq: n, Name: attachmentName(a.Name, n),
			ContentType: "application/pdf", Size: int64(len(a.Content)), Data: a.Content})
	}
	return out, nil
}

// storeMessage writes the message, its attachments and its receipt in
// one transaction. Once it returns nil, the message is durable: SQLite
// runs with synchronous=FULL and PostgreSQL with its default commit.
func (s *Service) storeMessage(ctx context.Context, from *sender, msg *outgoing) (*store.Receipt, error) {
	id, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	now := s.now()
	m := &store.Message{ID: id, Site: from.credential.Site, AccountID: msg.handle.AccountID,
		Subject: msg.subject, Body: msg.body, MinLevel: msg.minLevel, ReplyBy: msg.replyBy,
		CreatedAt: now, ExpiresAt: now.Add(msg.retention)}
	for i := range msg.atts {
		msg.atts[i].MessageID = id
	}
	rc := &store.Receipt{MessageID: id, Site: m.Site, AccountID: m.AccountID,
		Recipient: msg.handle.Subject, IdempotencyKey: msg.key, SentAt: now,
		KeepUntil: later(now.Add(s.opts.EvidenceRetention), m.ExpiresAt),
		// The request sends the notice itself. If it ends before it
		// records the outcome, the retry loop takes the notice over
		// once this lease has passed.
		Notice: store.NoticePending, NoticeNextAt: now.Add(noticeDelay(1))}
	if err := s.store.CreateMessage(ctx, m, msg.atts, rc); err != nil {
		return nil, err
	}
	return rc, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
