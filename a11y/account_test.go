package a11y

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/verbund/verbund/auth"
	"github.com/verbund/verbund/auth/store"
)

// The citizen account that the suite registers in the account service.
const (
	accountEmail    = "anna.schulte@example.org"
	accountPassword = "Lange Wanderung durch das Moor im Herbst"
	// factorEmail is a second account, on which the audit sets up an
	// authenticator app, so the login of accountEmail stays one step.
	factorEmail = "bernd.meyer@example.org"
	// newcomerEmail is an address that the audit starts to register but
	// does not finish.
	newcomerEmail = "carla.wessels@example.org"
	// accountSender is the commune that sends the citizen's messages.
	accountSender = "lingen"
	// messageSubject is the subject of the message that needs only the
	// password. stepUpSubject is the subject of the message that needs a
	// second factor.
	messageSubject = "Ihr Bescheid über die Hundesteuer 2026"
	stepUpSubject  = "Ihr Antrag auf einen Bewohnerparkausweis"
)

// accountService is the federation's account service as the suite runs
// it: the real auth.Service on its own SQLite store, reached by the
// browser at the [account] url of sites.toml.
type accountService struct {
	svc   *auth.Service
	store store.Store
	// upstream is the loopback address of the citizens' handler.
	upstream string
	// sender is the loopback address of the sender API.
	sender  string
	dataDir string
	// messageID is the ID of the message with messageSubject, and
	// stepUpID that of the message with stepUpSubject.
	messageID string
	stepUpID  string
}

// startAccount starts the account service of the federation and gives it
// a registered citizen with two messages in the mailbox. It does nothing
// when sites.toml has no [account] url.
//
// The service runs without Insecure, as in production: it sets Secure
// cookies with the __Host- prefix and expects TLS to end in front of it.
// The tab plays that part, because it serves the browser's requests for
// https://<account host> from the service's plain HTTP listener.
func (s *suite) startAccount(tmp string) error {
	if s.cfg.Account.URL == "" {
		return nil
	}
	ctx := context.Background()
	a := &accountService{dataDir: filepath.Join(tmp, "konto")}
	if err := os.MkdirAll(a.dataDir, 0o700); err != nil {
		return fmt.Errorf("creating the account service's data folder: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(a.dataDir, store.SQLiteFile))
	if err != nil {
		return fmt.Errorf("opening the account store: %w", err)
	}
	s.closers = append(s.closers, func() { st.Close() })
	a.store = st

	opts := auth.Options{
		Config:  s.cfg,
		DataDir: a.dataDir,
		Store:   st,
		Logger:  slog.New(slog.DiscardHandler),
	}
	if a.svc, err = auth.New(ctx, opts); err != nil {
		return fmt.Errorf("starting the account service: %w", err)
	}
	s.closers = append(s.closers, func() { a.svc.Close() })
	if err := s.serve(s.cfg.Account.URL, a.svc.Handler()); err != nil {
		return err
	}
	origin, _ := originOf(s.cfg.Account.URL)
	a.upstream = s.upstream[origin]
	// The sender API gets a loopback listener that the browser cannot
	// reach, as in production.
	if a.sender, err = s.listen(a.svc.SenderHandler()); err != nil {
		return fmt.Errorf("starting the sender API: %w", err)
	}

	s.account = a
	return s.seedAccount(ctx, opts)
}

// listen starts h on a loopback port of its own and returns its base URL.
func (s *suite) listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listening on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	s.closers = append(s.closers, func() { srv.Close() })
	return "http://" + ln.Addr().String(), nil
}

// seedAccount registers the citizen through the service's own flow and
// lets the commune accountSender send two messages to the mailbox.
func (s *suite) seedAccount(ctx context.Context, opts auth.Options) error {
	a := s.account
	for _, email := range []string{accountEmail, factorEmail} {
		if err := s.registerAccount(email, accountPassword); err != nil {
			return err
		}
	}
	handle, err := a.handleAt(ctx, accountSender, accountEmail)
	if err != nil {
		return err
	}

	manager, err := auth.OpenManager(ctx, opts)
	if err != nil {
		return fmt.Errorf("opening the account service's manager: %w", err)
	}
	defer manager.Close()
	_, token, err := manager.CreateCredential(ctx, accountSender, "Barrierefreiheitstest")
	if err != nil {
		return fmt.Errorf("creating a sender credential for %s: %w", accountSender, err)
	}

	a.messageID, err = s.sendMessage(token, map[string]any{
		"recipient": handle,
		"subject":   messageSubject,
		"body": "Sehr geehrte Frau Schulte,\n\nanbei erhalten Sie den **Bescheid** über die " +
			"Hundesteuer für das Jahr 2026.\n\n- Betrag: 96,00 Euro\n- fällig am 15. Februar 2026\n",
		"reply_by":    "2026-12-31",
		"attachments": []map[string]any{{"name": "Bescheid-Hundesteuer-2026.pdf", "content": samplePDF}},
	})
	if err != nil {
		return err
	}
	a.stepUpID, err = s.sendMessage(token, map[string]any{
		"recipient":      handle,
		"subject":        stepUpSubject,
		"body":           "Ihr Antrag ist eingegangen.",
		"required_login": "second_factor",
	})
	return err
}

// registerAccount creates a verified account with the forms of the
// registration, as a browser sends them, and the link of the mail in
// the development outbox.
func (s *suite) registerAccount(email, password string) error {
	a := s.account
	if _, err := a.post("/registrieren", url.Values{"email": {email}}, http.StatusOK); err != nil {
		return err
	}
	token, err := a.mailToken(email, "/registrieren/abschliessen")
	if err != nil {
		return err
	}
	form := url.Values{"t": {token}, "password": {password}, "password2": {password}}
	_, err = a.post("/registrieren/abschliessen", form, http.StatusSeeOther)
	return err
}

// post sends a form to the citizens' handler as a same-origin page would
// and checks the response's status.
func (a *accountService) post(path string, form url.Values, want int) (*http.Response, error) {
	req, err := http.NewRequest("POST", a.upstream+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("creating the request for %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := noRedirects.Do(req)
	if err != nil {
		return nil, fmt.Errorf("posting %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return nil, fmt.Errorf("posting %s: status %d, want %d:\n%s", path, resp.StatusCode, want, body)
	}
	return resp, nil
}

// noRedirects is a client that returns redirects instead of following
// them.
var noRedirects = &http.Client{
	Timeout:       actionTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// mailToken returns the token t of the newest link to path on the
// account service in the mails to email in the development outbox. The
// outbox names its files so that they sort by the time of sending. The
// service sends some mails after it responds, such as the reset link, so
// mailToken waits up to mailWait for the link.
func (a *accountService) mailToken(email, path string) (string, error) {
	deadline := time.Now().Add(mailWait)
	for {
		token, err := a.findMailToken(email, path)
		if err == nil || time.Now().After(deadline) {
			return token, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mailWait bounds the wait for a mail that the account service sends
// after it responds.
const mailWait = 10 * time.Second

// findMailToken is mailToken without the wait.
func (a *accountService) findMailToken(email, path string) (string, error) {
	link := regexp.MustCompile(`https://\S+` + regexp.QuoteMeta(path) + `\?t=([^\s&]+)`)
	dir := filepath.Join(a.dataDir, "outbox")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("reading the outbox: %w", err)
	}
	token := ""
	for _, e := range entries {
		mail, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", fmt.Errorf("reading the outbox: %w", err)
		}
		if !bytes.Contains(mail, []byte("\r\nTo: "+email+"\r\n")) {
			continue
		}
		if m := link.FindSubmatch(mail); m != nil {
			token = string(m[1])
		}
	}
	if token == "" {
		return "", fmt.Errorf("no link to %s in the mails to %s in %s", path, email, dir)
	}
	return url.QueryUnescape(token)
}

// handleAt gives the account of email a handle at site, the subject a
// commune's online service learns when the citizen first logs in there
// with OpenID Connect, and returns it.
//
// NOTE: the handle is written to the store directly, which skips the
// consent page of the OpenID Connect flow. The audit does not cover
// that page.
func (a *accountService) handleAt(ctx context.Context, site, email string) (string, error) {
	acc, err := a.store.AccountByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("finding the account of %s: %w", email, err)
	}
	random := make([]byte, 16)
	rand.Read(random)
	h := &store.Handle{Site: site, Subject: hex.EncodeToString(random), AccountID: acc.ID,
		CreatedAt: time.Now().UTC()}
	if err := a.store.CreateHandle(ctx, h); err != nil {
		return "", fmt.Errorf("creating a handle of %s at %s: %w", email, site, err)
	}
	return h.Subject, nil
}

// sendMessage posts a message to the sender API and returns its ID.
func (s *suite) sendMessage(token string, msg map[string]any) (string, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("encoding the message: %w", err)
	}
	req, err := http.NewRequest("POST", s.account.sender+"/v1/messages", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("creating the send request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)

	resp, err := noRedirects.Do(req)
	if err != nil {
		return "", fmt.Errorf("sending message %q: %w", msg["subject"], err)
	}
	defer resp.Body.Close()

	reply, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("reading the sender API's response: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("sending message %q: status %d, want 201:\n%s",
			msg["subject"], resp.StatusCode, reply)
	}

	var sent struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(reply, &sent); err != nil || sent.ID == "" {
		return "", fmt.Errorf("sending message %q: no message ID in %s", msg["subject"], reply)
	}
	return sent.ID, nil
}

// totpCode returns the code of RFC 6238 that an authenticator app shows
// at time now for the base32 secret, with the service's parameters:
// HMAC-SHA1, six digits, 30-second steps.
func totpCode(secret string, now time.Time) (string, error) {
	secret = strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return "", fmt.Errorf("decoding the TOTP secret %q: %w", secret, err)
	}
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(now.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	value := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", value%1_000_000), nil
}

// samplePDF is the smallest well-formed PDF file: a catalog with an empty
// page tree.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
