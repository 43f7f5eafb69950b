package auth

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// credentialPrefix starts every sender token, so a leaked token is easy
// to recognise, for example by secret scanners.
const credentialPrefix = "vbs_"

// sender is the authenticated caller of the sender API.
type sender struct {
	credential *store.Credential
}

// senderHandler is a sender API handler. It returns an error that one
// adapter turns into a JSON response.
type senderHandler func(w http.ResponseWriter, r *http.Request, from *sender) error

// apiError is a sender API error: a status, a stable code for programs
// and a message for people.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func apiErr(status int, code, format string, args ...any) error {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// senderRoutes builds the sender API. It is served on a listener of its
// own: administrations authenticate with a bearer credential of their
// commune, and every message they send comes from that commune.
func (s *Service) senderRoutes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h senderHandler) { mux.Handle(pattern, s.senderAdapter(h)) }
	handle("POST /v1/messages", s.sendMessage)
	handle("GET /v1/messages", s.listSent)
	handle("GET /v1/messages/{id}", s.sentStatus)
	handle("DELETE /v1/messages/{id}", s.recall)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		r.Body = http.MaxBytesReader(w, r.Body, maxSendBody)
		mux.ServeHTTP(w, r)
	})
}

func (s *Service) senderAdapter(h senderHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from, err := s.authenticateSender(r)
		if err == nil && r.Method == http.MethodPost && requireJSON(r) != nil {
			err = apiErr(http.StatusUnsupportedMediaType, "unsupported_media_type",
				"send the request body as application/json")
		}
		if err == nil {
			err = h(w, r, from)
		}
		if err == nil {
			return
		}

		var ae *apiError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &mbe):
			ae = &apiError{http.StatusRequestEntityTooLarge, "too_large",
				fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}
		default:
			s.log.Error("sender API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{http.StatusInternalServerError, "internal", "the request failed; try again later"}
		}
		if ae.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="verbund sender API"`)
		}
		writeJSON(w, ae.status, map[string]string{"error": ae.code, "message": ae.message})
	})
}

var errBadCredential = &apiError{http.StatusUnauthorized, "invalid_credential",
	"send a valid, unrevoked sender credential as Authorization: Bearer <token>"}

// Markers that stand in the audit trail for a credential that has no ID
// to record. The typed text is never recorded, because it may be a
// secret or a password pasted into the wrong field.
const (
	noCredential        = "(none)"
	malformedCredential = "(invalid)"
)

// authenticateSender checks the bearer token "vbs_<id>.<secret>".
func (s *Service) authenticateSender(r *http.Request) (*sender, error) {
	raw, ok := bearerToken(r)
	if !ok {
		if r.Header.Get("Authorization") == "" {
			return nil, s.senderDenied(r, noCredential, "missing credential")
		}
		return nil, s.senderDenied(r, malformedCredential, "malformed credential")
	}
	rest, prefixed := strings.CutPrefix(raw, credentialPrefix)
	id, secret, split := strings.Cut(rest, ".")
	if !prefixed || !split || secret == "" || len(raw) > 200 || !validCredentialID(id) {
		// Not the form of any credential, so there is nothing to look up.
		return nil, s.senderDenied(r, malformedCredential, "malformed credential")
	}
	c, err := s.store.CredentialByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.senderDenied(r, id, "unknown credential")
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(hashSecret(secret), c.SecretHash) != 1 {
		return nil, s.senderDenied(r, id, "wrong secret")
	}
	if !c.RevokedAt.IsZero() {
		return nil, s.senderDenied(r, id, "revoked credential")
	}
	if _, ok := s.sites[c.Site]; !ok {
		return nil, s.senderDenied(r, id, "site "+c.Site+" is no longer in sites.toml")
	}
	return &sender{credential: c}, nil
}

// validCredentialID reports whether id has the form of a credential ID:
// 16 lower-case hexadecimal digits.
func validCredentialID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// bearerToken returns the token of an Authorization header with the
// Bearer scheme. The scheme is case-insensitive (RFC 7235 section 2.1).
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	return token, token != ""
}

// senderDenied audits a rejected sender API request and returns the
// error for the response. Beyond the per-address budget rateSenderAudit,
// denials are counted in the service log instead, at most a line a
// minute, so a flood cannot fill the audit trail.
func (s *Service) senderDenied(r *http.Request, id, result string) error {
	now := s.now()
	ip := s.clientIP(r)
	if !s.limits.allowClient(rateSenderAudit, ip, now) {
		if ok, skipped := s.deniedLog.due(time.Now()); ok {
			s.log.Warn("sender API requests rejected faster than the audit budget, not all are audited",
				"ip", ip, "result", result, "unaudited_before", skipped)
		}
		return errBadCredential
	}
	s.audit.record(r.Context(), now, auditEntry{Event: "sender.denied", Actor: "credential " + id,
		IP: ip, Result: result, Detail: r.Method + " " + r.URL.Path})
	return errBadCredential
}

// actor names a sender in the audit trail.
func (f *sender) actor() string {
	return "site " + f.credential.Site + " (credential " + f.credential.ID + ")"
}

// receiptView is a message's status as the sender API returns it.
type receiptView struct {
	ID        string     `json:"id"`
	Recipient string     `json:"recipient"`
	Status    string     `json:"status"`
	SentAt    time.Time  `json:"sent_at"`
	ReadAt    *time.Time `json:"read_at"`
	DeletedAt *time.Time `json:"deleted_at"`
	// DeletedBy is "citizen", "sender", "retention" or "account".
	DeletedBy      string `json:"deleted_by,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Notice is the state of the e-mail that notifies the citizen of the
	// message: "pending", "sent", "failed" or "skipped".
	Notice string `json:"notice,omitempty"`
}

func newReceiptView(r *store.Receipt) receiptView {
	v := receiptView{ID: r.MessageID, Recipient: r.Recipient, SentAt: r.SentAt,
		DeletedBy: r.DeletedBy, IdempotencyKey: r.IdempotencyKey, Notice: r.Notice, Status: "delivered"}
	if !r.ReadAt.IsZero() {
		t := r.ReadAt
		v.ReadAt, v.Status = &t, "read"
	}
	if !r.DeletedAt.IsZero() {
		t := r.DeletedAt
		v.DeletedAt, v.Status = &t, "removed"
	}
	return v
}

func (s *Service) sentStatus(w http.ResponseWriter, r *http.Request, from *sender) error {
	rc, err := s.store.ReceiptForSite(r.Context(), from.credential.Site, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return apiErr(http.StatusNotFound, "not_found", "no message with this ID from %s", from.credential.Site)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReceiptView(rc))
	return nil
}

// listSent returns the site's messages, newest first, a page at a time:
// ?limit= (at most 500) and ?before= (the next_before of the previous
// page: the last message's send time in RFC 3339 and its ID, joined by
// a comma).
func (s *Service) listSent(w http.ResponseWriter, r *http.Request, from *sender) error {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return apiErr(http.StatusBadRequest, "invalid_limit", "limit must be between 1 and 500")
		}
		limit = n
	}

	var before time.Time
	var beforeID string
	if v := r.URL.Query().Get("before"); v != "" {
		ts, id, _ := strings.Cut(v, ",")
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil || id == "" {
			return apiErr(http.StatusBadRequest, "invalid_before", "before must be the next_before of a previous page")
		}
		before, beforeID = t, id
	}
	list, err := s.store.ListReceipts(r.Context(), from.credential.Site, before, beforeID, limit)
	if err != nil {
		return err
	}

	out := struct {
		Messages   []receiptView `json:"messages"`
		NextBefore string        `json:"next_before,omitempty"`
	}{Messages: []receiptView{}}
	for i := range list {
		out.Messages = append(out.Messages, newReceiptView(&list[i]))
	}
	if len(list) == limit {
		last := list[len(list)-1]
		out.NextBefore = last.SentAt.Format(time.RFC3339Nano) + "," + last.MessageID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// recall removes a message's content from the citizen's mailbox. The
// receipt stays and shows the recall.
func (s *Service) recall(w http.ResponseWriter, r *http.Request, from *sender) error {
	ctx := r.Context()
	rc, err := s.store.RecallMessage(ctx, from.credential.Site, r.PathValue("id"), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return apiErr(http.StatusNotFound, "not_found", "no message with this ID from %s", from.credential.Site)
	}
	if err != nil {
		return err
	}
	s.audit.record(ctx, s.now(), auditEntry{Event: "message.recall", AccountID: rc.AccountID,
		Actor: from.actor(), IP: s.clientIP(r), Result: "ok", Detail: "message " + rc.MessageID})
	writeJSON(w, http.StatusOK, newReceiptView(rc))
	return nil
}

// senderName returns the name citizens see for a site as a sender: its
// legal name, such as "Stadt Lingen (Ems)", or its short name.
func (s *Service) senderName(site string) string {
	st, ok := s.sites[site]
	switch {
	case !ok:
		return site
	case st.Legal.Name != "":
		return st.Legal.Name
	}
	return st.Name
}

// decodeJSON decodes a request body strictly: unknown fields and
// trailing data are errors.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return apiErr(http.StatusBadRequest, "invalid_json", "invalid request body: %v", err)
	}
	if dec.More() {
		return apiErr(http.StatusBadRequest, "invalid_json", "invalid request body: data after the JSON object")
	}
	return nil
}
