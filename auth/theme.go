package auth

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/themes"
)

// Paths of the federation's theme on the account origin.
const (
	themeCSSPath = "/static/theme.css"
	logoPath     = "/static/logo"
	// iconPath is the icon that pages link, and faviconPath the ICO file
	// that browsers request when a response is no page, such as a data
	// export.
	iconPath    = "/static/icon"
	faviconPath = "/favicon.ico"
)

// themeSite returns the site whose colours and logo the account pages
// wear: the county, or the first site of a federation without one.
func themeSite(cfg *federation.Config) *federation.Site {
	if c, ok := cfg.County(); ok {
		return c
	}
	if len(cfg.Sites) > 0 {
		return &cfg.Sites[0]
	}
	return nil
}

// loadIcon reads the icon of the pages: the county's from sites.toml,
// or the theme's. The county's portal shows the same icon.
func (s *Service) loadIcon() error {
	fsys, name, err := s.themeFiles()
	if err != nil {
		return err
	}
	theme, err := favicon.FromTheme(fsys)
	if err != nil {
		return fmt.Errorf("loading the icon of the theme %s: %w", name, err)
	}
	s.icon = theme
	if site := themeSite(s.cfg); site != nil && site.Theme.Icon != "" {
		if s.icon, err = favicon.Load(site.Theme.Icon, theme.ICO); err != nil {
			return fmt.Errorf("loading the icon of site %q: %w", site.ID, err)
		}
	}
	return nil
}

// themeFiles returns the files of the theme that the options name, and
// the theme's name for messages.
func (s *Service) themeFiles() (fs.FS, string, error) {
	switch {
	case s.opts.ThemeDir != "":
		if _, err := os.Stat(s.opts.ThemeDir); err != nil {
			return nil, "", fmt.Errorf("finding the theme folder: %w", err)
		}
		return os.DirFS(s.opts.ThemeDir), s.opts.ThemeDir, nil
	case s.cfg.FileName() != "":
		return themes.ForProject(s.cfg.FileName())
	default:
		// A configuration that was not read from a file has no project
		// folder.
		return themes.Default(), "built into verbund", nil
	}
}

// serveIcon sends the icon that pages link.
func (s *Service) serveIcon(w http.ResponseWriter, r *http.Request) {
	s.writeIcon(w, s.icon.Type, s.icon.Image)
}

// serveFavicon sends the ICO file of the icon.
func (s *Service) serveFavicon(w http.ResponseWriter, r *http.Request) {
	s.writeIcon(w, favicon.TypeICO, s.icon.ICO)
}

func (s *Service) writeIcon(w http.ResponseWriter, mediaType string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", mediaType)
	sandboxImage(h)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(data)
}

// serveThemeCSS sets the colours of the federation's theme, which
// sites.toml checks for a contrast ratio of at least 4.5:1.
func (s *Service) serveThemeCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	site := themeSite(s.cfg)
	if site == nil || site.Theme.Primary == "" || site.Theme.OnPrimary == "" {
		// The service's own stylesheet has colours of its own.
		return
	}
	fmt.Fprintf(w, ":root{--primary:%s;--on-primary:%s}\n", site.Theme.Primary, site.Theme.OnPrimary)
}

// serveLogo sends the logo of the federation's theme.
func (s *Service) serveLogo(w http.ResponseWriter, r *http.Request) {
	site := themeSite(s.cfg)
	if site == nil || site.Theme.Logo == "" {
		http.NotFound(w, r)
		return
	}
	data, err := os.ReadFile(site.Theme.Logo)
	if err != nil {
		s.log.Error("reading the theme's logo failed", "path", site.Theme.Logo, "err", err)
		http.NotFound(w, r)
		return
	}
	kind := "image/png"
	if strings.EqualFold(filepath.Ext(site.Theme.Logo), ".svg") {
		kind = "image/svg+xml"
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	sandboxImage(w.Header())
	_, _ = w.Write(data)
}

// sandboxImage adds a second Content-Security-Policy to the response of
// an image from sites.toml, which browsers enforce besides the service's.
// An SVG image that a citizen opens by its URL is a document of the
// account origin, and the sandbox gives it an opaque origin without
// scripts, forms or access to the session cookie.
func sandboxImage(h http.Header) {
	h.Add("Content-Security-Policy", "sandbox")
}
