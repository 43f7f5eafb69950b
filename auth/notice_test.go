package auth

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// flakyMailer fails while fail is set and otherwise writes to an outbox.
type flakyMailer struct {
	fail atomic.Bool
	next Mailer
}

func (m *flakyMailer) Send(ctx context.Context, msg Message) error {
	if m.fail.Load() {
		return errors.New("relay unreachable")
	}
	return m.next.Send(ctx, msg)
}

func newFlakyHarness(t *testing.T) (*harness, *flakyMailer) {
	t.Helper()
	m := &flakyMailer{}
	h := newHarness(t, withOptions(func(o *Options) {
		outbox, err := newOutboxMailer(filepath.Join(o.DataDir, "outbox"), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		m.next = outbox
		o.Mailer = m
	}))
	return h, m
}

func TestNoticeRetriedAfterFailure(t *testing.T) {
	h, mailer := newFlakyHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	before := len(h.mails(anna.email))

	mailer.fail.Store(true)
	r := h.callSender("POST", "/v1/messages", lingen, map[string]any{
		"recipient": anna.handle, "subject": "Bescheid", "body": "Text"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("send: status %d\n%s", r.StatusCode, r.body)
	}
	if got := jsonField(t, r.body, "notice"); got != store.NoticePending {
		t.Errorf("notice after a failed attempt = %q, want pending", got)
	}
	id := jsonField(t, r.body, "id")

	// Not yet due: nothing is sent.
	mailer.fail.Store(false)
	if err := h.svc.retryNotices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(h.mails(anna.email)); n != before {
		t.Errorf("%d notices sent before the retry was due", n-before)
	}

	h.clock.Advance(noticeDelay(1))
	if err := h.svc.retryNotices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(h.mails(anna.email)); n != before+1 {
		t.Errorf("%d notices sent after the retry, want 1", n-before)
	}
	status := h.callSender("GET", "/v1/messages/"+id, lingen, nil)
	if got := jsonField(t, status.body, "notice"); got != store.NoticeSent {
		t.Errorf("notice after the retry = %q, want sent", got)
	}

	// A later round sends nothing again.
	h.clock.Advance(noticeMaxDelay)
	if err := h.svc.retryNotices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(h.mails(anna.email)); n != before+1 {
		t.Errorf("%d notices after a further round, want 1", n-before)
	}
}

func TestNoticeFailsAfterLastAttempt(t *testing.T) {
	h, mailer := newFlakyHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")

	mailer.fail.Store(true)
	id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Bescheid", "body": "Text"})
	for range maxNoticeAttempts {
		h.clock.Advance(noticeMaxDelay)
		if err := h.svc.retryNotices(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	status := h.callSender("GET", "/v1/messages/"+id, lingen, nil)
	if got := jsonField(t, status.body, "notice"); got != store.NoticeFailed {
		t.Errorf("notice after %d failed attempts = %q, want failed", maxNoticeAttempts, got)
	}
	rc, err := h.store.ReceiptForSite(context.Background(), "lingen", id)
	if err != nil {
		t.Fatal(err)
	}
	if rc.NoticeAttempts != maxNoticeAttempts {
		t.Errorf("%d attempts recorded, want %d", rc.NoticeAttempts, maxNoticeAttempts)
	}
}

func TestNoticeSentOnFirstAttempt(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	r := h.callSender("POST", "/v1/messages", lingen, map[string]any{
		"recipient": anna.handle, "subject": "Bescheid", "body": "Text"})
	if got := jsonField(t, r.body, "notice"); got != store.NoticeSent {
		t.Errorf("notice = %q, want sent", got)
	}
}

func TestNoticeDelay(t *testing.T) {
	want := map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 7: time.Hour, 10: time.Hour}
	for attempts, d := range want {
		if got := noticeDelay(attempts); got != d {
			t.Errorf("noticeDelay(%d) = %v, want %v", attempts, got, d)
		}
	}
}

func TestOutboxFullDiskLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	m, err := newOutboxMailer(dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer func(w func(*os.File, []byte) (int, error)) { writeOutboxData = w }(writeOutboxData)
	writeOutboxData = func(f *os.File, data []byte) (int, error) {
		n, _ := f.Write(data[:len(data)/2])
		return n, syscall.ENOSPC
	}

	err = m.Send(context.Background(), Message{To: "anna@example.org", Subject: "Test", Body: "Text"})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Send on a full disk = %v, want ENOSPC", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("outbox contains %s after a failed write", e.Name())
	}
}
