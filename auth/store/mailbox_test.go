package store_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
)

func newMessage(t *testing.T, s store.Store, site, accountID, key string, sent time.Time, atts ...[]byte) *store.Message {
	t.Helper()
	m := &store.Message{ID: randomID(), Site: site, AccountID: accountID, Subject: "Bescheid",
		Body: "Guten Tag", MinLevel: 1, CreatedAt: sent, ExpiresAt: sent.Add(30 * 24 * time.Hour)}
	var list []store.Attachment
	for i, data := range atts {
		list = append(list, store.Attachment{Seq: i + 1, Name: "a.pdf",
			ContentType: "application/pdf", Size: int64(len(data)), Data: data})
	}
	r := &store.Receipt{MessageID: m.ID, Site: site, AccountID: accountID, Recipient: "h-" + accountID,
		IdempotencyKey: key, SentAt: sent, KeepUntil: sent.Add(365 * 24 * time.Hour)}
	if err := s.CreateMessage(context.Background(), m, list, r); err != nil {
		t.Fatalf("CreateMessage: %v", err)
	}
	return m
}

func TestMessagesOwnership(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		bert := newAccount(t, s, "bert@example.org")
		m := newMessage(t, s, "lingen", anna.ID, "", t0, []byte("%PDF-1.7 eins"), []byte("%PDF-1.7 zwei"))
		newMessage(t, s, "haren", bert.ID, "", t0)

		list, err := s.ListMessages(ctx, store.MailboxFilter{AccountID: anna.ID, Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != m.ID || list[0].AttachmentCount != 2 || list[0].Body != "" {
			t.Fatalf("ListMessages(anna) = %+v, want her one message without body", list)
		}
		if _, err := s.MessageForAccount(ctx, bert.ID, m.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MessageForAccount(other account) error = %v, want ErrNotFound", err)
		}
		if _, _, err := s.AttachmentForAccount(ctx, bert.ID, m.ID, 1, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AttachmentForAccount(other account) error = %v, want ErrNotFound", err)
		}
		a, owner, err := s.AttachmentForAccount(ctx, anna.ID, m.ID, 2, t0)
		if err != nil {
			t.Fatalf("AttachmentForAccount: %v", err)
		}
		if !bytes.Equal(a.Data, []byte("%PDF-1.7 zwei")) || owner.ID != m.ID {
			t.Errorf("AttachmentForAccount = %q of %s", a.Data, owner.ID)
		}
		for name, err := range map[string]error{
			"MarkRead":      s.MarkRead(ctx, bert.ID, m.ID, t0),
			"SetArchived":   s.SetArchived(ctx, bert.ID, m.ID, t0),
			"DeleteMessage": s.DeleteMessage(ctx, bert.ID, m.ID, t0),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s(other account) error = %v, want ErrNotFound", name, err)
			}
		}
		if _, err := s.ReceiptForSite(ctx, "haren", m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReceiptForSite(other site) error = %v, want ErrNotFound", err)
		}
		if _, err := s.RecallMessage(ctx, "haren", m.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RecallMessage(other site) error = %v, want ErrNotFound", err)
		}
		if _, err := s.MessageForAccount(ctx, anna.ID, m.ID, t0); err != nil {
			t.Errorf("message gone after another site's recall: %v", err)
		}
	})
}

func TestMessageLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		m := newMessage(t, s, "lingen", anna.ID, "key-1", t0)

		if n, _ := s.CountUnread(ctx, anna.ID, t0); n != 1 {
			t.Errorf("CountUnread = %d, want 1", n)
		}
		read := t0.Add(time.Hour)
		if err := s.MarkRead(ctx, anna.ID, m.ID, read); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkRead(ctx, anna.ID, m.ID, read.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		r, err := s.ReceiptForSite(ctx, "lingen", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.ReadAt.Equal(read) {
			t.Errorf("receipt read at %v, want the first reading %v", r.ReadAt, read)
		}

		if err := s.SetArchived(ctx, anna.ID, m.ID, read); err != nil {
			t.Fatal(err)
		}
		inbox, _ := s.ListMessages(ctx, store.MailboxFilter{AccountID: anna.ID, Now: read})
		archive, _ := s.ListMessages(ctx, store.MailboxFilter{AccountID: anna.ID, Now: read, Archived: true})
		if len(inbox) != 0 || len(archive) != 1 {
			t.Errorf("after archiving: inbox %d, archive %d messages", len(inbox), len(archive))
		}

		if err := s.DeleteMessage(ctx, anna.ID, m.ID, read); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MessageForAccount(ctx, anna.ID, m.ID, read); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted message still readable: %v", err)
		}
		r, err = s.ReceiptForSite(ctx, "lingen", m.ID)
		if err != nil {
			t.Fatalf("receipt gone with the message: %v", err)
		}
		if r.DeletedBy != store.DeletedByCitizen || !r.DeletedAt.Equal(read) {
			t.Errorf("receipt after deletion = %+v", r)
		}
	})
}

func TestMessageIdempotencyKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		first := newMessage(t, s, "lingen", anna.ID, "antrag-17", t0)

		again := &store.Message{ID: randomID(), Site: "lingen", AccountID: anna.ID,
			Subject: "x", MinLevel: 1, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		r := &store.Receipt{MessageID: again.ID, Site: "lingen", AccountID: anna.ID,
			IdempotencyKey: "antrag-17", SentAt: t0, KeepUntil: t0.Add(time.Hour)}
		if err := s.CreateMessage(ctx, again, nil, r); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateMessage(repeated key) error = %v, want ErrConflict", err)
		}
		got, err := s.ReceiptByKey(ctx, "lingen", "antrag-17")
		if err != nil || got.MessageID != first.ID {
			t.Errorf("ReceiptByKey = %+v, %v; want message %s", got, err, first.ID)
		}
		if _, err := s.MessageForAccount(ctx, anna.ID, again.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rejected message was stored: %v", err)
		}
		// Another site may use the same key, and the empty key never
		// conflicts.
		newMessage(t, s, "haren", anna.ID, "antrag-17", t0)
		newMessage(t, s, "lingen", anna.ID, "", t0)
		newMessage(t, s, "lingen", anna.ID, "", t0)
	})
}

func TestPurgeMessages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		old := newMessage(t, s, "lingen", anna.ID, "", t0, []byte("%PDF-1.4"))
		fresh := newMessage(t, s, "lingen", anna.ID, "", t0.Add(20*24*time.Hour))

		afterFirst := t0.Add(31 * 24 * time.Hour)
		msgs, receipts, err := s.PurgeMessages(ctx, afterFirst)
		if err != nil {
			t.Fatal(err)
		}
		if msgs != 1 || receipts != 0 {
			t.Errorf("PurgeMessages = %d messages, %d receipts; want 1, 0", msgs, receipts)
		}
		if _, err := s.MessageForAccount(ctx, anna.ID, fresh.ID, afterFirst); err != nil {
			t.Errorf("unexpired message purged: %v", err)
		}
		r, err := s.ReceiptForSite(ctx, "lingen", old.ID)
		if err != nil || r.DeletedBy != store.DeletedByRetention {
			t.Errorf("receipt of the expired message = %+v, %v", r, err)
		}

		msgs, receipts, err = s.PurgeMessages(ctx, t0.Add(400*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if msgs != 1 || receipts != 2 {
			t.Errorf("second purge = %d messages, %d receipts; want 1, 2", msgs, receipts)
		}
	})
}

func TestDeleteAccountDetachesReceipts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		m := newMessage(t, s, "lingen", anna.ID, "", t0, []byte("%PDF-1.4"))
		if err := s.CreateHandle(ctx, &store.Handle{Site: "lingen", Subject: "sub-1",
			AccountID: anna.ID, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAccount(ctx, anna.ID); err != nil {
			t.Fatal(err)
		}
		r, err := s.ReceiptForSite(ctx, "lingen", m.ID)
		if err != nil {
			t.Fatalf("receipt gone with the account: %v", err)
		}
		if r.AccountID != "" || r.DeletedBy != store.DeletedByAccount {
			t.Errorf("receipt after account deletion = %+v", r)
		}
		if _, err := s.HandleBySubject(ctx, "lingen", "sub-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("handle survived account deletion: %v", err)
		}
	})
}

func TestAuthCodeSingleUse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		c := &store.AuthCode{CodeHash: []byte(randomID()), ClientID: "c1", AccountID: anna.ID,
			Subject: "sub", RedirectURI: "https://a.example/cb", Challenge: "x", Scope: "openid",
			AuthTime: t0, Level: 1, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
		if err := s.CreateAuthCode(ctx, c); err != nil {
			t.Fatal(err)
		}

		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.ConsumeAuthCode(ctx, c.CodeHash, t0.Add(time.Second)); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("%d concurrent exchanges of one code succeeded, want 1", wins)
		}

		late := &store.AuthCode{CodeHash: []byte(randomID()), ClientID: "c1", AccountID: anna.ID,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
		if err := s.CreateAuthCode(ctx, late); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeAuthCode(ctx, late.CodeHash, t0.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired code: error = %v, want ErrNotFound", err)
		}
	})
}

func TestHandlesPerSite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		h := &store.Handle{Site: "lingen", Subject: "s-1", AccountID: anna.ID, CreatedAt: t0}
		if err := s.CreateHandle(ctx, h); err != nil {
			t.Fatal(err)
		}
		second := &store.Handle{Site: "lingen", Subject: "s-2", AccountID: anna.ID, CreatedAt: t0}
		if err := s.CreateHandle(ctx, second); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second handle at one site: error = %v, want ErrConflict", err)
		}
		if _, err := s.HandleBySubject(ctx, "haren", "s-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lingen's handle found at haren: %v", err)
		}
		got, err := s.HandleForAccount(ctx, "lingen", anna.ID)
		if err != nil || got.Subject != "s-1" {
			t.Errorf("HandleForAccount = %+v, %v", got, err)
		}
	})
}

func TestCredentials(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		c := &store.Credential{ID: "cred1", Site: "lingen", Name: "Hundesteuer",
			SecretHash: []byte("h"), CreatedAt: t0}
		if err := s.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeCredential(ctx, "cred1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeCredential(ctx, "cred1", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: error = %v, want ErrNotFound", err)
		}
		got, err := s.CredentialByID(ctx, "cred1")
		if err != nil || !got.RevokedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("CredentialByID = %+v, %v", got, err)
		}
		list, err := s.ListCredentials(ctx, "haren")
		if err != nil || len(list) != 0 {
			t.Errorf("ListCredentials(haren) = %v, %v; want none", list, err)
		}
	})
}

func TestSessionWithAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		sess := &store.Session{IDHash: []byte(randomID()), AccountID: anna.ID, CreatedAt: t0,
			LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), AuthAt: t0, Level: 2, UserAgent: "ua", IP: "127.0.0.1"}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		got, acc, err := s.SessionWithAccount(ctx, sess.IDHash)
		if err != nil {
			t.Fatal(err)
		}
		if got.Level != 2 || !got.ExpiresAt.Equal(t0.Add(time.Hour)) || acc.Email != "anna@example.org" ||
			!bytes.Equal(acc.WebAuthnID, anna.WebAuthnID) {
			t.Errorf("SessionWithAccount = %+v, %+v", got, acc)
		}
		if _, _, err := s.SessionWithAccount(ctx, []byte("unknown")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown session: error = %v, want ErrNotFound", err)
		}
	})
}

func TestNoticeQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		anna := newAccount(t, s, "anna@example.org")
		m := newMessage(t, s, "lingen", anna.ID, "", t0)
		if err := s.SetNotice(ctx, m.ID, store.NoticePending, 1, t0.Add(time.Minute)); err != nil {
			t.Fatalf("SetNotice: %v", err)
		}

		due, err := s.DueNotices(ctx, t0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 0 {
			t.Errorf("DueNotices before the time = %d receipts, want 0", len(due))
		}
		due, err = s.DueNotices(ctx, t0.Add(time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].MessageID != m.ID || due[0].NoticeAttempts != 1 {
			t.Fatalf("DueNotices = %+v, want the pending notice after one attempt", due)
		}

		seen := due[0].NoticeNextAt
		claimed, err := s.ClaimNotice(ctx, m.ID, seen, t0.Add(time.Hour))
		if err != nil || !claimed {
			t.Fatalf("first ClaimNotice = %v, %v; want true", claimed, err)
		}
		claimed, err = s.ClaimNotice(ctx, m.ID, seen, t0.Add(time.Hour))
		if err != nil || claimed {
			t.Errorf("second ClaimNotice = %v, %v; want false", claimed, err)
		}

		if err := s.SetNotice(ctx, m.ID, store.NoticeSent, 2, time.Time{}); err != nil {
			t.Fatal(err)
		}
		rc, err := s.ReceiptForSite(ctx, "lingen", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Notice != store.NoticeSent || rc.NoticeAttempts != 2 {
			t.Errorf("receipt notice = %q after %d attempts, want sent after 2", rc.Notice, rc.NoticeAttempts)
		}
		due, err = s.DueNotices(ctx, t0.Add(48*time.Hour), 10)
		if err != nil || len(due) != 0 {
			t.Errorf("DueNotices after sending = %d, %v; want none", len(due), err)
		}
	})
}
