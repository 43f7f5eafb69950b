package auth

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/internal/favicon"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is the data every template receives.
type page struct {
	Title      string
	Federation string
	// Logo is set when the federation's theme has a logo.
	Logo bool
	// IconSVG is set when the icon at iconPath is an SVG image, else it
	// is a PNG image.
	IconSVG bool
	// Account is the logged-in account, nil when logged out.
	Account *store.Account
	Error   string
	Notice  string
	// Return is a validated portal URL to go back to.
	Return string
	// Next is a path on this service to continue at after login, such
	// as a mailbox page or an OpenID Connect authorization request.
	Next string
	// RelyingParty is the origin of the online service that the page's
	// form leads to in the end, or "". Browsers check form-action against
	// every redirect after a form is sent, so the page's policy allows
	// it.
	RelyingParty string
	Data         any
}

var templateFuncs = template.FuncMap{
	"datetime": formatDateTime,
	"date":     formatDate,
	"kilobytes": func(n int64) string {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	},
}

// formatDateTime formats a time for citizens, in the federation's zone.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(berlin).Format("02.01.2006, 15:04 Uhr")
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(berlin).Format("02.01.2006")
}

// berlin is the time zone dates are shown in; UTC if the system lacks
// zone data.
var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}()

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("listing templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).
			ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", n, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		pages[name] = t
	}
	return pages, nil
}

// render writes a page with status.
func (s *Service) render(w http.ResponseWriter, status int, name string, p page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.Federation = s.cfg.Name
	if site := themeSite(s.cfg); site != nil {
		p.Logo = site.Theme.Logo != ""
	}
	p.IconSVG = s.icon.Type == favicon.TypeSVG
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.Execute(buf, p); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if p.RelyingParty != "" {
		h.Set("Content-Security-Policy", s.contentSecurityPolicy(p.RelyingParty))
	}
	// With the length known, the page goes out in one piece rather than
	// in chunked encoding.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// renderBuffers holds the buffers pages are rendered into, so a page
// view does not allocate and grow a buffer of the page's size each time.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the capacity in bytes above which a render buffer
// is dropped instead of kept, so one unusually large page does not stay
// in memory.
const maxPooledBuffer = 256 << 10

func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBuffer {
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

// httpError is an error with a status code and a message for the
// citizen.
type httpError struct {
	status  int
	title   string
	message string
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.title) }

func errPage(status int, title, message string) error {
	return &httpError{status: status, title: title, message: message}
}

var (
	errNotFound = errPage(http.StatusNotFound, "Seite nicht gefunden",
		"Die aufgerufene Seite gibt es nicht.")
	errBadForm = errPage(http.StatusBadRequest, "Ungültige Anfrage",
		"Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu.")
	errTooMany = errPage(http.StatusTooManyRequests, "Zu viele Versuche",
		"Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.")
	errUnsupportedType = errPage(http.StatusUnsupportedMediaType, "Falscher Inhaltstyp",
		"Diese Schnittstelle nimmt nur application/json an.")
	errLinkInvalid = errPage(http.StatusGone, "Link ungültig",
		"Der Link ist abgelaufen, wurde schon benutzt oder ist unvollständig. "+
			"Bitte fordern Sie einen neuen an.")
)

// appHandler is a handler that returns its error to one adapter, which
// writes the response and logs.
type appHandler func(w http.ResponseWriter, r *http.Request) error

func (s *Service) wrap(h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var he *httpError
		if !errors.As(err, &he) {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				he = &httpError{status: http.StatusRequestEntityTooLarge, title: "Anfrage zu groß",
					message: "Die gesendeten Daten sind zu groß."}
			} else {
				s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
				he = &httpError{status: http.StatusInternalServerError, title: "Interner Fehler",
					message: "Das hat leider nicht geklappt. Bitte versuchen Sie es später erneut."}
			}
		}
		if wantsJSON(r) {
			writeJSON(w, he.status, map[string]string{"fehler": he.message})
			return
		}
		if err := s.render(w, he.status, "message", page{Title: he.title, Error: he.message}); err != nil {
			s.log.Error("rendering error page failed", "err", err)
		}
	})
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") ||
		strings.Contains(r.Header.Get("Accept"), "application/json") ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// requireJSON rejects a state-changing API call whose body is not JSON,
// since only a form or a simple request could be sent cross-site without
// a preflight.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, _ := strings.Cut(ct, ";")
	if strings.TrimSpace(strings.ToLower(mt)) != "application/json" {
		return errUnsupportedType
	}
	return nil
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
