package a11y

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/search"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// axeFile is axe-core's browser bundle, relative to the repository
	// root. npm ci installs it from package-lock.json.
	axeFile = "node_modules/axe-core/axe.min.js"
	// actionTimeout bounds one browser action, such as loading a page.
	actionTimeout = 30 * time.Second
)

// suite is what every browser test shares: the example federation built
// into a temporary folder, one loopback server per portal and one for
// the search endpoint, and one running Chromium.
type suite struct {
	root string
	// public is the build's output folder, one subfolder per portal.
	public string
	cfg    *federation.Config
	// upstream maps each public origin of the federation, such as
	// https://lingen.emsland.example, to the loopback server that serves it.
	upstream map[string]string
	axe      string
	browser  context.Context
	client   *http.Client
	closers  []func()
	// account is the account service, or nil when sites.toml has no
	// [account] url.
	account *accountService
}

// shared holds the suite between tests. It is set up by the first test
// that needs it and closed by TestMain.
var shared struct {
	once  sync.Once
	suite *suite
	// missing names the prerequisite that is not installed.
	missing string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.suite != nil {
		shared.suite.close()
	}
	os.Exit(code)
}

// setup returns the shared suite. It skips the test when Chromium or
// axe-core is not installed, unless VERBUND_REQUIRE_BROWSER is set, as in
// CI, and then fails it. It fails the test when the build or a server
// fails.
func setup(t *testing.T) *suite {
	t.Helper()
	shared.once.Do(func() {
		shared.suite, shared.missing, shared.err = newSuite()
	})
	const install = "run scripts/browser-deps.sh to install Chromium and axe-core"
	if shared.missing != "" && os.Getenv("VERBUND_REQUIRE_BROWSER") != "" {
		t.Fatalf("%s, and VERBUND_REQUIRE_BROWSER is set: %s", shared.missing, install)
	}
	if shared.missing != "" {
		t.Skipf("%s, so the browser tests are skipped: %s", shared.missing, install)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.suite
}

// newSuite builds the example federation and starts the servers and the
// browser. A non-empty missing names the prerequisite that is not
// installed.
func newSuite() (s *suite, missing string, err error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return nil, "", fmt.Errorf("finding the repository root: %w", err)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, chromiumPath + " is missing", nil
	}
	axe, err := os.ReadFile(filepath.Join(root, axeFile))
	if err != nil {
		return nil, axeFile + " is missing", nil
	}

	s = &suite{
		root:     root,
		upstream: map[string]string{},
		axe:      string(axe),
		client: &http.Client{
			Timeout: actionTimeout,
			// The browser follows redirects itself, so they are passed on.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if err := s.start(); err != nil {
		s.close()
		return nil, "", err
	}
	return s, "", nil
}

// start builds the federation and starts the servers and the browser.
func (s *suite) start() error {
	tmp, err := os.MkdirTemp("", "verbund-a11y-")
	if err != nil {
		return fmt.Errorf("creating the build folder: %w", err)
	}
	s.closers = append(s.closers, func() { os.RemoveAll(tmp) })
	s.public = filepath.Join(tmp, "public")

	configPath := filepath.Join(s.root, "sites.toml")
	_, err = generator.Build(context.Background(), generator.Options{
		ConfigPath: configPath,
		ThemeDir:   filepath.Join(s.root, "themes", "default"),
		OutputDir:  s.public,
	})
	if err != nil {
		return fmt.Errorf("building the example federation: %w", err)
	}
	if s.cfg, err = federation.Load(configPath); err != nil {
		return err
	}

	for _, site := range s.cfg.Sites {
		h, err := portalHandler(filepath.Join(s.public, site.ID))
		if err != nil {
			return err
		}
		if err := s.serve(site.URL, h); err != nil {
			return err
		}
	}
	if s.cfg.Search.URL != "" {
		if err := s.serveSearch(); err != nil {
			return err
		}
	}
	if err := s.startAccount(tmp); err != nil {
		return err
	}
	return s.startBrowser(tmp)
}

// serveSearch opens the build's search index and serves the search
// endpoint under the federation's search origin.
func (s *suite) serveSearch() error {
	ix, err := search.Open(filepath.Join(s.public, generator.IndexDir))
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { ix.Close() })
	srv, err := search.NewServer(ix, search.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("starting the search endpoint: %w", err)
	}
	return s.serve(s.cfg.Search.URL, srv.Handler())
}

// serve starts h on a loopback port of its own and routes the browser's
// requests for publicURL's origin to it.
func (s *suite) serve(publicURL string, h http.Handler) error {
	origin, err := originOf(publicURL)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for %s: %w", origin, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	s.closers = append(s.closers, func() { srv.Close() })
	s.upstream[origin] = "http://" + ln.Addr().String()
	return nil
}

// startBrowser starts Chromium with a fresh profile in tmp. The default
// options of chromedp add --headless, --no-first-run,
// --disable-background-networking and --disable-sync.
func (s *suite) startBrowser(tmp string) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(filepath.Join(tmp, "chromium-profile")),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	s.closers = append(s.closers, func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		return fmt.Errorf("starting %s: %w", chromiumPath, err)
	}
	s.browser = ctx
	return nil
}

// close stops the browser and the servers and deletes the build, in the
// reverse order of their start.
func (s *suite) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// site returns the site with id, or nil.
func (s *suite) site(id string) *federation.Site {
	for i := range s.cfg.Sites {
		if s.cfg.Sites[i].ID == id {
			return &s.cfg.Sites[i]
		}
	}
	return nil
}

// portalHandler serves a portal's output folder as a static host would.
// A folder's path gets its index.html, and a path without a file gets
// 404.html with status 404. Every response carries the headers that the
// folder's _headers file sets, such as the Content-Security-Policy.
func portalHandler(dir string) (http.Handler, error) {
	rules, err := readHeaderRules(filepath.Join(dir, "_headers"))
	if err != nil {
		return nil, err
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		urlPath := path.Clean("/" + r.URL.Path)
		for _, rule := range rules {
			if rule.matches(urlPath) {
				for _, h := range rule.headers {
					w.Header().Add(h[0], h[1])
				}
			}
		}
		name := filepath.Join(dir, filepath.FromSlash(urlPath))
		info, err := os.Stat(name)
		if err == nil && info.IsDir() {
			_, err = os.Stat(filepath.Join(name, "index.html"))
		}
		if errors.Is(err, os.ErrNotExist) {
			page, readErr := os.ReadFile(filepath.Join(dir, "404.html"))
			if readErr != nil {
				http.Error(w, "404.html is missing", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	}), nil
}

// headerRule is one block of a _headers file: a path pattern and the
// headers of the responses whose path matches it.
type headerRule struct {
	pattern string
	headers [][2]string
}

// matches reports whether urlPath matches the rule's pattern: exactly,
// or by prefix when the pattern ends in "*".
func (r headerRule) matches(urlPath string) bool {
	if prefix, ok := strings.CutSuffix(r.pattern, "*"); ok {
		return strings.HasPrefix(urlPath, prefix) || urlPath+"/" == prefix
	}
	return urlPath == r.pattern
}

// readHeaderRules parses a _headers file in the format of Netlify and
// Cloudflare Pages: a path pattern on a line of its own, followed by
// indented "Name: value" lines.
func readHeaderRules(file string) ([]headerRule, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the portal's headers: %w", err)
	}
	var rules []headerRule
	for i, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
		case line[0] != ' ' && line[0] != '\t':
			rules = append(rules, headerRule{pattern: strings.TrimSpace(line)})
		default:
			name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
			if !ok || len(rules) == 0 {
				return nil, fmt.Errorf("%s:%d: invalid header line %q", file, i+1, line)
			}
			last := &rules[len(rules)-1]
			last.headers = append(last.headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
	}
	return rules, nil
}

// originOf returns the scheme and host of an absolute URL.
func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("invalid absolute URL %q", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
