package a11y

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// iconTimeout bounds the wait for the icon, which Chromium requests
// after the page has loaded.
const iconTimeout = 10 * time.Second

// TestIconsLoad opens a page of each server of the federation and checks
// that Chromium loads the page's icon, and that no request of the page
// failed, the icon's included.
func TestIconsLoad(t *testing.T) {
	s := setup(t)
	county, ok := s.cfg.County()
	if !ok {
		t.Fatal("the example federation has no county")
	}
	lingen := s.site("lingen")
	if lingen == nil {
		t.Fatal("the example federation has no site lingen")
	}
	pages := []struct {
		name, url string
		// icon is the URL at which the browser ends up for a page that
		// links no icon, after redirects.
		icon string
	}{
		{name: "portal start page", url: lingen.URL + "/"},
		{name: "portal service page", url: lingen.URL + "/leistungen/hundesteuer/"},
		{name: "portal 404 page", url: lingen.URL + "/diese-seite-gibt-es-nicht/"},
		{name: "results page in the portal's layout", url: s.cfg.Search.URL + "/suche?q=hund&site=lingen"},
		{name: "results page without a layout", url: s.cfg.Search.URL + "/suche?q=hund",
			icon: strings.TrimSuffix(county.URL, "/") + "/favicon.ico"},
	}
	if s.account != nil {
		pages = append(pages, struct{ name, url, icon string }{
			name: "account login page", url: s.cfg.Account.URL + "/anmelden"})
	}

	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			// Chromium does not request an icon again that it showed in
			// the tab before, so each page opens in a browser context of
			// its own.
			tab := s.newTab(t, chromedp.WithNewBrowserContext())
			tab.open(p.url)
			want := p.icon
			if want == "" {
				var links []string
				tab.eval(`Array.from(document.querySelectorAll('link[rel~="icon"]'), l => l.href)`, &links)
				if len(links) != 1 {
					t.Fatalf("the page links %d icons, want 1: %v", len(links), links)
				}
				want = links[0]
			}
			icon, ok := tab.waitForOwnRequest(want)
			if !ok {
				t.Fatalf("Chromium did not request the icon %s within %v", want, iconTimeout)
			}
			if icon.status != 200 {
				t.Errorf("icon %s: status %d, want 200", want, icon.status)
			}
			if !strings.HasPrefix(icon.contentType, "image/") {
				t.Errorf("icon %s: Content-Type %q, want an image", want, icon.contentType)
			}
			tab.checkSubresources(p.url)
		})
	}
}

// waitForOwnRequest waits up to iconTimeout for the response to the
// browser's own request for requestURL.
func (tb *tab) waitForOwnRequest(requestURL string) (ownRequest, bool) {
	tb.t.Helper()
	deadline := time.Now().Add(iconTimeout)
	for time.Now().Before(deadline) {
		for _, r := range tb.takeOwnRequests() {
			if r.url == requestURL {
				return r, true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ownRequest{}, false
}
