// Package auth is the federation's citizen account service: registration
// with e-mail verification, login with password and an optional second
// factor (passkey or TOTP), password reset, sessions, data export and
// account deletion. It serves its own pages from one origin, the
// account URL of sites.toml, and sends citizens back only to the
// federation's portals.
//
// The service is also an OpenID Connect provider for the communes'
// online services, and it keeps a mailbox per citizen that the communes'
// administrations fill through a sender API on a listener of its own.
package auth

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/yuin/goldmark"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/favicon"
)

// Options configure the account service.
type Options struct {
	// ConfigPath is the path of sites.toml.
	ConfigPath string
	// Config, if set, is used instead of loading ConfigPath.
	Config *federation.Config
	// ThemeDir is the theme folder whose icon the pages show when the
	// county sets no icon in sites.toml. Empty means themes/default
	// beside sites.toml, or the default theme built into verbund when
	// that folder does not exist.
	ThemeDir string
	// Addr is the citizens' listen address; default the [account] addr
	// of sites.toml.
	Addr string
	// AdminAddr is the listen address of the admin API, which is never
	// served on Addr; empty to serve no admin API. It must be a loopback
	// address unless Production operators put it behind their own access
	// control.
	AdminAddr string
	// SenderAddr is the listen address of the sender API, through which
	// administrations post messages. It is never served on Addr. Empty
	// serves no sender API.
	SenderAddr string
	// DataDir holds the SQLite database, the key file, the audit log and
	// the development outbox.
	DataDir string
	// DatabaseURL selects PostgreSQL: a postgres:// or postgresql:// URL
	// or a key=value connection string. Any other value is rejected.
	// Empty selects SQLite in DataDir.
	DatabaseURL string
	// Insecure serves plain HTTP and drops the Secure attribute and the
	// __Host- prefix of cookies. It is allowed only on loopback.
	Insecure bool
	// Production refuses throw-away stores, insecure mode and the
	// development outbox.
	Production bool
	// Logger receives operational logs; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now. Tests inject a fake clock.
	Now func() time.Time
	// SMTP configures mail delivery; without an Addr, mail goes to the
	// outbox folder in DataDir (not allowed in Production).
	SMTP SMTPOptions
	// Mailer, if set, replaces SMTP and the outbox.
	Mailer Mailer
	// Store, if set, is used instead of opening one from DatabaseURL or
	// DataDir. The service does not close it.
	Store store.Store
	// Argon2 are the password hashing parameters; default DefaultArgon2.
	// Values below DefaultArgon2 are raised to it.
	Argon2 Argon2Params
	// IdleTimeout ends a session after this long without a request;
	// default 30 minutes.
	IdleTimeout time.Duration
	// SessionLifetime ends a session this long after login, however
	// active; default 12 hours.
	SessionLifetime time.Duration
	// RecentAuth is how long a login or re-authentication counts as
	// recent for sensitive changes; default 10 minutes.
	RecentAuth time.Duration
	// ClientIPHeader names a header set by a trusted reverse proxy with
	// the client's address, such as "X-Forwarded-For" (its last entry is
	// used). Empty uses the connection's address.
	ClientIPHeader string
	// AdminToken is the bearer token of the admin API; default the
	// contents of the file admin-token in DataDir, created if missing.
	AdminToken string
	// MessageRetention is how long a message stays in the mailbox when
	// the sender names no retention period. Default 365 days.
	MessageRetention time.Duration
	// EvidenceRetention is how long the receipt of a message (sent,
	// read, deleted) is kept after sending, and at least as long as the
	// message itself. Default 3 years.
	EvidenceRetention time.Duration
	// PurgeInterval is how often Run removes expired messages, receipts,
	// codes and tokens. Default 1 hour.
	PurgeInterval time.Duration
	// NoticeInterval is how often Run looks for notice e-mails of new
	// messages that are due for another attempt. Default 1 minute.
	NoticeInterval time.Duration
	// MaxConcurrentHashes bounds how many argon2id computations run at
	// once, each needing Argon2.Memory. Default GOMAXPROCS. Further
	// logins wait for a free slot.
	MaxConcurrentHashes int
}

// Timing and attempt limits of the account flows.
const (
	// tokenLifetime bounds e-mail links and half-finished flows.
	tokenLifetime = 10 * time.Minute
	// maxTokenAttempts is how many wrong signatures kill a link.
	maxTokenAttempts = 5
	// maxCodeAttempts is how many wrong codes end a flow.
	maxCodeAttempts = 5
	// maxBody bounds every request body.
	maxBody = 64 << 10
)

// Service is the account service.
type Service struct {
	cfg       *federation.Config
	opts      Options
	store     store.Store
	ownsStore bool
	log       *slog.Logger
	audit     *auditor
	auditFile io.Closer
	keys      *keyring
	mailer    Mailer
	policy    *passwordPolicy
	argon     Argon2Params
	dummyHash string
	base      *url.URL
	origin    string
	secure    bool
	// portalOrigins are the origins of the federation's portals, in the
	// form federation.ParseOrigin returns. They may read the session API
	// (CORS), post the logout form, and receive citizens after login.
	portalOrigins map[string]bool
	limits        *limiter
	webauthn      *webauthn.WebAuthn
	pages         map[string]*template.Template
	handler       http.Handler
	admin         http.Handler
	adminToken    string
	// sites are the federation's sites by ID.
	sites map[string]federation.Site
	// icon is the icon of the pages, the county's or the theme's.
	icon favicon.Icon
	// oidcKeys sign ID tokens.
	oidcKeys *signingKeys
	// hashSlots bounds concurrent argon2id computations.
	hashSlots chan struct{}
	markdown  goldmark.Markdown
	sender    http.Handler
	// healthLog and deniedLog limit the log lines of failed health
	// checks and of unaudited sender API denials.
	healthLog repeatLog
	deniedLog repeatLog
	// afterResponse counts work still running after its response was
	// sent; Close waits for it.
	afterResponse sync.WaitGroup
	// resetWork bounds the password reset requests whose mail is still
	// being sent.
	resetWork chan struct{}
}

// New sets up the service: it loads the configuration, opens the store
// and applies migrations, and reads or creates the key file.
func New(ctx context.Context, opts Options) (*Service, error) {
	s := &Service{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	s.applyDefaults()
	if err := s.loadConfig(); err != nil {
		return nil, err
	}
	if err := s.loadIcon(); err != nil {
		return nil, err
	}
	if err := s.checkMode(); err != nil {
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
	if err := s.setup(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Service) applyDefaults() {
	o := &s.opts
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 30 * time.Minute
	}
	if o.SessionLifetime == 0 {
		o.SessionLifetime = 12 * time.Hour
	}
	if o.RecentAuth == 0 {
		o.RecentAuth = 10 * time.Minute
	}
	if o.MessageRetention <= 0 {
		o.MessageRetention = 365 * 24 * time.Hour
	}
	if o.EvidenceRetention <= 0 {
		o.EvidenceRetention = 3 * 365 * 24 * time.Hour
	}
	if o.PurgeInterval <= 0 {
		o.PurgeInterval = time.Hour
	}
	if o.NoticeInterval <= 0 {
		o.NoticeInterval = time.Minute
	}
	if o.MaxConcurrentHashes <= 0 {
		o.MaxConcurrentHashes = runtime.GOMAXPROCS(0)
	}
	s.hashSlots = make(chan struct{}, o.MaxConcurrentHashes)
	s.resetWork = make(chan struct{}, maxResetWork)
	s.argon = o.Argon2
	s.argon.Memory = max(s.argon.Memory, DefaultArgon2.Memory)
	s.argon.Time = max(s.argon.Time, DefaultArgon2.Time)
	s.argon.Threads = max(s.argon.Threads, DefaultArgon2.Threads)
}

func (s *Service) loadConfig() error {
	cfg := s.opts.Config
	if cfg == nil {
		if s.opts.ConfigPath == "" {
			return errors.New("no federation config: set ConfigPath to sites.toml")
		}
		var err error
		if cfg, err = federation.Load(s.opts.ConfigPath); err != nil {
			return fmt.Errorf("loading federation config: %w", err)
		}
	}

	s.cfg = cfg
	if cfg.Account.URL == "" {
		return errors.New("sites.toml has no [account] url: set it to the account service's public URL")
	}

	origin, err := federation.ParseOrigin(cfg.Account.URL)
	if err != nil {
		return fmt.Errorf("[account] url of sites.toml: %w", err)
	}
	s.origin = origin
	if s.base, err = url.Parse(origin); err != nil {
		return fmt.Errorf("parsing account origin %s: %w", origin, err)
	}
	s.secure = !s.opts.Insecure
	if s.opts.Addr == "" {
		s.opts.Addr = cfg.Account.Addr
	}

	s.portalOrigins = map[string]bool{}
	s.sites = map[string]federation.Site{}
	for _, site := range cfg.Sites {
		s.sites[site.ID] = site
		origin, err := federation.ParseOrigin(site.URL)
		if err != nil {
			return fmt.Errorf("url of site %q in sites.toml: %w", site.ID, err)
		}
		s.portalOrigins[origin] = true
	}
	return nil
}

// portalOrigin returns the origin of an Origin header value, in the form
// of the keys of s.portalOrigins, if it is the origin of a portal.
func (s *Service) portalOrigin(header string) (string, bool) {
	if header == "" {
		return "", false
	}
	origin, err := federation.ParseOrigin(header)
	if err != nil || !s.portalOrigins[origin] {
		return "", false
	}
	return origin, true
}

// checkMode rejects combinations that would weaken the service.
func (s *Service) checkMode() error {
	if s.opts.Insecure {
		if s.opts.Production {
			return errors.New("insecure mode is not allowed in production")
		}
		if !isLoopbackHost(s.base.Hostname()) {
			return fmt.Errorf("insecure mode needs an account url on loopback, not %s", s.origin)
		}
		if s.opts.Addr != "" && !isLoopbackAddr(s.opts.Addr) {
			return fmt.Errorf("insecure mode needs a loopback listen address, not %s", s.opts.Addr)
		}
	} else if s.base.Scheme != "https" {
		return fmt.Errorf("account url %s is not https: use https, or insecure mode on loopback", s.origin)
	}
	if s.opts.AdminAddr != "" && !isLoopbackAddr(s.opts.AdminAddr) && !s.opts.Production {
		return fmt.Errorf("admin address %s is not on loopback", s.opts.AdminAddr)
	}
	if s.opts.SenderAddr != "" && s.opts.SenderAddr == s.opts.Addr {
		return fmt.Errorf("sender address %s is the citizens' address: the sender API needs a listener of its own",
			s.opts.SenderAddr)
	}
	if s.opts.Insecure && s.opts.SenderAddr != "" && !isLoopbackAddr(s.opts.SenderAddr) {
		return fmt.Errorf("insecure mode needs a loopback sender address, not %s", s.opts.SenderAddr)
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopbackHost(host)
}

func (s *Service) openStore(ctx context.Context) error {
	if s.opts.Store != nil {
		s.store = s.opts.Store
	} else {
		st, err := s.openOwnStore(ctx)
		if err != nil {
			return err
		}
		s.store, s.ownsStore = st, true
	}
	if s.opts.Production && s.store.Ephemeral() {
		if s.ownsStore {
			s.store.Close()
		}
		return fmt.Errorf("refusing to run in production on the throw-away %s store at %s",
			s.store.Backend(), s.store.Location())
	}
	s.log.Info("account store opened", "backend", s.store.Backend(), "location", s.store.Location())
	return nil
}

// openOwnStore opens PostgreSQL if DatabaseURL is set and SQLite in
// DataDir otherwise. A DatabaseURL that is not a PostgreSQL connection
// string is rejected, never taken as a SQLite file name.
func (s *Service) openOwnStore(ctx context.Context) (store.Store, error) {
	if dsn := s.opts.DatabaseURL; dsn != "" {
		if err := store.CheckPostgresDSN(dsn); err != nil {
			return nil, fmt.Errorf("invalid -database value: %w", err)
		}
		return store.OpenPostgres(ctx, dsn)
	}
	if s.opts.DataDir == "" {
		return nil, errors.New("no store: set DataDir for SQLite or DatabaseURL for PostgreSQL")
	}
	return store.OpenSQLite(ctx, filepath.Join(s.opts.DataDir, store.SQLiteFile))
}

// setup prepares keys, mail, audit log, WebAuthn, templates and routes.
func (s *Service) setup(ctx context.Context) error {
	if s.opts.DataDir == "" {
		return errors.New("no data folder: set DataDir for the key file and audit log")
	}

	if err := os.MkdirAll(s.opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("creating data folder: %w", err)
	}

	hasData, missing, err := s.checkKeyFiles(ctx)
	if err != nil {
		return err
	}

	if s.keys, err = loadKeyring(filepath.Join(s.opts.DataDir, KeyFile)); err != nil {
		return err
	}
	if err := s.checkSealedKeys(ctx); err != nil {
		return err
	}
	if s.oidcKeys, err = loadSigningKeys(filepath.Join(s.opts.DataDir, OIDCKeyFile)); err != nil {
		return err
	}
	for _, name := range missing {
		s.log.Info("created key file for a first start", "path", filepath.Join(s.opts.DataDir, name))
	}

	if err := s.setupMail(); err != nil {
		return err
	}

	f, err := os.OpenFile(filepath.Join(s.opts.DataDir, AuditFile),
		os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("opening audit log: %w", err)
	}

	s.auditFile = f
	s.audit = newAuditor(f, s.store, s.log)
	s.policy = newPasswordPolicy(s.cfg)
	s.limits = newLimiter(defaultBudgets)
	// The dummy hash makes a login for an unknown address cost as much
	// as one for a known address.
	if s.dummyHash, err = hashPassword("dummy password for timing", s.argon); err != nil {
		return err
	}

	if err := s.setupWebAuthn(); err != nil {
		return err
	}

	if s.pages, err = parsePages(); err != nil {
		return err
	}

	if err := s.setupAdminToken(hasData); err != nil {
		return err
	}

	s.markdown = newMessageMarkdown()
	s.handler = s.routes()
	s.admin = s.adminRoutes()
	s.sender = s.senderRoutes()
	return nil
}

func (s *Service) setupMail() error {
	switch {
	case s.opts.Mailer != nil:
		s.mailer = s.opts.Mailer
	case s.opts.SMTP.Addr != "":
		m, err := newSMTPMailer(s.opts.SMTP)
		if err != nil {
			return err
		}
		s.mailer = m
	case s.opts.Production:
		return errors.New("no SMTP relay configured: production needs VERBUND_SMTP_ADDR and VERBUND_SMTP_FROM")
	default:
		dir := filepath.Join(s.opts.DataDir, "outbox")
		m, err := newOutboxMailer(dir, s.opts.Now)
		if err != nil {
			return err
		}
		s.log.Info("mail goes to the outbox folder, not to recipients", "dir", dir)
		s.mailer = m
	}
	return nil
}

func (s *Service) setupWebAuthn() error {
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          s.base.Hostname(),
		RPDisplayName: s.cfg.Name + " Bürgerkonto",
		RPOrigins:     []string{s.origin},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: 5 * time.Minute, TimeoutUVD: 5 * time.Minute},
			Registration: webauthn.TimeoutConfig{Timeout: 5 * time.Minute, TimeoutUVD: 5 * time.Minute},
		},
	})
	if err != nil {
		return fmt.Errorf("configuring WebAuthn: %w", err)
	}
	s.webauthn = wa
	return nil
}

// Handler returns the citizens' HTTP handler.
func (s *Service) Handler() http.Handler { return s.handler }

// AdminHandler returns the admin API's handler, for a separate listener.
func (s *Service) AdminHandler() http.Handler { return s.admin }

// SenderHandler returns the sender API's handler, for a separate
// listener.
func (s *Service) SenderHandler() http.Handler { return s.sender }

// Close releases the store (if the service opened it) and the audit log.
func (s *Service) Close() error {
	s.afterResponse.Wait()
	var errs []error
	if s.ownsStore && s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.auditFile != nil {
		errs = append(errs, s.auditFile.Close())
	}
	return errors.Join(errs...)
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }
