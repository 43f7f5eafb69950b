package auth

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// AuditFile is the name of the audit log in the data folder.
const AuditFile = "audit.log"

// auditor writes security events twice: as JSON lines to the audit log
// file and into the store, where a citizen's export finds them. Callers
// never pass passwords, codes, tokens or session identifiers.
type auditor struct {
	mu    sync.Mutex
	log   *slog.Logger
	store store.Store
	// errLog receives failures to write the audit trail.
	errLog *slog.Logger
}

func newAuditor(w io.Writer, st store.Store, errLog *slog.Logger) *auditor {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
				// The event's own UTC time replaces the wall clock.
				return slog.Attr{}
			}
			return a
		},
	})
	return &auditor{log: slog.New(h), store: st, errLog: errLog}
}

// auditEntry is one security event.
type auditEntry struct {
	Event     string
	AccountID string
	// Actor is who acted: the account's ID, "admin" or "anonymous".
	Actor  string
	IP     string
	Result string
	// Detail is free text such as a user agent; line breaks and other
	// control characters are escaped before writing.
	Detail string
}

func (a *auditor) record(ctx context.Context, at time.Time, e auditEntry) {
	e.Detail = escapeControl(e.Detail)
	e.IP = escapeControl(e.IP)
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	at = at.UTC()
	a.mu.Lock()
	a.log.LogAttrs(ctx, slog.LevelInfo, e.Event,
		slog.String("time", at.Format(time.RFC3339Nano)),
		slog.String("account", e.AccountID),
		slog.String("actor", e.Actor),
		slog.String("ip", e.IP),
		slog.String("result", e.Result),
		slog.String("detail", e.Detail))
	a.mu.Unlock()
	err := a.store.AppendAudit(context.WithoutCancel(ctx), &store.AuditEvent{
		At: at, Event: e.Event, AccountID: e.AccountID, Actor: e.Actor, IP: e.IP,
		Result: e.Result, Detail: e.Detail,
	})
	if err != nil {
		a.errLog.Error("writing audit event to the store failed", "event", e.Event, "err", err)
	}
}

// escapeControl quotes control characters such as line breaks so that
// input cannot forge extra log lines, and bounds the length.
func escapeControl(s string) string {
	if len(s) > 512 {
		s = s[:512]
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	q := strconv.QuoteToASCII(s)
	return q[1 : len(q)-1]
}
