package auth

import (
	"net/http"
	"time"

	"github.com/verbund/verbund/auth/store"
)

type exportMessage struct {
	Absender      string     `json:"absender"`
	Betreff       string     `json:"betreff,omitempty"`
	Text          string     `json:"text,omitempty"`
	Geschuetzt    bool       `json:"nur_mit_zweitem_faktor"`
	Eingegangen   time.Time  `json:"eingegangen"`
	Gelesen       *time.Time `json:"gelesen"`
	Archiviert    bool       `json:"archiviert"`
	AntwortBis    *time.Time `json:"antwort_bis,omitempty"`
	AufbewahrtBis time.Time  `json:"aufbewahrt_bis"`
	Anhaenge      []string   `json:"anhaenge"`
}

type exportHandle struct {
	Kommune  string    `json:"kommune"`
	Kennung  string    `json:"kennung"`
	Angelegt time.Time `json:"angelegt"`
}

// exportMailbox collects the account's messages and handles for the data
// export. Attachments are named, not included: they can be downloaded
// from the mailbox.
func (s *Service) exportMailbox(r *http.Request, cur *current) ([]exportMessage, []exportHandle, error) {
	ctx := r.Context()
	now := s.now()
	messages := []exportMessage{}
	for _, archived := range []bool{false, true} {
		for offset := 0; ; offset += 500 {
			list, err := s.store.ListMessages(ctx, store.MailboxFilter{AccountID: cur.account.ID,
				Archived: archived, Now: now, Limit: 500, Offset: offset})
			if err != nil {
				return nil, nil, err
			}
			for i := range list {
				e, err := s.exportMessage(r, cur, &list[i])
				if err != nil {
					return nil, nil, err
				}
				messages = append(messages, e)
			}
			if len(list) < 500 {
				break
			}
		}
	}

	handles, err := s.store.ListHandles(ctx, cur.account.ID)
	if err != nil {
		return nil, nil, err
	}
	out := []exportHandle{}
	for _, h := range handles {
		out = append(out, exportHandle{Kommune: s.senderName(h.Site), Kennung: h.Subject,
			Angelegt: h.CreatedAt})
	}
	return messages, out, nil
}

func (s *Service) exportMessage(r *http.Request, cur *current, m *store.Message) (exportMessage, error) {
	e := exportMessage{Absender: s.senderName(m.Site), Geschuetzt: m.MinLevel >= levelFactor,
		Eingegangen: m.CreatedAt, Archiviert: !m.ArchivedAt.IsZero(), AufbewahrtBis: m.ExpiresAt,
		Anhaenge: []string{}}
	if !m.ReadAt.IsZero() {
		t := m.ReadAt
		e.Gelesen = &t
	}
	if !m.ReplyBy.IsZero() {
		t := m.ReplyBy
		e.AntwortBis = &t
	}
	if cur.session.Level < m.MinLevel {
		return e, nil
	}
	full, err := s.store.MessageForAccount(r.Context(), cur.account.ID, m.ID, s.now())
	if err != nil {
		return e, err
	}
	e.Betreff, e.Text = full.Subject, full.Body
	atts, err := s.store.ListAttachments(r.Context(), m.ID)
	if err != nil {
		return e, err
	}
	for _, a := range atts {
		e.Anhaenge = append(e.Anhaenge, a.Name)
	}
	return e, nil
}
