package auth

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/verbund/verbund/federation"
)

// Paths of the federation's theme on the account origin.
const (
	themeCSSPath = "/static/theme.css"
	logoPath     = "/static/logo"
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
	_, _ = w.Write(data)
}
