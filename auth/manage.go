package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/federation"
)

// Manager registers online services and sender credentials in the
// store, for the command line. It needs no running service: it opens
// sites.toml, the store and the audit log of the data folder itself.
type Manager struct {
	s *Service
}

// OpenManager opens what opts name: ConfigPath or Config, DataDir,
// DatabaseURL or Store, Logger and Now. Other options are ignored.
func OpenManager(ctx context.Context, opts Options) (*Manager, error) {
	s := &Service{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}

	if err := s.loadConfig(); err != nil {
		return nil, err
	}
	if s.opts.DataDir != "" {
		if err := prepareDataDir(s.opts.DataDir, s.log); err != nil {
			return nil, err
		}
	}
	if err := s.openStore(ctx); err != nil {
		return nil, err
	}

	if s.opts.DataDir == "" {
		s.Close()
		return nil, errors.New("no data folder: set DataDir for the audit log")
	}
	if err := os.MkdirAll(s.opts.DataDir, 0o700); err != nil {
		s.Close()
		return nil, fmt.Errorf("creating data folder: %w", err)
	}

	f, err := os.OpenFile(filepath.Join(s.opts.DataDir, AuditFile),
		os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("opening audit log: %w", err)
	}
	s.auditFile = f
	s.audit = newAuditor(f, s.store, s.log)
	return &Manager{s: s}, nil
}

// Close releases the store and the audit log.
func (m *Manager) Close() error { return m.s.Close() }

// ClientSpec describes an online service to register.
type ClientSpec struct {
	// Site is the ID in sites.toml of the commune running the service.
	Site string
	// Name is shown to citizens when they first log in to it.
	Name string
	// RedirectURIs are the service's callback URLs: https, or http on
	// loopback for development, without a fragment.
	RedirectURIs []string
}

// AddClient registers an online service and returns it with its client
// secret, which is stored only as a hash and cannot be shown again.
func (m *Manager) AddClient(ctx context.Context, spec ClientSpec) (*store.Client, string, error) {
	if err := m.checkSite(spec.Site); err != nil {
		return nil, "", err
	}
	name, err := checkLabel("name", spec.Name)
	if err != nil {
		return nil, "", err
	}
	if len(spec.RedirectURIs) == 0 {
		return nil, "", errors.New("no redirect URI: give at least one")
	}
	for _, u := range spec.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return nil, "", err
		}
	}

	id, err := randomHex(8)
	if err != nil {
		return nil, "", err
	}
	secret, hash, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	now := m.s.now()
	c := &store.Client{ID: spec.Site + "." + id, Site: spec.Site, Name: name, SecretHash: hash,
		RedirectURIs: spec.RedirectURIs, CreatedAt: now}
	if err := m.s.store.CreateClient(ctx, c); err != nil {
		return nil, "", err
	}
	m.s.audit.record(ctx, now, auditEntry{Event: "oidc.client.add", Actor: "cli", Result: "ok",
		Detail: fmt.Sprintf("client %s of %s", c.ID, c.Site)})
	return c, secret, nil
}

// ListClients lists the online services of site, or of all sites.
func (m *Manager) ListClients(ctx context.Context, site string) ([]store.Client, error) {
	if site != "" {
		if err := m.checkSite(site); err != nil {
			return nil, err
		}
	}
	return m.s.store.ListClients(ctx, site)
}

// RemoveClient deletes an online service with its open codes and tokens.
func (m *Manager) RemoveClient(ctx context.Context, id string) error {
	if err := m.s.store.DeleteClient(ctx, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no client %q: see 'verbund auth clients list'", id)
		}
		return err
	}
	m.s.audit.record(ctx, m.s.now(), auditEntry{Event: "oidc.client.remove", Actor: "cli",
		Result: "ok", Detail: "client " + id})
	return nil
}

// CreateCredential creates a sender API credential for site and returns
// it with the bearer token, which is stored only as a hash and cannot
// be shown again.
func (m *Manager) CreateCredential(ctx context.Context, site, name string) (*store.Credential, string, error) {
	if err := m.checkSite(site); err != nil {
		return nil, "", err
	}
	if name == "" {
		name = "Absender " + site
	}
	name, err := checkLabel("name", name)
	if err != nil {
		return nil, "", err
	}
	id, err := randomHex(8)
	if err != nil {
		return nil, "", err
	}
	secret, _, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	token := credentialPrefix + id + "." + secret
	now := m.s.now()
	c := &store.Credential{ID: id, Site: site, Name: name, SecretHash: hashSecret(secret),
		CreatedAt: now}
	if err := m.s.store.CreateCredential(ctx, c); err != nil {
		return nil, "", err
	}
	m.s.audit.record(ctx, now, auditEntry{Event: "sender.credential.create", Actor: "cli",
		Result: "ok", Detail: fmt.Sprintf("credential %s of %s", id, site)})
	return c, token, nil
}

// ListCredentials lists the sender credentials of site, or of all sites.
func (m *Manager) ListCredentials(ctx context.Context, site string) ([]store.Credential, error) {
	if site != "" {
		if err := m.checkSite(site); err != nil {
			return nil, err
		}
	}
	return m.s.store.ListCredentials(ctx, site)
}

// RevokeCredential makes a credential unusable at once.
func (m *Manager) RevokeCredential(ctx context.Context, id string) error {
	id = strings.TrimPrefix(id, credentialPrefix)
	if err := m.s.store.RevokeCredential(ctx, id, m.s.now()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no usable credential %q: see 'verbund auth credentials list'", id)
		}
		return err
	}
	m.s.audit.record(ctx, m.s.now(), auditEntry{Event: "sender.credential.revoke", Actor: "cli",
		Result: "ok", Detail: "credential " + id})
	return nil
}

func (m *Manager) checkSite(site string) error {
	if site == "" {
		return errors.New("no site: give the ID of a site in sites.toml, such as -site lingen")
	}
	if _, ok := m.s.sites[site]; !ok {
		return fmt.Errorf("unknown site %q: it is not in sites.toml", site)
	}
	return nil
}

// checkLabel trims a name and rejects empty, overlong or control
// characters.
func checkLabel(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("missing %s", field)
	}
	if utf8.RuneCountInString(v) > 100 || !utf8.ValidString(v) || strings.ContainsFunc(v, isControlOrFormat) {
		return "", fmt.Errorf("invalid %s %+q: at most 100 characters, no control characters, "+
			"bidirectional controls or zero-width characters", field, v)
	}
	return v, nil
}

// checkRedirectURI accepts absolute https URLs, and http URLs on
// loopback for development, without user info or fragment.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" ||
		strings.ContainsAny(raw, " \t\r\n#") {
		return fmt.Errorf("invalid redirect URI %q: want an absolute URL without user info or fragment", raw)
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("invalid redirect URI %q: give each callback URL in full, without wildcards", raw)
	}
	// The consent and login pages allow the redirect to the service in
	// their form-action by this origin, so a URI without one could never
	// be reached.
	if _, err := federation.URLOrigin(u); err != nil {
		return fmt.Errorf("invalid redirect URI %q: %s", raw, federation.OriginReason(err))
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		return fmt.Errorf("invalid redirect URI %q: want https, or http on loopback for development", raw)
	}
	return nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
