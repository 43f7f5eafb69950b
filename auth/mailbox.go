package auth

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// mailboxPageSize is how many messages one page of the mailbox lists.
const mailboxPageSize = 25

// messageView is a message as the mailbox pages show it.
type messageView struct {
	ID     string
	Sender string
	// Subject is empty while the message is locked.
	Subject string
	// Locked means the session's login is too weak for the message:
	// only sender, dates and the attachment count are shown.
	Locked      bool
	SecondLogin bool
	CreatedAt   time.Time
	ReplyBy     time.Time
	ExpiresAt   time.Time
	Unread      bool
	Archived    bool
	Attachments int

	// Path, Title, Meta and Details are the texts of the list entry.
	Path    string
	Title   string
	Meta    string
	Details string
}

func (s *Service) newMessageView(m *store.Message, level int) messageView {
	v := messageView{ID: m.ID, Sender: s.senderName(m.Site), Locked: level < m.MinLevel,
		SecondLogin: m.MinLevel >= levelFactor, CreatedAt: m.CreatedAt, ReplyBy: m.ReplyBy,
		ExpiresAt: m.ExpiresAt, Unread: m.ReadAt.IsZero(), Archived: !m.ArchivedAt.IsZero(),
		Attachments: m.AttachmentCount, Path: "/postfach/" + url.PathEscape(m.ID),
		Title: "Geschützte Nachricht"}
	if !v.Locked {
		v.Subject, v.Title = m.Subject, m.Subject
	}

	v.Meta = v.Sender + " · " + formatDateTime(m.CreatedAt)
	if v.Unread {
		v.Meta += " · ungelesen"
	}
	var details []string
	switch n := m.AttachmentCount; {
	case n == 1:
		details = append(details, "1 Anhang")
	case n > 1:
		details = append(details, strconv.Itoa(n)+" Anhänge")
	}
	if !m.ReplyBy.IsZero() {
		details = append(details, "Antwort bis "+formatDate(m.ReplyBy))
	}
	v.Details = strings.Join(details, " · ")
	return v
}

// listEntrySize is about the length in bytes of one entry of the mailbox
// list with a subject of some 60 characters, to size the list's buffer
// once instead of growing it repeatedly. An entry with a 29-character
// subject takes 404 bytes.
const listEntrySize = 512

// listEntry writes the message's entry of the mailbox list to b. The
// entries are built here and not in the template because html/template
// makes several reflective calls per value, and for a list of messages
// these were the largest cost of the page. Every text goes through
// template.HTMLEscapeString, and the path is a fixed prefix with the
// escaped message ID.
func (v messageView) listEntry(b *strings.Builder) {
	esc := template.HTMLEscapeString
	b.WriteString(`<li class="message`)
	if v.Unread {
		b.WriteString(` unread`)
	}
	b.WriteString(`">`)
	if !v.Locked {
		b.WriteString(`<label class="select"><input type="checkbox" name="id" value="`)
		b.WriteString(esc(v.ID))
		b.WriteString(`"><span class="visually-hidden">Auswählen: `)
		b.WriteString(esc(v.Title))
		b.WriteString(`</span></label>`)
	}

	b.WriteString("\n<p class=\"meta\">")
	b.WriteString(esc(v.Meta))
	b.WriteString("</p>\n<p class=\"subject\"><a href=\"")
	b.WriteString(esc(v.Path))
	b.WriteString(`">`)
	b.WriteString(esc(v.Title))
	b.WriteString(`</a>`)
	if v.Locked {
		b.WriteString(` <span class="hint">(Öffnen nur mit zweitem Faktor)</span>`)
	}
	b.WriteString(`</p>`)

	if v.Details != "" {
		b.WriteString("\n<p class=\"meta\">")
		b.WriteString(esc(v.Details))
		b.WriteString(`</p>`)
	}
	b.WriteString("</li>\n")
}

// requireMailboxSession is requireSession for the mailbox: a browser
// without a session comes back to the page it asked for after login.
func (s *Service) requireMailboxSession(w http.ResponseWriter, r *http.Request) (*current, error) {
	cur, err := s.loadSession(r)
	if err != nil || cur != nil {
		return cur, err
	}
	next := "/postfach"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	http.Redirect(w, r, "/anmelden?weiter="+url.QueryEscape(next), http.StatusSeeOther)
	return nil, nil
}

func (s *Service) inboxPage(w http.ResponseWriter, r *http.Request) error {
	return s.listMailbox(w, r, false)
}

func (s *Service) archivePage(w http.ResponseWriter, r *http.Request) error {
	return s.listMailbox(w, r, true)
}

func (s *Service) listMailbox(w http.ResponseWriter, r *http.Request, archived bool) error {
	cur, err := s.requireMailboxSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	pageNum, err := strconv.Atoi(r.URL.Query().Get("seite"))
	if err != nil || pageNum < 1 {
		pageNum = 1
	}
	ctx := r.Context()
	now := s.now()
	list, err := s.store.ListMessages(ctx, store.MailboxFilter{AccountID: cur.account.ID,
		Archived: archived, Now: now, Limit: mailboxPageSize + 1,
		Offset: (pageNum - 1) * mailboxPageSize})
	if err != nil {
		return err
	}
	more := len(list) > mailboxPageSize
	if more {
		list = list[:mailboxPageSize]
	}
	var entries strings.Builder
	entries.Grow(len(list) * listEntrySize)
	for i := range list {
		s.newMessageView(&list[i], cur.session.Level).listEntry(&entries)
	}
	unread, err := s.store.CountUnread(ctx, cur.account.ID, now)
	if err != nil {
		return err
	}

	title, base := "Postfach", "/postfach"
	if archived {
		title, base = "Archiv", "/postfach/archiv"
	}
	return s.render(w, http.StatusOK, "mailbox", page{Title: title, Account: cur.account,
		Notice: notice(r), Data: map[string]any{
			"Messages": template.HTML(entries.String()), "Archived": archived, "Unread": unread, "Base": base,
			"Page": pageNum, "Previous": pageNum - 1, "Next": pageNum + 1, "More": more,
		}})
}

// loadMessage returns the account's message named in the path. Another
// account's message, an expired one and a malformed ID are all 404.
func (s *Service) loadMessage(r *http.Request, cur *current) (*store.Message, error) {
	m, err := s.store.MessageForAccount(r.Context(), cur.account.ID, r.PathValue("id"), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	return m, err
}

// messagePage shows a message. Opening it records the retrieval: the
// message and its receipt are marked read, which is the evidence shown
// to the commune. A message that needs a second factor shows only its
// metadata in a session without one, and records nothing.
func (s *Service) messagePage(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireMailboxSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	m, err := s.loadMessage(r, cur)
	if err != nil {
		return err
	}
	view := s.newMessageView(m, cur.session.Level)
	data := map[string]any{"Message": view}
	if view.Locked {
		totp, passkeys, err := s.hasFactor(r.Context(), cur.account.ID)
		if err != nil {
			return err
		}
		data["HasFactor"] = totp || passkeys
		data["StepUp"] = "/konto/bestaetigen?weiter=" + url.QueryEscape("/postfach/"+m.ID)
		return s.render(w, http.StatusOK, "mailbox_message", page{Title: "Geschützte Nachricht",
			Account: cur.account, Data: data})
	}

	body, err := s.renderMessage(m.Body)
	if err != nil {
		return err
	}
	atts, err := s.store.ListAttachments(r.Context(), m.ID)
	if err != nil {
		return err
	}
	// HEAD transfers no content, so it retrieves nothing.
	if r.Method != http.MethodHead {
		if err := s.recordRead(r, cur, m, "opened"); err != nil {
			return err
		}
	}
	data["Body"] = body
	data["Attachments"] = atts
	return s.render(w, http.StatusOK, "mailbox_message", page{Title: m.Subject,
		Account: cur.account, Notice: notice(r), Data: data})
}

// recordRead marks an unread message read and audits the retrieval.
func (s *Service) recordRead(r *http.Request, cur *current, m *store.Message, action string) error {
	if !m.ReadAt.IsZero() {
		return nil
	}
	now := s.now()
	if err := s.store.MarkRead(r.Context(), cur.account.ID, m.ID, now); err != nil {
		return err
	}
	m.ReadAt = now
	s.audit.record(r.Context(), now, auditEntry{Event: "message.read", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok",
		Detail: fmt.Sprintf("message %s from %s %s", m.ID, m.Site, action)})
	return nil
}

// messageAction loads the message of a POST action and checks that the
// session may act on it. A locked message sends the browser to its page,
// which explains the step-up.
func (s *Service) messageAction(w http.ResponseWriter, r *http.Request) (*current, *store.Message, error) {
	if err := r.ParseForm(); err != nil {
		return nil, nil, errBadForm
	}
	cur, err := s.requireMailboxSession(w, r)
	if err != nil || cur == nil {
		return nil, nil, err
	}
	m, err := s.loadMessage(r, cur)
	if err != nil {
		return nil, nil, err
	}
	if cur.session.Level < m.MinLevel {
		http.Redirect(w, r, "/postfach/"+m.ID, http.StatusSeeOther)
		return nil, nil, nil
	}
	return cur, m, nil
}

func (s *Service) markRead(w http.ResponseWriter, r *http.Request) error {
	cur, m, err := s.messageAction(w, r)
	if err != nil || cur == nil {
		return err
	}
	if err := s.recordRead(r, cur, m, "marked read"); err != nil {
		return err
	}
	return seeOther(w, r, backToList(m)+"?hinweis=gelesen")
}

func (s *Service) archiveMessage(w http.ResponseWriter, r *http.Request) error {
	cur, m, err := s.messageAction(w, r)
	if err != nil || cur == nil {
		return err
	}
	if err := s.store.SetArchived(r.Context(), cur.account.ID, m.ID, s.now()); err != nil {
		return err
	}
	return seeOther(w, r, "/postfach?hinweis=archiviert")
}

func (s *Service) unarchiveMessage(w http.ResponseWriter, r *http.Request) error {
	cur, m, err := s.messageAction(w, r)
	if err != nil || cur == nil {
		return err
	}
	if err := s.store.SetArchived(r.Context(), cur.account.ID, m.ID, time.Time{}); err != nil {
		return err
	}
	return seeOther(w, r, "/postfach/archiv?hinweis=zurueckgeholt")
}

// deleteMessage removes a message for good after the citizen confirmed
// it on a second page. The commune's receipt notes the deletion.
func (s *Service) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	cur, m, err := s.messageAction(w, r)
	if err != nil || cur == nil {
		return err
	}
	if r.PostForm.Get("bestaetigt") != "ja" {
		return s.render(w, http.StatusOK, "mailbox_delete", page{Title: "Nachricht löschen",
			Account: cur.account, Data: s.newMessageView(m, cur.session.Level)})
	}
	ctx := r.Context()
	now := s.now()
	if err := s.store.DeleteMessage(ctx, cur.account.ID, m.ID, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	s.audit.record(ctx, now, auditEntry{Event: "message.delete", AccountID: cur.account.ID,
		Actor: cur.account.ID, IP: s.clientIP(r), Result: "ok",
		Detail: fmt.Sprintf("message %s from %s", m.ID, m.Site)})
	return seeOther(w, r, backToList(m)+"?hinweis=nachricht-geloescht")
}

// maxSelection bounds how many messages one action from the list changes.
const maxSelection = 100

// selectionActions are the actions of the list's form, with the list to
// return to and the notice to show there.
var selectionActions = map[string]struct{ back, notice string }{
	"gelesen":      {"/postfach", "auswahl-gelesen"},
	"archivieren":  {"/postfach", "auswahl-archiviert"},
	"zurueckholen": {"/postfach/archiv", "auswahl-zurueckgeholt"},
}

// actOnSelection marks read, archives or restores the messages chosen in
// the list. An ID of another account's message makes the whole request
// 404 before anything changes. Locked messages, which the list offers no
// checkbox for, are left alone.
func (s *Service) actOnSelection(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	cur, err := s.requireMailboxSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	action, ok := selectionActions[r.PostForm.Get("aktion")]
	ids := r.PostForm["id"]
	if !ok || len(ids) > maxSelection {
		return errBadForm
	}
	if len(ids) == 0 {
		return seeOther(w, r, action.back+"?hinweis=keine-auswahl")
	}

	ctx := r.Context()
	now := s.now()
	var chosen []*store.Message
	for _, id := range ids {
		m, err := s.store.MessageForAccount(ctx, cur.account.ID, id, now)
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if cur.session.Level >= m.MinLevel {
			chosen = append(chosen, m)
		}
	}
	for _, m := range chosen {
		switch r.PostForm.Get("aktion") {
		case "gelesen":
			err = s.recordRead(r, cur, m, "marked read")
		case "archivieren":
			err = s.store.SetArchived(ctx, cur.account.ID, m.ID, now)
		case "zurueckholen":
			err = s.store.SetArchived(ctx, cur.account.ID, m.ID, time.Time{})
		}
		if err != nil {
			return err
		}
	}
	return seeOther(w, r, action.back+"?hinweis="+action.notice)
}

func backToList(m *store.Message) string {
	if !m.ArchivedAt.IsZero() {
		return "/postfach/archiv"
	}
	return "/postfach"
}

// unreadCount returns the number of unread messages for the start page.
func (s *Service) unreadCount(r *http.Request, cur *current) (int, error) {
	return s.store.CountUnread(r.Context(), cur.account.ID, s.now())
}
