package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/auth/store"
)

// downloadAttachment sends an attachment of the citizen's own message.
// Another account's attachment is 404 like a missing one. The response
// forces a download under a file name the service chose, so the browser
// neither renders the file in the account origin nor trusts a name from
// the sender.
func (s *Service) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.requireMailboxSession(w, r)
	if err != nil || cur == nil {
		return err
	}
	seq, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || seq < 1 || seq > maxAttachments {
		return errNotFound
	}
	a, m, err := s.store.AttachmentForAccount(r.Context(), cur.account.ID, r.PathValue("id"), seq, s.now())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	if cur.session.Level < m.MinLevel {
		return seeOther(w, r, "/postfach/"+m.ID)
	}
	if r.Method != http.MethodHead {
		if err := s.recordRead(r, cur, m, "attachment downloaded"); err != nil {
			return err
		}
	}

	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition(a.Name))
	h.Set("Content-Length", strconv.FormatInt(int64(len(a.Data)), 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(a.Data)
	return err
}

// attachmentName derives the stored file name of an attachment from the
// sender's name: the last path element, reduced to letters, digits,
// spaces, dots, hyphens and underscores, at most 80 characters, always
// ending in ".pdf". Without a usable name it is "Anhang-<n>.pdf".
func attachmentName(raw string, n int) string {
	base := path.Base(strings.ReplaceAll(raw, "\\", "/"))
	var b strings.Builder
	for _, r := range norm.NFC.String(base) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	name := strings.Trim(b.String(), " ._")
	if strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name = strings.TrimRight(name[:len(name)-4], " ._")
	}
	if utf8.RuneCountInString(name) > 80 {
		name = strings.TrimRight(string([]rune(name)[:80]), " ._")
	}
	if name == "" || name == "/" {
		name = fmt.Sprintf("Anhang-%d", n)
	}
	return name + ".pdf"
}

// contentDisposition returns an attachment disposition with an ASCII
// fallback name and the full name in RFC 8187 encoding.
func contentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r > 0x7e || r < 0x20 || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` +
		strings.ReplaceAll(url.PathEscape(name), "+", "%2B")
}
