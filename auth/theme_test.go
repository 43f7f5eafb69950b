package auth

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/auth/store/storetest"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/themes"
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

func TestIconOfTheme(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	theme, err := favicon.FromTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}

	page := h.get(c, "/anmelden")
	if link := `<link rel="icon" href="/static/icon" type="image/svg+xml">`; !strings.Contains(page.body, link) {
		t.Errorf("the login page lacks %s", link)
	}
	for _, tt := range []struct {
		path, mediaType string
		body            []byte
	}{
		{iconPath, favicon.TypeSVG, theme.Image},
		{faviconPath, favicon.TypeICO, theme.ICO},
	} {
		resp := h.get(c, tt.path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.mediaType || resp.body != string(tt.body) {
			t.Errorf("%s: status %d, type %q, %d bytes; want 200, %s and the theme's %d bytes",
				tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(resp.body), tt.mediaType, len(tt.body))
		}
		if got := resp.Header.Get("Cache-Control"); !strings.HasPrefix(got, "public, max-age=") {
			t.Errorf("%s: Cache-Control %q, want a public max-age", tt.path, got)
		}
		if got, want := resp.Header.Get("Content-Security-Policy"), page.Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: Content-Security-Policy %q, want the pages' %q", tt.path, got, want)
		}
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self';") {
		t.Errorf("Content-Security-Policy %q allows images from elsewhere than the service", csp)
	}
}

func TestIconOfCounty(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 48, 48))); err != nil {
		t.Fatal(err)
	}
	pngFile := filepath.Join(dir, "wappen.png")
	if err := os.WriteFile(pngFile, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><circle r="1"/></svg>`
	svgFile := filepath.Join(dir, "wappen.svg")
	if err := os.WriteFile(svgFile, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	theme, err := favicon.FromTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	pngICO, err := favicon.FromPNG(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, file, mediaType string
		image, ico            []byte
	}{
		{"PNG", pngFile, favicon.TypePNG, b.Bytes(), pngICO},
		{"SVG", svgFile, favicon.TypeSVG, []byte(svg), theme.ICO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, withOptions(func(o *Options) { o.Config.Sites[0].Theme.Icon = tt.file }))
			c := h.client()
			page := h.get(c, "/anmelden")
			if link := `<link rel="icon" href="/static/icon" type="` + tt.mediaType + `">`; !strings.Contains(page.body, link) {
				t.Errorf("the login page lacks %s", link)
			}
			if resp := h.get(c, iconPath); resp.Header.Get("Content-Type") != tt.mediaType || resp.body != string(tt.image) {
				t.Errorf("%s: type %q and %d bytes, want %s and the county's icon", iconPath,
					resp.Header.Get("Content-Type"), len(resp.body), tt.mediaType)
			}
			if resp := h.get(c, faviconPath); resp.body != string(tt.ico) {
				t.Errorf("%s: %d bytes, want the %d of the expected ICO file", faviconPath, len(resp.body), len(tt.ico))
			}
		})
	}
}

func TestIconFromThemeDir(t *testing.T) {
	theme := t.TempDir()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`
	ico, err := fs.ReadFile(themes.Default(), favicon.ThemeICO)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(theme, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{favicon.ThemeSVG: []byte(svg), favicon.ThemeICO: ico} {
		if err := os.WriteFile(filepath.Join(theme, filepath.FromSlash(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, withOptions(func(o *Options) { o.ThemeDir = theme }))
	if resp := h.get(h.client(), iconPath); resp.body != svg {
		t.Errorf("%s: %q, want the icon of the theme folder", iconPath, resp.body)
	}
}

func TestNewRejectsIcon(t *testing.T) {
	small := filepath.Join(t.TempDir(), "klein.png")
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(small, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{small, filepath.Join(t.TempDir(), "fehlt.svg")} {
		cfg := testConfig("https://konto.example.com")
		cfg.Sites[0].Theme.Icon = file
		_, err := New(context.Background(), Options{Config: cfg, DataDir: t.TempDir(),
			Logger: slog.New(slog.DiscardHandler), Store: storetest.OpenSQLite(t)})
		if err == nil || !strings.Contains(err.Error(), `loading the icon of site "emsland"`) ||
			!strings.Contains(err.Error(), filepath.Base(file)) {
			t.Errorf("icon %s: error %v, want one that names the site and the file", filepath.Base(file), err)
		}
	}
}

// TestImagesSandboxed checks that the images from sites.toml get the
// sandbox policy besides the service's own, which stays in force.
func TestImagesSandboxed(t *testing.T) {
	dir := t.TempDir()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><circle r="1"/></svg>`
	file := filepath.Join(dir, "wappen.svg")
	if err := os.WriteFile(file, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, withOptions(func(o *Options) {
		o.Config.Sites[0].Theme.Icon = file
		o.Config.Sites[0].Theme.Logo = file
	}))
	c := h.client()
	for _, path := range []string{iconPath, faviconPath, logoPath} {
		resp := h.get(c, path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d, want 200", path, resp.StatusCode)
			continue
		}
		policies := resp.Header.Values("Content-Security-Policy")
		if !slices.Contains(policies, "sandbox") {
			t.Errorf("%s: policies %q lack sandbox", path, policies)
		}
		if !slices.ContainsFunc(policies, func(p string) bool {
			return strings.Contains(p, "default-src 'none'") && strings.Contains(p, "frame-ancestors 'none'")
		}) {
			t.Errorf("%s: policies %q lack the service's own", path, policies)
		}
	}
}
