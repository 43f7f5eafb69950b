package auth

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Message is a plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends e-mail.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTPOptions configures delivery through an SMTP relay.
type SMTPOptions struct {
	// Addr is the relay's host:port, such as "mail.example.org:587".
	Addr string
	// Username and Password authenticate with PLAIN after STARTTLS;
	// empty for a relay that needs no login.
	Username string
	Password string
	// From is the sender address, such as "konto@emsland.example".
	From string
	// TLSConfig, if set, is the base of the STARTTLS configuration, such
	// as a certificate pool for a relay with a private certificate.
	TLSConfig *tls.Config
}

// SMTPOptionsFromEnv reads the relay settings from VERBUND_SMTP_ADDR,
// VERBUND_SMTP_USERNAME, VERBUND_SMTP_PASSWORD and VERBUND_SMTP_FROM.
func SMTPOptionsFromEnv() SMTPOptions {
	return SMTPOptions{
		Addr:     os.Getenv("VERBUND_SMTP_ADDR"),
		Username: os.Getenv("VERBUND_SMTP_USERNAME"),
		Password: os.Getenv("VERBUND_SMTP_PASSWORD"),
		From:     os.Getenv("VERBUND_SMTP_FROM"),
	}
}

// smtpMailer delivers through a relay and always upgrades the connection
// with STARTTLS, so neither the login nor the links travel in the clear.
type smtpMailer struct {
	opts SMTPOptions
}

func newSMTPMailer(opts SMTPOptions) (*smtpMailer, error) {
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return nil, fmt.Errorf("invalid SMTP address %q: want host:port: %w", opts.Addr, err)
	}
	if opts.From == "" {
		return nil, errors.New("missing sender address: set VERBUND_SMTP_FROM, such as konto@emsland.example")
	}
	if _, err := mail.ParseAddress(opts.From); err != nil {
		return nil, fmt.Errorf("invalid sender address %q in VERBUND_SMTP_FROM: %w", opts.From, err)
	}
	return &smtpMailer{opts: opts}, nil
}

func (m *smtpMailer) Send(ctx context.Context, msg Message) error {
	to, err := mailAddress(msg.To)
	if err != nil {
		return err
	}
	msg.To = to
	host, _, _ := net.SplitHostPort(m.opts.Addr)
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", m.opts.Addr)
	if err != nil {
		return fmt.Errorf("connecting to SMTP relay %s: %w", m.opts.Addr, err)
	}

	deadline := time.Now().Add(time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}

	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting SMTP relay %s: %w", m.opts.Addr, err)
	}

	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("greeting SMTP relay: %w", err)
	}

	if ok, _ := c.Extension("STARTTLS"); !ok {
		return fmt.Errorf("SMTP relay %s does not offer STARTTLS", m.opts.Addr)
	}

	tlsConf := &tls.Config{}
	if m.opts.TLSConfig != nil {
		tlsConf = m.opts.TLSConfig.Clone()
	}

	tlsConf.ServerName = host
	tlsConf.MinVersion = max(tlsConf.MinVersion, tls.VersionTLS12)
	if err := c.StartTLS(tlsConf); err != nil {
		return fmt.Errorf("starting TLS with SMTP relay: %w", err)
	}

	if m.opts.Username != "" {
		auth := smtp.PlainAuth("", m.opts.Username, m.opts.Password, host)
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("logging in to SMTP relay as %s: %w", m.opts.Username, err)
		}
	}

	if err := c.Mail(m.opts.From); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}

	if err := c.Rcpt(msg.To); err != nil {
		return fmt.Errorf("SMTP RCPT TO: %w", err)
	}

	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}

	if _, err := w.Write(formatMessage(m.opts.From, msg, time.Now())); err != nil {
		return fmt.Errorf("writing message: %w", err)
	}

	if err := w.Close(); err != nil {
		return fmt.Errorf("finishing message: %w", err)
	}

	return c.Quit()
}

// formatMessage renders an RFC 5322 message with an 8bit UTF-8 body and
// an encoded subject.
func formatMessage(from string, msg Message, now time.Time) []byte {
	var b strings.Builder
	id := make([]byte, 12)
	rand.Read(id)
	domain := "localhost"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = d
	}
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", msg.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", msg.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: 8bit\r\n\r\n")
	body := strings.ReplaceAll(msg.Body, "\r\n", "\n")
	for line := range strings.Lines(body) {
		b.WriteString(strings.TrimSuffix(line, "\n"))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// outboxMailer writes each message as a file into a folder, for
// development and tests. Files are named by time so they sort in order.
type outboxMailer struct {
	dir string
	now func() time.Time
}

func newOutboxMailer(dir string, now func() time.Time) (*outboxMailer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating outbox folder: %w", err)
	}
	return &outboxMailer{dir: dir, now: now}, nil
}

func (m *outboxMailer) Send(_ context.Context, msg Message) error {
	to, err := mailAddress(msg.To)
	if err != nil {
		return err
	}
	msg.To = to
	id := make([]byte, 6)
	rand.Read(id)
	name := fmt.Sprintf("%s-%s.eml", time.Now().UTC().Format("20060102T150405.000000000"),
		hex.EncodeToString(id))
	data := formatMessage("konto@localhost", msg, m.now())
	if err := writeFileAtomic(m.dir, name, data); err != nil {
		return fmt.Errorf("writing message to outbox: %w", err)
	}
	return nil
}

// writeOutboxData writes to an outbox file; tests replace it to simulate
// a full disk.
var writeOutboxData = (*os.File).Write

// writeFileAtomic writes data to a temporary file in dir, readable by its
// owner only, and renames it to name once complete, so a full disk or a
// crash never leaves a truncated file under that name.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = writeOutboxData(f, data)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
