// Package preview runs the development server of `verbund serve`. It
// builds every portal and serves each at its own address on the local
// machine, together with the search endpoint and the account service.
// It rebuilds when content, theme or sites.toml change, and reloads open
// browser tabs through server-sent events.
package preview

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/verbund/verbund/auth"
	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/search"
)

// Options configure the development server.
type Options struct {
	// ConfigPath is the path of sites.toml.
	ConfigPath string
	// ThemeDir is the theme folder. When empty, the preview uses
	// themes/default beside sites.toml, or the theme built into verbund
	// without that folder.
	ThemeDir string
	// Host is the loopback address to listen on; default 127.0.0.1.
	Host string
	// Port is the first of the ports used: the search endpoint listens
	// on Port, the account service on Port+1 and the portals on the
	// ports after it, in the order of sites.toml. Default 8100.
	Port int
	// WorkDir holds the built portals and the account data; default
	// .verbund beside sites.toml.
	WorkDir string
	// Logger receives progress and errors; nil discards them.
	Logger *slog.Logger
	// OnBuild, if set, is called after each build with its error.
	OnBuild func(err error)
	// Ready, if set, is called once every server listens, with the
	// address of each portal by site ID.
	Ready func(portals map[string]string)
}

// Run serves until ctx ends.
func Run(ctx context.Context, opts Options) error {
	s, err := newServer(opts)
	if err != nil {
		return err
	}
	return s.run(ctx)
}

type server struct {
	opts    Options
	log     *slog.Logger
	cfg     *federation.Config
	root    string
	out     string
	portals map[string]string // site ID to local origin
	search  string
	account string

	builder *generator.Builder

	mu       sync.RWMutex
	index    *search.Index
	searcher http.Handler
	lastErr  error

	events *broker
}

func newServer(opts Options) (*server, error) {
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	if ip := net.ParseIP(opts.Host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("invalid host %q: the preview server listens on loopback only", opts.Host)
	}
	if opts.Port == 0 {
		opts.Port = 8100
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root := filepath.Dir(opts.ConfigPath)
	if opts.WorkDir == "" {
		opts.WorkDir = filepath.Join(root, ".verbund")
	}
	if opts.ThemeDir == "" {
		// Without a theme folder of the project's own, the build uses the
		// theme built into verbund, and there is no folder to watch.
		if dir := generator.DefaultThemeDir(opts.ConfigPath); dirExists(dir) {
			opts.ThemeDir = dir
		}
	}
	cfg, err := federation.Load(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	s := &server{
		opts: opts, log: log, root: root,
		out:     filepath.Join(opts.WorkDir, "public"),
		portals: map[string]string{},
		events:  newBroker(),
	}
	s.search = s.origin(opts.Host, opts.Port)
	// Passkeys need a host name, not an address, as relying party.
	s.account = "http://localhost:" + strconv.Itoa(opts.Port+1)
	for i, site := range cfg.Sites {
		s.portals[site.ID] = s.origin(opts.Host, opts.Port+2+i)
	}
	s.override(cfg)
	s.cfg = cfg
	s.builder = generator.NewBuilder(generator.Options{
		ConfigPath: opts.ConfigPath,
		ThemeDir:   opts.ThemeDir,
		OutputDir:  s.out,
		Override:   s.override,
		LiveIndex:  true,
		Logger:     log,
		// Open pages reload as soon as the portals are written.
		Written: func() { s.events.send("reload", "") },
		IndexReady: func(ix *search.Index) {
			if err := s.useIndex(ix); err != nil {
				log.Error("serving the new search index failed", "err", err)
			}
		},
	})
	return s, nil
}

func (s *server) origin(host string, port int) string {
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// override gives the portals, the search endpoint and the account
// service their local addresses.
func (s *server) override(cfg *federation.Config) {
	for i := range cfg.Sites {
		if u, ok := s.portals[cfg.Sites[i].ID]; ok {
			cfg.Sites[i].URL = u
		}
	}
	cfg.Search.URL = s.search
	cfg.Account.URL = s.account
}

func (s *server) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.build(ctx, nil)

	var servers []*http.Server
	listen := func(addr string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
			// Requests end with ctx, so a page's live-reload stream, which
			// never ends by itself, does not hold up the shutdown.
			BaseContext: func(net.Listener) context.Context { return ctx }}
		servers = append(servers, hs)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("serving failed", "addr", addr, "err", err)
			}
		}()
		return nil
	}
	defer func() {
		cancel()
		for _, hs := range servers {
			shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
			if err := hs.Shutdown(shutdown); err != nil {
				_ = hs.Close()
			}
			done()
		}
		s.closeIndex()
	}()

	host := s.opts.Host
	if err := listen(net.JoinHostPort(host, strconv.Itoa(s.opts.Port)), s.searchHandler()); err != nil {
		return fmt.Errorf("starting the search endpoint: %w", err)
	}
	s.log.Info("search", "url", s.search+"/suche")
	for i, site := range s.cfg.Sites {
		addr := net.JoinHostPort(host, strconv.Itoa(s.opts.Port+2+i))
		if err := listen(addr, s.portalHandler(site.ID)); err != nil {
			return fmt.Errorf("starting the portal of %s: %w", site.ID, err)
		}
		s.log.Info("portal", "site", site.ID, "url", s.portals[site.ID]+"/")
	}
	go s.runAccount(ctx, net.JoinHostPort(host, strconv.Itoa(s.opts.Port+1)))

	dirs := []string{s.cfg.ContentDir}
	if s.opts.ThemeDir != "" {
		dirs = append(dirs, s.opts.ThemeDir)
	}
	w, err := newWatcher(s.log, dirs, []string{s.opts.ConfigPath})
	if err != nil {
		return fmt.Errorf("watching files: %w", err)
	}
	batches := make(chan batch)
	go w.run(ctx, batches)
	if s.opts.Ready != nil {
		s.opts.Ready(s.portals)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case b := <-batches:
			s.log.Debug("files changed", "count", len(b.paths), "overflow", b.overflow)
			changed := b.paths
			if b.overflow {
				changed = nil
			}
			s.build(ctx, changed)
		}
	}
}

// runAccount serves the account service in insecure mode for local
// development; its data stays in the work folder.
func (s *server) runAccount(ctx context.Context, addr string) {
	err := auth.Run(ctx, auth.Options{
		Config:   s.cfg,
		ThemeDir: s.opts.ThemeDir,
		Addr:     addr,
		DataDir:  filepath.Join(s.opts.WorkDir, "konto"),
		Insecure: true,
		Logger:   s.log,
	})
	if err != nil && ctx.Err() == nil {
		s.log.Error("account service stopped", "err", err)
	}
}

// build rebuilds the portals after the files changed changed, or all of
// them when changed is nil. A change of content renders only the pages it
// affects and updates the output and the search index in place. On
// failure the last good output keeps being served and the open pages
// show the errors.
func (s *server) build(ctx context.Context, changed []string) {
	start := time.Now()
	res, err := s.builder.Build(ctx, changed)
	s.mu.Lock()
	s.lastErr = err
	s.mu.Unlock()
	if err != nil {
		s.log.Error("build failed; serving the last good output", "err", err)
		s.events.send("error", errorText(err))
	} else {
		for _, w := range res.Warnings {
			s.log.Warn(w.Error())
		}
		s.log.Info("built", "pages", res.Pages, "rendered", res.Rendered,
			"duration", time.Since(start).Round(time.Millisecond))
	}
	if s.opts.OnBuild != nil {
		s.opts.OnBuild(err)
	}
}

func errorText(err error) string {
	if list, ok := diag.AsList(err); ok {
		text := ""
		for _, d := range list {
			text += d.Error() + "\n"
		}
		return text
	}
	return err.Error()
}

// useIndex serves searches from ix, the builder's newest search index.
// The builder closes the ones it replaces.
func (s *server) useIndex(ix *search.Index) error {
	s.mu.RLock()
	same := s.index == ix
	s.mu.RUnlock()
	if same {
		return nil
	}
	srv, err := search.NewServer(ix, search.Config{Logger: s.log})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.index, s.searcher = ix, srv
	s.mu.Unlock()
	return nil
}

// closeIndex closes the search index. The builder's index worker may
// still call useIndex until Close returns, so s.mu is not held meanwhile.
func (s *server) closeIndex() {
	if err := s.builder.Close(); err != nil {
		s.log.Warn("closing the search index failed", "err", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index, s.searcher = nil, nil
}

func (s *server) searchHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		h := s.searcher
		s.mu.RUnlock()
		if h == nil {
			http.Error(w, "the search index is not built yet", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// exists reports whether p is a regular file.
func exists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

// dirExists reports whether path is a folder.
func dirExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
