package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store/storetest"
)

// eachBackend runs fn against a harness on SQLite and, when
// VERBUND_TEST_POSTGRES is set, on PostgreSQL.
func eachBackend(t *testing.T, fn func(t *testing.T, h *harness), opts ...harnessOption) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, newHarness(t, opts...))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, newHarness(t, append(opts, withStore(storetest.OpenPostgres(t)))...))
	})
}

// citizen is a registered, logged-in citizen with a handle at lingen.
type citizen struct {
	client *http.Client
	email  string
	handle string
}

func (h *harness) citizenAt(email, site string) citizen {
	h.t.Helper()
	c := h.register(email, testPassword)
	return citizen{client: c, email: email, handle: h.handleAt(c, site)}
}

// Another account's message or attachment is 404 by any method, and
// lists contain only the account's own messages.
func TestMailboxOtherAccountsMessagesAre404(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		bert := h.citizenAt("bert@example.org", "lingen")
		id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Hundesteuerbescheid",
			"body": "Ihr Bescheid liegt bei.", "attachments": []map[string]any{{"name": "b.pdf", "content": testPDF}}})
		h.sendTo(lingen, map[string]any{"recipient": bert.handle, "subject": "Bescheid für Bert", "body": "x"})

		missing := "0123456789abcdef0123456789abcdef"
		for _, target := range []string{id, missing} {
			for _, path := range []string{"/postfach/" + target, "/postfach/" + target + "/anhang/1"} {
				if r := h.get(bert.client, path); r.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s as another account: status %d, want 404", path, r.StatusCode)
				}
				req, _ := http.NewRequest("HEAD", h.base+path, nil)
				if r := h.do(bert.client, req); r.StatusCode != http.StatusNotFound {
					t.Errorf("HEAD %s as another account: status %d, want 404", path, r.StatusCode)
				}
			}
			for _, action := range []string{"gelesen", "archivieren", "zurueckholen", "loeschen"} {
				path := "/postfach/" + target + "/" + action
				r := h.post(bert.client, path, url.Values{"bestaetigt": {"ja"}})
				if r.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s as another account: status %d, want 404", path, r.StatusCode)
				}
			}
		}

		for _, action := range []string{"gelesen", "archivieren", "zurueckholen"} {
			r := h.post(bert.client, "/postfach/auswahl", url.Values{"aktion": {action}, "id": {id}})
			if r.StatusCode != http.StatusNotFound {
				t.Errorf("list action %s on another account's message: status %d, want 404", action, r.StatusCode)
			}
		}

		list := h.get(bert.client, "/postfach")
		if strings.Contains(list.body, id) || strings.Contains(list.body, "Hundesteuerbescheid") {
			t.Errorf("bert's mailbox lists anna's message:\n%s", list.body)
		}
		if !strings.Contains(list.body, "Bescheid für Bert") {
			t.Errorf("bert's mailbox lacks his own message:\n%s", list.body)
		}
		archive := h.get(bert.client, "/postfach/archiv")
		if strings.Contains(archive.body, id) {
			t.Errorf("bert's archive lists anna's message")
		}

		status := h.callSender("GET", "/v1/messages/"+id, lingen, nil)
		if jsonField(t, status.body, "status") != "delivered" {
			t.Errorf("anna's message after bert's attempts: %s", status.body)
		}
		if r := h.get(anna.client, "/postfach/"+id); !strings.Contains(r.body, "Ihr Bescheid liegt bei.") {
			t.Errorf("anna cannot read her message: status %d", r.StatusCode)
		}
	})
}

// A message that needs a second factor shows only its
// metadata in a password-only session and opens after step-up.
func TestMailboxSecondFactorMessage(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		// The factor is enrolled in another browser, whose session it
		// raises; anna's session stays password-only.
		other := h.client()
		h.login(other, anna.email, testPassword)
		secret := enrollTOTP(t, h, other)

		id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Steuerbescheid 2026",
			"body": "Vertraulicher Inhalt", "required_login": "second_factor",
			"attachments": []map[string]any{{"name": "geheim.pdf", "content": testPDF}}})

		list := h.get(anna.client, "/postfach")
		if strings.Contains(list.body, "Steuerbescheid") || !strings.Contains(list.body, "Geschützte Nachricht") {
			t.Errorf("list in a password-only session shows the subject or hides the message:\n%s", list.body)
		}
		if !strings.Contains(list.body, "Stadt Lingen (Ems)") {
			t.Errorf("list lacks the sender of the protected message")
		}
		page := h.get(anna.client, "/postfach/"+id)
		for _, secretText := range []string{"Steuerbescheid", "Vertraulicher Inhalt", "geheim.pdf", "/anhang/1"} {
			if strings.Contains(page.body, secretText) {
				t.Errorf("protected message page shows %q in a password-only session", secretText)
			}
		}
		if !strings.Contains(page.body, "Mit zweitem Faktor öffnen") {
			t.Errorf("protected message page offers no step-up:\n%s", page.body)
		}
		if r := h.get(anna.client, "/postfach/"+id+"/anhang/1"); r.StatusCode != http.StatusSeeOther ||
			r.Header.Get("Content-Type") == "application/pdf" {
			t.Errorf("attachment of a protected message: status %d, type %q", r.StatusCode, r.Header.Get("Content-Type"))
		}
		if r := h.post(anna.client, "/postfach/"+id+"/loeschen", url.Values{"bestaetigt": {"ja"}}); r.StatusCode != http.StatusSeeOther ||
			r.Header.Get("Location") != "/postfach/"+id {
			t.Errorf("deleting a protected message without step-up: status %d, Location %q",
				r.StatusCode, r.Header.Get("Location"))
		}
		export := h.post(anna.client, "/konto/daten/export", nil)
		if strings.Contains(export.body, "Vertraulicher Inhalt") || strings.Contains(export.body, "Steuerbescheid") {
			t.Errorf("data export of a password-only session contains the protected message")
		}
		if st := h.callSender("GET", "/v1/messages/"+id, lingen, nil); jsonField(t, st.body, "status") != "delivered" {
			t.Errorf("protected message counted as read before step-up: %s", st.body)
		}

		r := h.post(anna.client, "/konto/bestaetigen", url.Values{"password": {testPassword},
			"weiter": {"/postfach/" + id}})
		if r.Header.Get("Location") != "/anmelden/faktor" {
			t.Fatalf("step-up: Location %q", r.Header.Get("Location"))
		}
		r = h.post(anna.client, "/anmelden/faktor", url.Values{"code": {totpCode(secret, totpStepAt(h.clock.Now()))}})
		if r.Header.Get("Location") != "/postfach/"+id {
			t.Fatalf("after the second factor: Location %q", r.Header.Get("Location"))
		}
		page = h.follow(anna.client, r)
		if !strings.Contains(page.body, "Vertraulicher Inhalt") || !strings.Contains(page.body, "geheim.pdf") {
			t.Errorf("protected message after step-up:\n%s", page.body)
		}
		if st := h.callSender("GET", "/v1/messages/"+id, lingen, nil); jsonField(t, st.body, "status") != "read" {
			t.Errorf("status after reading: %s", st.body)
		}
	})
}

// Attachments are bounded, sniffed, allowed only as PDF,
// and downloaded with safe headers under a name the service chose.
func TestMailboxAttachments(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	msg := func(atts ...map[string]any) map[string]any {
		return map[string]any{"recipient": anna.handle, "subject": "Anlage", "body": "x", "attachments": atts}
	}

	rejected := []struct {
		name    string
		content []byte
		status  int
	}{
		{"HTML named .pdf", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), http.StatusUnsupportedMediaType},
		{"plain text", []byte("Bescheid"), http.StatusUnsupportedMediaType},
		{"empty", []byte{}, http.StatusBadRequest},
		{"too large", append([]byte("%PDF-1.7\n"), make([]byte, maxAttachmentSize)...), http.StatusBadRequest},
	}
	for _, c := range rejected {
		r := h.callSender("POST", "/v1/messages", lingen, msg(map[string]any{"name": "a.pdf", "content": c.content}))
		if r.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.name, r.StatusCode, c.status, r.body)
		}
	}
	var six []map[string]any
	for range maxAttachments + 1 {
		six = append(six, map[string]any{"name": "a.pdf", "content": testPDF})
	}
	if r := h.callSender("POST", "/v1/messages", lingen, msg(six...)); r.StatusCode != http.StatusBadRequest {
		t.Errorf("%d attachments: status %d, want 400", len(six), r.StatusCode)
	}

	id := h.sendTo(lingen, msg(
		map[string]any{"name": "../../etc/passwd\"\r\nX-Evil: 1.pdf", "content": testPDF},
		map[string]any{"name": "Bescheid Größe.PDF", "content": testPDF},
		map[string]any{"name": "", "content": testPDF}))

	r := h.get(anna.client, "/postfach/"+id+"/anhang/1")
	if r.StatusCode != http.StatusOK || r.body != string(testPDF) {
		t.Fatalf("download: status %d, %d bytes", r.StatusCode, len(r.body))
	}
	want := map[string]string{
		"Content-Type":           "application/pdf",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"Content-Disposition":    `attachment; filename="passwd___X-Evil_ 1.pdf"; filename*=UTF-8''passwd___X-Evil_%201.pdf`,
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.Header.Get("X-Evil") != "" {
		t.Error("the sender's file name injected a header")
	}

	r = h.get(anna.client, "/postfach/"+id+"/anhang/2")
	if got := r.Header.Get("Content-Disposition"); got !=
		`attachment; filename="Bescheid Gr__e.pdf"; filename*=UTF-8''Bescheid%20Gr%C3%B6%C3%9Fe.pdf` {
		t.Errorf("Content-Disposition of a non-ASCII name = %q", got)
	}
	r = h.get(anna.client, "/postfach/"+id+"/anhang/3")
	if got := r.Header.Get("Content-Disposition"); !strings.Contains(got, `filename="Anhang-3.pdf"`) {
		t.Errorf("Content-Disposition without a name = %q", got)
	}
	if r := h.get(anna.client, "/postfach/"+id+"/anhang/4"); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing attachment: status %d, want 404", r.StatusCode)
	}
}

// The notice of a new message names the sender and links
// to the mailbox, and carries no subject, body, attachment or token.
func TestMailboxNotificationCarriesNoContent(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	before := len(h.mails(anna.email))
	id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Mahnung Hundesteuer",
		"body":        "Bitte zahlen Sie 120 Euro bis Freitag.",
		"attachments": []map[string]any{{"name": "mahnung.pdf", "content": testPDF}}})

	mails := h.mails(anna.email)
	if len(mails) != before+1 {
		t.Fatalf("%d new mails, want 1", len(mails)-before)
	}
	m := mails[len(mails)-1]
	body := m[strings.Index(m, "\r\n\r\n"):]
	if !strings.Contains(body, "Stadt Lingen (Ems)") {
		t.Errorf("notice does not name the sender:\n%s", m)
	}
	for _, leak := range []string{"Mahnung", "120 Euro", "mahnung.pdf", id, anna.handle} {
		if strings.Contains(m, leak) {
			t.Errorf("notice contains %q:\n%s", leak, m)
		}
	}
	links := linkPattern.FindAllString(m, -1)
	if len(links) != 1 || links[0] != h.base+"/postfach" {
		t.Errorf("notice links %q, want only %s/postfach", links, h.base)
	}
}

func TestMailboxReadArchiveDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		first := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Erste Nachricht",
			"body": "eins", "reply_by": h.clock.Now().AddDate(0, 0, 14).Format(time.DateOnly)})
		h.clock.Advance(time.Minute)
		second := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Zweite Nachricht",
			"body": "zwei"})

		list := h.get(anna.client, "/postfach")
		if i, j := strings.Index(list.body, "Zweite"), strings.Index(list.body, "Erste"); i < 0 || j < 0 || i > j {
			t.Errorf("inbox does not list both messages newest first:\n%s", list.body)
		}
		if !strings.Contains(list.body, "2 ungelesen") || !strings.Contains(list.body, "Antwort bis") {
			t.Errorf("inbox lacks the unread count or the reply date:\n%s", list.body)
		}
		if home := h.get(anna.client, "/"); !strings.Contains(home.body, "2 ungelesene") {
			t.Errorf("start page lacks the unread count:\n%s", home.body)
		}

		h.clock.Advance(time.Minute)
		readAt := h.clock.Now()
		if r := h.get(anna.client, "/postfach/"+first); !strings.Contains(r.body, "eins") {
			t.Fatalf("reading: status %d\n%s", r.StatusCode, r.body)
		}
		st := h.callSender("GET", "/v1/messages/"+first, lingen, nil)
		if jsonField(t, st.body, "status") != "read" || !strings.Contains(st.body, readAt.Format(time.RFC3339)) {
			t.Errorf("status after reading: %s", st.body)
		}
		if r := h.post(anna.client, "/postfach/"+second+"/gelesen", nil); !strings.Contains(r.Header.Get("Location"), "hinweis=gelesen") {
			t.Errorf("mark read: Location %q", r.Header.Get("Location"))
		}
		if st := h.callSender("GET", "/v1/messages/"+second, lingen, nil); jsonField(t, st.body, "status") != "read" {
			t.Errorf("status after marking read: %s", st.body)
		}

		h.post(anna.client, "/postfach/"+first+"/archivieren", nil)
		if inbox := h.get(anna.client, "/postfach"); strings.Contains(inbox.body, "Erste") {
			t.Error("archived message still in the inbox")
		}
		if archive := h.get(anna.client, "/postfach/archiv"); !strings.Contains(archive.body, "Erste") {
			t.Error("archived message not in the archive")
		}
		h.post(anna.client, "/postfach/"+first+"/zurueckholen", nil)
		if inbox := h.get(anna.client, "/postfach"); !strings.Contains(inbox.body, "Erste") {
			t.Error("message not back in the inbox")
		}

		// The list's form acts on several messages at once.
		r := h.post(anna.client, "/postfach/auswahl", url.Values{"aktion": {"archivieren"},
			"id": {first, second}})
		if !strings.Contains(r.Header.Get("Location"), "hinweis=auswahl-archiviert") {
			t.Errorf("archiving a selection: status %d, Location %q", r.StatusCode, r.Header.Get("Location"))
		}
		if archive := h.get(anna.client, "/postfach/archiv"); !strings.Contains(archive.body, "Erste") ||
			!strings.Contains(archive.body, "Zweite") {
			t.Error("selected messages not in the archive")
		}
		h.post(anna.client, "/postfach/auswahl", url.Values{"aktion": {"zurueckholen"}, "id": {first, second}})
		if inbox := h.get(anna.client, "/postfach"); !strings.Contains(inbox.body, "Zweite") {
			t.Error("selected messages not back in the inbox")
		}

		confirm := h.post(anna.client, "/postfach/"+first+"/loeschen", nil)
		if confirm.StatusCode != http.StatusOK || !strings.Contains(confirm.body, "Endgültig löschen") {
			t.Fatalf("delete without confirmation: status %d", confirm.StatusCode)
		}
		if r := h.get(anna.client, "/postfach/"+first); r.StatusCode != http.StatusOK {
			t.Fatalf("message gone before the confirmation: status %d", r.StatusCode)
		}
		h.post(anna.client, "/postfach/"+first+"/loeschen", url.Values{"bestaetigt": {"ja"}})
		if r := h.get(anna.client, "/postfach/"+first); r.StatusCode != http.StatusNotFound {
			t.Errorf("deleted message: status %d, want 404", r.StatusCode)
		}
		st = h.callSender("GET", "/v1/messages/"+first, lingen, nil)
		if jsonField(t, st.body, "status") != "removed" || jsonField(t, st.body, "deleted_by") != "citizen" {
			t.Errorf("status after deletion: %s", st.body)
		}

		events, err := h.store.ListAudit(context.Background(), h.account(anna.email).ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range events {
			seen[e.Event] = true
		}
		for _, want := range []string{"message.send", "message.read", "message.delete"} {
			if !seen[want] {
				t.Errorf("audit trail lacks %s", want)
			}
		}
	})
}

func TestMailboxRendersMarkdownSafely(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "<b>Betreff</b>",
		"body": "# Überschrift\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n" +
			"[Klick](javascript:alert(3)) und [Portal](https://lingen.emsland.example/)\n\n" +
			"![Zähler](https://tracker.example/pixel.png)\n\n**fett**"})
	r := h.get(anna.client, "/postfach/"+id)
	for _, bad := range []string{"<script>alert", "onerror", "javascript:", "tracker.example", "<b>Betreff"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("message page contains %q", bad)
		}
	}
	for _, good := range []string{"<h2", "Überschrift", "<strong>fett</strong>", "[Bild: Zähler]",
		`href="https://lingen.emsland.example/" rel="noopener noreferrer nofollow"`, "&lt;b&gt;Betreff"} {
		if !strings.Contains(r.body, good) {
			t.Errorf("message page lacks %q:\n%s", good, r.body)
		}
	}
}

func TestMailboxExportContainsMessagesAndHandles(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	bert := h.citizenAt("bert@example.org", "lingen")
	h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Für Anna", "body": "Annas Text",
		"attachments": []map[string]any{{"name": "anna.pdf", "content": testPDF}}})
	h.sendTo(lingen, map[string]any{"recipient": bert.handle, "subject": "Für Bert", "body": "Berts Text"})

	r := h.post(anna.client, "/konto/daten/export", nil)
	for _, want := range []string{"Für Anna", "Annas Text", "anna.pdf", anna.handle, "Stadt Lingen (Ems)"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	for _, other := range []string{"Für Bert", "Berts Text", bert.handle} {
		if strings.Contains(r.body, other) {
			t.Errorf("export contains another account's %q", other)
		}
	}
}

func TestMailboxRetentionPurge(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		short := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Kurz", "body": "x",
			"retention_days": 1, "attachments": []map[string]any{{"name": "k.pdf", "content": testPDF}}})
		long := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Lang", "body": "y",
			"retention_days": 60})

		h.clock.Advance(25 * time.Hour)
		// The session ended meanwhile; anna logs in again.
		anna.client = h.client()
		h.login(anna.client, anna.email, testPassword)
		if r := h.get(anna.client, "/postfach/"+short); r.StatusCode != http.StatusNotFound {
			t.Errorf("expired message before the purge: status %d, want 404", r.StatusCode)
		}
		if err := h.svc.purge(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := h.store.ListAttachments(ctx, short); err != nil {
			t.Fatal(err)
		}
		if atts, _ := h.store.ListAttachments(ctx, short); len(atts) != 0 {
			t.Errorf("attachments of the expired message survived the purge")
		}
		st := h.callSender("GET", "/v1/messages/"+short, lingen, nil)
		if jsonField(t, st.body, "status") != "removed" || jsonField(t, st.body, "deleted_by") != "retention" {
			t.Errorf("status of the expired message: %s", st.body)
		}
		if r := h.get(anna.client, "/postfach/"+long); r.StatusCode != http.StatusOK {
			t.Errorf("unexpired message: status %d", r.StatusCode)
		}

		// The evidence outlives the content until the evidence retention
		// ends, 30 days in this harness.
		h.clock.Advance(20 * 24 * time.Hour)
		h.svc.purge(ctx)
		if st := h.callSender("GET", "/v1/messages/"+short, lingen, nil); st.StatusCode != http.StatusOK {
			t.Errorf("receipt gone before the evidence retention ended: status %d", st.StatusCode)
		}
		h.clock.Advance(10 * 24 * time.Hour)
		h.svc.purge(ctx)
		if st := h.callSender("GET", "/v1/messages/"+short, lingen, nil); st.StatusCode != http.StatusNotFound {
			t.Errorf("receipt after the evidence retention: status %d, want 404", st.StatusCode)
		}
		// The long message keeps its receipt as long as its content.
		if st := h.callSender("GET", "/v1/messages/"+long, lingen, nil); st.StatusCode != http.StatusOK {
			t.Errorf("receipt of a kept message removed: status %d", st.StatusCode)
		}
	}, withOptions(func(o *Options) { o.EvidenceRetention = 30 * 24 * time.Hour }))
}

func TestMailboxLoginReturnsToMessage(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Hallo", "body": "x"})

	c := h.client()
	r := h.get(c, "/postfach/"+id)
	if r.Header.Get("Location") != "/anmelden?weiter="+url.QueryEscape("/postfach/"+id) {
		t.Fatalf("mailbox without session: Location %q", r.Header.Get("Location"))
	}
	r = h.post(c, "/anmelden", url.Values{"email": {anna.email}, "password": {testPassword},
		"weiter": {"/postfach/" + id}})
	if r.Header.Get("Location") != "/postfach/"+id {
		t.Errorf("after login: Location %q, want the message", r.Header.Get("Location"))
	}
	r = h.post(h.client(), "/anmelden", url.Values{"email": {anna.email}, "password": {testPassword},
		"weiter": {"//evil.example/x"}})
	if r.Header.Get("Location") != "/" {
		t.Errorf("login with a foreign weiter: Location %q, want /", r.Header.Get("Location"))
	}
}
