package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestThemeColoursAndLogo(t *testing.T) {
	logo := filepath.Join(t.TempDir(), "wappen.svg")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`
	if err := os.WriteFile(logo, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, withOptions(func(o *Options) {
		o.Config.Sites[0].Theme.Primary = "#0b2545"
		o.Config.Sites[0].Theme.OnPrimary = "#ffffff"
		o.Config.Sites[0].Theme.Logo = logo
	}))
	c := h.client()

	css := h.get(c, themeCSSPath)
	if css.StatusCode != 200 || !strings.Contains(css.body, "--primary:#0b2545") {
		t.Errorf("theme.css: status %d, body %q", css.StatusCode, css.body)
	}
	img := h.get(c, logoPath)
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/svg+xml" || img.body != svg {
		t.Errorf("logo: status %d, type %q", img.StatusCode, img.Header.Get("Content-Type"))
	}
	page := h.get(c, "/anmelden")
	if !strings.Contains(page.body, `src="/static/logo"`) || !strings.Contains(page.body, `href="/static/theme.css"`) {
		t.Error("the login page lacks the theme's stylesheet or logo")
	}
}

func TestThemeWithoutLogo(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	if resp := h.get(c, logoPath); resp.StatusCode != 404 {
		t.Errorf("logo without one in the theme: status %d, want 404", resp.StatusCode)
	}
	if page := h.get(c, "/anmelden"); strings.Contains(page.body, "brand-logo") {
		t.Error("the login page shows a logo the theme does not have")
	}
}
