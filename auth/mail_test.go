package auth

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// testRelay is a minimal SMTP relay on loopback that offers STARTTLS and
// AUTH PLAIN and records one message.
type testRelay struct {
	addr     string
	pool     *x509.CertPool
	startTLS bool

	mu    sync.Mutex
	auth  string
	from  string
	rcpt  string
	data  string
	onTLS bool
}

func newTestRelay(t *testing.T, startTLS bool) *testRelay {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true,
	}

	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}

	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() { ln.Close() })
	r := &testRelay{addr: ln.Addr().String(), pool: pool, startTLS: startTLS}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		r.serve(conn, tlsConf)
	}()
	return r
}

func (r *testRelay) serve(conn net.Conn, tlsConf *tls.Config) {
	rd := bufio.NewReader(conn)
	write := func(s string) { conn.Write([]byte(s + "\r\n")) }
	write("220 relay ESMTP")
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		r.mu.Lock()
		switch verb {
		case "EHLO":
			if r.startTLS && !r.onTLS {
				write("250-relay")
				write("250 STARTTLS")
			} else {
				write("250-relay")
				write("250 AUTH PLAIN")
			}
		case "STARTTLS":
			write("220 ready")
			tc := tls.Server(conn, tlsConf)
			if err := tc.Handshake(); err != nil {
				r.mu.Unlock()
				return
			}
			conn, rd, r.onTLS = tc, bufio.NewReader(tc), true
		case "AUTH":
			r.auth = line
			write("235 ok")
		case "MAIL":
			r.from = line
			write("250 ok")
		case "RCPT":
			r.rcpt = line
			write("250 ok")
		case "DATA":
			write("354 go on")
			var b strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			r.data = b.String()
			write("250 queued")
		case "QUIT":
			write("221 bye")
			r.mu.Unlock()
			return
		default:
			write("502 unknown")
		}
		r.mu.Unlock()
	}
}

func TestSMTPMailerUsesSTARTTLS(t *testing.T) {
	relay := newTestRelay(t, true)
	m, err := newSMTPMailer(SMTPOptions{Addr: relay.addr, Username: "konto", Password: "relay-secret",
		From: "konto@emsland.example", TLSConfig: &tls.Config{RootCAs: relay.pool}})
	if err != nil {
		t.Fatal(err)
	}
	msg := Message{To: "anna@example.org", Subject: "Bitte bestätigen", Body: "Hallo\nZeile zwei\n"}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	if !relay.onTLS {
		t.Error("the message was sent without TLS")
	}
	want := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00konto\x00relay-secret"))
	if relay.auth != want {
		t.Errorf("AUTH = %q, want %q", relay.auth, want)
	}
	if relay.rcpt != "RCPT TO:<anna@example.org>" {
		t.Errorf("RCPT = %q", relay.rcpt)
	}
	for _, part := range []string{"To: anna@example.org\r\n", "Subject: =?utf-8?q?Bitte_best=C3=A4tigen?=\r\n",
		"Content-Type: text/plain; charset=utf-8\r\n", "\r\n\r\nHallo\r\nZeile zwei\r\n"} {
		if !strings.Contains(relay.data, part) {
			t.Errorf("message lacks %q:\n%s", part, relay.data)
		}
	}
}

func TestSMTPMailerRejectsPlainRelay(t *testing.T) {
	relay := newTestRelay(t, false)
	m, err := newSMTPMailer(SMTPOptions{Addr: relay.addr, Username: "konto", Password: "relay-secret",
		From: "konto@emsland.example", TLSConfig: &tls.Config{RootCAs: relay.pool}})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), Message{To: "anna@example.org", Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("Send to a relay without STARTTLS: err = %v", err)
	}
	relay.mu.Lock()
	defer relay.mu.Unlock()
	if relay.auth != "" || relay.data != "" {
		t.Error("credentials or message sent without TLS")
	}
}

func TestSMTPOptionsChecked(t *testing.T) {
	for _, o := range []SMTPOptions{
		{Addr: "mail.example.org", From: "konto@emsland.example"},
		{Addr: "mail.example.org:587", From: "not an address"},
	} {
		if _, err := newSMTPMailer(o); err == nil {
			t.Errorf("newSMTPMailer(%+v) accepted invalid options", o)
		}
	}
}

func TestSMTPMissingFromNamesVariable(t *testing.T) {
	for _, from := range []string{"", "not an address"} {
		_, err := newSMTPMailer(SMTPOptions{Addr: "mail.example.org:587", From: from})
		if err == nil || !strings.Contains(err.Error(), "VERBUND_SMTP_FROM") {
			t.Errorf("sender address %q: error %v, want one naming VERBUND_SMTP_FROM", from, err)
		}
	}
}
