package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// A credential sends only as its own commune and cannot
// see, recall or delete another commune's messages.
func TestSenderActsOnlyAsItsCommune(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen, haren := h.senderToken("lingen"), h.senderToken("haren")
		anna := h.citizenAt("anna@example.org", "lingen")
		annaHaren := h.handleAt(anna.client, "haren")

		for _, field := range []string{"sender", "site", "from"} {
			msg := map[string]any{"recipient": annaHaren, "subject": "Gefälscht", "body": "x", field: "haren"}
			r := h.callSender("POST", "/v1/messages", lingen, msg)
			if r.StatusCode != http.StatusBadRequest || jsonField(t, r.body, "error") != "sender_not_allowed" {
				t.Errorf("request naming %s: status %d\n%s", field, r.StatusCode, r.body)
			}
		}
		msg := map[string]any{"recipient": anna.handle, "subject": "Von Lingen", "body": "x", "absender": "haren"}
		if r := h.callSender("POST", "/v1/messages", lingen, msg); r.StatusCode != http.StatusBadRequest {
			t.Errorf("request with an unknown field: status %d, want 400", r.StatusCode)
		}

		id := h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "Von Lingen", "body": "x"})
		if page := h.get(anna.client, "/postfach"); !strings.Contains(page.body, "Stadt Lingen (Ems)") {
			t.Errorf("message not labelled with its sender:\n%s", page.body)
		}

		if r := h.callSender("GET", "/v1/messages/"+id, haren, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("haren reads lingen's status: status %d, want 404", r.StatusCode)
		}
		if r := h.callSender("DELETE", "/v1/messages/"+id, haren, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("haren recalls lingen's message: status %d, want 404", r.StatusCode)
		}
		if r := h.callSender("GET", "/v1/messages", haren, nil); strings.Contains(r.body, id) {
			t.Errorf("haren's list contains lingen's message: %s", r.body)
		}
		if r := h.get(anna.client, "/postfach/"+id); r.StatusCode != http.StatusOK {
			t.Errorf("message gone after haren's recall attempt: status %d", r.StatusCode)
		}
		if r := h.callSender("GET", "/v1/messages", lingen, nil); !strings.Contains(r.body, id) {
			t.Errorf("lingen's list lacks its message: %s", r.body)
		}

		// Lingen's own recall works and leaves the evidence.
		r := h.callSender("DELETE", "/v1/messages/"+id, lingen, nil)
		if r.StatusCode != http.StatusOK || jsonField(t, r.body, "deleted_by") != "sender" {
			t.Errorf("recall: status %d\n%s", r.StatusCode, r.body)
		}
		if r := h.get(anna.client, "/postfach/"+id); r.StatusCode != http.StatusNotFound {
			t.Errorf("recalled message: status %d, want 404", r.StatusCode)
		}
	})
}

// A commune reaches citizens only through its own handles. Other
// communes' handles and random strings get the same response.
func TestSenderUnknownRecipientsLookAlike(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		annaHaren := h.handleAt(anna.client, "haren")
		account := h.account(anna.email)

		var first *response
		for _, recipient := range []string{annaHaren, "dGhpcyBpcyBub3QgYSBoYW5kbGU", account.ID, anna.email, ""} {
			r := h.callSender("POST", "/v1/messages", lingen,
				map[string]any{"recipient": recipient, "subject": "Hallo", "body": "x"})
			if r.StatusCode != http.StatusUnprocessableEntity || jsonField(t, r.body, "error") != "unknown_recipient" {
				t.Errorf("recipient %q: status %d\n%s", recipient, r.StatusCode, r.body)
			}
			if first == nil {
				first = r
			} else if r.body != first.body {
				t.Errorf("recipient %q answers %q, unlike %q", recipient, r.body, first.body)
			}
		}
		if n, _ := h.store.CountUnread(context.Background(), account.ID, h.clock.Now()); n != 0 {
			t.Errorf("%d messages delivered to unknown recipients", n)
		}
	})
}

func TestSenderCredentials(t *testing.T) {
	h := newHarness(t)
	anna := h.citizenAt("anna@example.org", "lingen")
	msg := map[string]any{"recipient": anna.handle, "subject": "Hallo", "body": "x"}
	token := h.senderToken("lingen")

	for name, tok := range map[string]string{
		"none":         "",
		"wrong secret": token[:len(token)-4] + "AAAA",
		"no prefix":    strings.TrimPrefix(token, credentialPrefix),
		"garbage":      "vbs_x",
	} {
		r := h.callSender("POST", "/v1/messages", tok, msg)
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("credential %s: status %d, want 401 with WWW-Authenticate", name, r.StatusCode)
		}
	}

	id, _, _ := strings.Cut(strings.TrimPrefix(token, credentialPrefix), ".")
	if err := h.manager().RevokeCredential(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if r := h.callSender("POST", "/v1/messages", token, msg); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked credential: status %d, want 401", r.StatusCode)
	}
	if r := h.callSender("GET", "/v1/messages", token, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked credential listing: status %d, want 401", r.StatusCode)
	}
	stored, err := h.store.CredentialByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored.SecretHash), strings.SplitN(token, ".", 2)[1]) {
		t.Error("the credential's secret is stored in the clear")
	}
}

func TestSenderValidation(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	valid := func() map[string]any {
		return map[string]any{"recipient": anna.handle, "subject": "Hallo", "body": "x"}
	}
	cases := []struct {
		name  string
		field string
		value any
		code  string
	}{
		{"no subject", "subject", "", "invalid_subject"},
		{"long subject", "subject", strings.Repeat("ä", maxSubject+1), "invalid_subject"},
		{"line break in subject", "subject", "Hallo\r\nBcc: x", "invalid_subject"},
		{"right-to-left override in subject", "subject", "Rechnung \u202Efdp.exe", "invalid_subject"},
		{"zero-width space in subject", "subject", "Stadt\u200bLingen", "invalid_subject"},
		{"bidi isolate in subject", "subject", "Bescheid \u2067x\u2069", "invalid_subject"},
		{"long body", "body", strings.Repeat("x", maxMessageBody+1), "invalid_body"},
		{"login strength", "required_login", "eid", "invalid_required_login"},
		{"reply date format", "reply_by", "31.12.2026", "invalid_reply_by"},
		{"reply date past", "reply_by", "2020-01-01", "invalid_reply_by"},
		{"retention", "retention_days", 5000, "invalid_retention"},
		{"negative retention", "retention_days", -1, "invalid_retention"},
	}
	for _, c := range cases {
		msg := valid()
		msg[c.field] = c.value
		r := h.callSender("POST", "/v1/messages", lingen, msg)
		if r.StatusCode != http.StatusBadRequest || jsonField(t, r.body, "error") != c.code {
			t.Errorf("%s: status %d\n%s", c.name, r.StatusCode, r.body)
		}
	}

	msg := valid()
	msg["body"] = ""
	if r := h.callSender("POST", "/v1/messages", lingen, msg); jsonField(t, r.body, "error") != "empty_message" {
		t.Errorf("empty message: %s", r.body)
	}

	req, _ := http.NewRequest("POST", h.senderAPI()+"/v1/messages",
		strings.NewReader("recipient="+anna.handle+"&subject=x&body=y"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+lingen)
	if r := h.do(http.DefaultClient, req); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form-encoded request: status %d, want 415", r.StatusCode)
	}
	if r := h.callSender("GET", "/v1/messages?limit=0", lingen, nil); r.StatusCode != http.StatusBadRequest {
		t.Errorf("limit=0: status %d, want 400", r.StatusCode)
	}
}

func TestSenderIdempotencyKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		lingen := h.senderToken("lingen")
		anna := h.citizenAt("anna@example.org", "lingen")
		msg := map[string]any{"recipient": anna.handle, "subject": "Einmal", "body": "x"}

		first := h.callSender("POST", "/v1/messages", lingen, msg, "Idempotency-Key", "antrag-4711")
		again := h.callSender("POST", "/v1/messages", lingen, msg, "Idempotency-Key", "antrag-4711")
		if first.StatusCode != http.StatusCreated || again.StatusCode != http.StatusOK {
			t.Fatalf("statuses %d and %d, want 201 and 200", first.StatusCode, again.StatusCode)
		}
		if a, b := jsonField(t, first.body, "id"), jsonField(t, again.body, "id"); a != b {
			t.Errorf("a retry created message %s besides %s", b, a)
		}
		list, _ := h.store.ListMessages(context.Background(), storeFilter(h, anna.email))
		if len(list) != 1 {
			t.Errorf("%d messages in the mailbox after a retry, want 1", len(list))
		}
		if r := h.callSender("POST", "/v1/messages", lingen, msg, "Idempotency-Key", "zwei wörter"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("invalid key: status %d, want 400", r.StatusCode)
		}
	})
}

func TestSenderListPages(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	anna := h.citizenAt("anna@example.org", "lingen")
	// Pairs of messages share a send time, so the pages must order
	// within one instant too.
	var ids []string
	for i := range 6 {
		ids = append(ids, h.sendTo(lingen, map[string]any{"recipient": anna.handle, "subject": "s", "body": "x"}))
		if i%2 == 1 {
			h.clock.Advance(time.Second)
		}
	}
	var page struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
		NextBefore string `json:"next_before"`
	}

	var got []string
	path := "/v1/messages?limit=3"
	for range 6 {
		r := h.callSender("GET", path, lingen, nil)
		page.NextBefore = ""
		page.Messages = nil
		if err := json.Unmarshal([]byte(r.body), &page); err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Messages {
			got = append(got, m.ID)
		}
		if page.NextBefore == "" {
			break
		}
		path = "/v1/messages?limit=3&before=" + url.QueryEscape(page.NextBefore)
	}

	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	if len(got) != len(ids) || len(seen) != len(ids) {
		t.Errorf("pages list %v, want each of %v once", got, ids)
	}
	if len(got) == len(ids) && (!strings.Contains(ids[4]+ids[5], got[0]) || !strings.Contains(ids[0]+ids[1], got[5])) {
		t.Errorf("pages list %v, want newest first", got)
	}
}

// The sender API is not served on the citizens' listener.
func TestSenderAPINotOnCitizensListener(t *testing.T) {
	h := newHarness(t)
	token := h.senderToken("lingen")
	for _, method := range []string{"GET", "POST"} {
		req, _ := http.NewRequest(method, h.base+"/v1/messages", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		if r := h.do(h.client(), req); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s /v1/messages on the citizens' listener: status %d, want 404", method, r.StatusCode)
		}
	}
	if r := h.callSender("GET", "/postfach", token, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("citizens' page on the sender listener: status %d, want 404", r.StatusCode)
	}
}

func storeFilter(h *harness, email string) store.MailboxFilter {
	return store.MailboxFilter{AccountID: h.account(email).ID, Now: h.clock.Now(), Limit: 100}
}

func TestSenderBearerScheme(t *testing.T) {
	h := newHarness(t)
	lingen := h.senderToken("lingen")
	for _, header := range []string{"Bearer " + lingen, "bearer " + lingen, "BEARER  " + lingen} {
		req, _ := http.NewRequest("GET", h.senderAPI()+"/v1/messages", nil)
		req.Header.Set("Authorization", header)
		if r := h.do(http.DefaultClient, req); r.StatusCode != http.StatusOK {
			t.Errorf("Authorization %q: status %d, want 200", strings.Replace(header, lingen, "<token>", 1),
				r.StatusCode)
		}
	}
}

func TestSenderDeniedAuditsNoTypedText(t *testing.T) {
	h := newHarness(t)
	typed := "vbs_MeinGeheimesPasswort2026.x"
	if r := h.callSender("GET", "/v1/messages", typed, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("malformed credential: status %d, want 401", r.StatusCode)
	}
	_, raw := auditLines(t, h)
	if strings.Contains(raw, "MeinGeheimesPasswort") {
		t.Errorf("audit log contains the typed credential ID:\n%s", raw)
	}
	if !strings.Contains(raw, "malformed credential") {
		t.Errorf("audit log lacks the denied request:\n%s", raw)
	}
}

func TestLabelsRejectSpoofingCharacters(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{"Hundesteuer \u202Etxt", "Hunde\u200dsteuer"} {
		if _, _, err := h.manager().CreateCredential(context.Background(), "lingen", name); err == nil {
			t.Errorf("credential name %+q accepted", name)
		}
	}
}

func TestSenderDeniedAuditsEveryForm(t *testing.T) {
	h := newHarness(t)
	headers := map[string]string{
		"":                                   "missing credential",
		"Basic R2VoZWltMTIzOkdlaGVpbTEyMw==": "malformed credential",
		"Bearer Geheim123":                   "malformed credential",
		"Bearer vbs_Geheim123":               "malformed credential",
		"Bearer vbs_0123456789abcdef.":       "malformed credential",
		"Bearer Geheim123" + strings.Repeat("x", 300): "malformed credential",
	}
	for header, result := range headers {
		before, _ := auditLines(t, h)
		req, _ := http.NewRequest("GET", h.senderAPI()+"/v1/messages", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		if r := h.do(http.DefaultClient, req); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %.30q: status %d, want 401", header, r.StatusCode)
		}
		lines, raw := auditLines(t, h)
		if len(lines) != len(before)+1 {
			t.Errorf("Authorization %.30q: %d audit lines, want 1", header, len(lines)-len(before))
			continue
		}
		last := lines[len(lines)-1]
		if last["msg"] != "sender.denied" || last["result"] != result {
			t.Errorf("Authorization %.30q: audit line %v, want sender.denied with %q", header, last, result)
		}
		if strings.Contains(raw, "Geheim123") || strings.Contains(raw, "R2VoZWlt") {
			t.Errorf("audit log contains the typed credential:\n%s", raw)
		}
	}
}

func TestSenderDeniedAuditBounded(t *testing.T) {
	h := newHarness(t, withRateLimits())
	for range 100 {
		if r := h.callSender("GET", "/v1/messages", "Geheim123", nil); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", r.StatusCode)
		}
	}
	lines, _ := auditLines(t, h)
	denied := 0
	for _, l := range lines {
		if l["msg"] == "sender.denied" {
			denied++
		}
	}
	budget := defaultBudgets[rateSenderAudit].burst
	if denied < budget || denied > budget+2 {
		t.Errorf("%d of 100 denied requests audited, want about %d", denied, budget)
	}
	if !strings.Contains(h.logs.String(), "not all are audited") {
		t.Errorf("unaudited denials not logged:\n%s", h.logs)
	}
}
