package a11y

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyboardSite is the portal the keyboard test starts on: a town with
// service pages of its own, which other communes offer too.
const keyboardSite = "lingen"

// maxTabs bounds the Tab presses to reach one element, so a broken focus
// order fails the test instead of looping.
const maxTabs = 150

// focusState describes the focused element.
type focusState struct {
	Element string `json:"element"`
	Href    string `json:"href"`
	Outline string `json:"outline"`
	Shadow  string `json:"shadow"`
	// Visible is true when the element has an outline or a box shadow.
	Visible bool `json:"visible"`
	// InView is true when the element's box is inside the viewport.
	InView bool `json:"inView"`
	// Matches is the result of the step's predicate for the element.
	Matches bool `json:"matches"`
}

func (f focusState) String() string {
	return fmt.Sprintf("%s (outline %s, box-shadow %s)", f.Element, f.Outline, f.Shadow)
}

// focusScript returns the focusState of document.activeElement. The
// placeholder %s takes a JavaScript predicate on the element.
const focusScript = `((match) => {
  const el = document.activeElement || document.body;
  const style = getComputedStyle(el);
  let element = el.tagName.toLowerCase();
  if (el.id) element += "#" + el.id;
  if (typeof el.className === "string" && el.className.trim()) element += "." + el.className.trim().split(/\s+/).join(".");
  const text = (el.value || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  if (el !== document.body && text) element += " \"" + text + "\"";
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const r = el.getBoundingClientRect();
  return {
    element, href: el.href || "",
    outline: style.outlineStyle + " " + style.outlineWidth, shadow: style.boxShadow,
    visible: outline || style.boxShadow !== "none",
    inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    matches: Boolean(match(el)),
  };
})(%s)`

// focus returns the state of the focused element for predicate.
func (tb *tab) focus(predicate string) focusState {
	tb.t.Helper()
	var f focusState
	tb.eval(fmt.Sprintf(focusScript, predicate), &f)
	return f
}

// checkFocus fails the test when the focused element has no visible focus
// indicator or lies outside the viewport.
func (tb *tab) checkFocus(step string, f focusState) {
	tb.t.Helper()
	if !f.Visible {
		tb.t.Errorf("%s: focus on %s is not visible", step, f)
	}
	if !f.InView {
		tb.t.Errorf("%s: focused element %s is outside the viewport", step, f.Element)
	}
}

// press sends one key, such as kb.Tab, to the page.
func (tb *tab) press(key string) {
	tb.t.Helper()
	tb.do("pressing "+fmt.Sprintf("%q", key), chromedp.KeyEvent(key))
}

// pressAndLoad sends one key and waits until the page it opens has loaded.
func (tb *tab) pressAndLoad(key string) {
	tb.t.Helper()
	tb.takeFailures()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(key))); err != nil {
		tb.t.Fatalf("pressing %q and waiting for the next page: %v", key, err)
	}
	tb.checkSubresources(tb.location())
}

// tabTo presses Tab until the focused element matches predicate, checking
// that focus is visible at every stop, and returns the element reached.
func (tb *tab) tabTo(step, predicate string) focusState {
	tb.t.Helper()
	for range maxTabs {
		tb.press(kb.Tab)
		f := tb.focus(predicate)
		tb.checkFocus(step, f)
		if f.Matches {
			return f
		}
	}
	tb.t.Fatalf("%s: not reached after %d presses of Tab", step, maxTabs)
	return focusState{}
}

func (tb *tab) location() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatalf("reading the page's address: %v", err)
	}
	return loc
}

// TestKeyboardOnly walks a citizen's way through the portals with the
// keyboard alone: skip link, search, a service page, the same service in
// another commune, and the account link. It writes a screenshot of each
// step.
func TestKeyboardOnly(t *testing.T) {
	s := setup(t)
	site := s.site(keyboardSite)
	if site == nil {
		t.Fatalf("the example federation has no site %s", keyboardSite)
	}
	tb := s.newTab(t)
	tb.viewport(1280, screenHeight)
	// The walk logs in on the account service, so it starts without a
	// session from an earlier test.
	tb.clearCookies()
	defer tb.clearCookies()
	start := site.URL + "/"

	tb.open(start)
	f := tb.tabTo("first Tab on the start page", `el => true`)
	if !strings.Contains(f.Element, "skip-link") {
		t.Fatalf("the first Tab focuses %s, want the skip link", f.Element)
	}
	tb.screenshot("keyboard-01-skip-link")

	tb.press(kb.Enter)
	f = tb.focus(`el => el.matches("main#inhalt")`)
	if !f.Matches {
		t.Fatalf("after Enter on the skip link focus is on %s, want main#inhalt", f.Element)
	}
	tb.checkFocus("skip link followed", f)
	tb.screenshot("keyboard-02-main")

	tb.open(start)
	tb.tabTo("Tab to the search box", `el => el.id === "suche-q"`)
	tb.checkSearchForm(site.ID)
	tb.do("typing a query", chromedp.KeyEvent("Hundesteuer"))
	tb.screenshot("keyboard-03-search-box")

	service := site.URL + "/leistungen/hundesteuer/"
	if s.cfg.Search.URL != "" {
		tb.pressAndLoad(kb.Enter)
		tb.checkResultsPage(s.cfg.Search.URL, site.ID, "Hundesteuer")
		tb.screenshot("keyboard-04-results")
		tb.tabTo("Tab to the service in the results", fmt.Sprintf(`el => el.href === %q`, service))
	} else {
		tb.open(site.URL + "/leistungen/")
		tb.tabTo("Tab to the service in the A-Z list", fmt.Sprintf(`el => el.href === %q`, service))
	}
	tb.pressAndLoad(kb.Enter)
	if loc := tb.location(); loc != service {
		t.Fatalf("Enter on the service link opened %s, want %s", loc, service)
	}
	tb.screenshot("keyboard-05-service")

	other := tb.tabTo("Tab to the service in another commune",
		`el => { const h = [...document.querySelectorAll("h2")].find(h => h.textContent.trim() === "Diese Leistung in anderen Kommunen");
		         return Boolean(h && h.nextElementSibling && h.nextElementSibling.contains(el) && el.href); }`)
	tb.screenshot("keyboard-06-other-commune-link")
	tb.pressAndLoad(kb.Enter)
	loc := tb.location()
	if loc != other.Href {
		t.Fatalf("Enter on %s opened %s, want %s", other.Element, loc, other.Href)
	}
	if strings.HasPrefix(loc, site.URL+"/") {
		t.Errorf("the link to another commune's page stays on %s: %s", site.URL, loc)
	}
	var isService bool
	tb.eval(`Boolean(document.querySelector("article.service h1"))`, &isService)
	if !isService {
		t.Errorf("%s is not a service page", loc)
	}
	tb.screenshot("keyboard-07-other-commune")

	if s.cfg.Account.URL != "" {
		account := tb.tabTo("Tab to Mein Konto", `el => el.classList.contains("account-link")`)
		want := strings.TrimSuffix(s.cfg.Account.URL, "/") + "/?" + url.Values{"return": {loc}}.Encode()
		if account.Href != want {
			t.Errorf("Mein Konto links to %s, want %s", account.Href, want)
		}
		tb.screenshot("keyboard-08-account-link")
		if s.account != nil {
			tb.walkAccount(loc)
		}
	}
}

// walkAccount continues the keyboard test from the focused "Mein Konto"
// link on the portal page portalURL. It logs in on the account service,
// which sends the browser back to the portal. Then it follows "Mein
// Konto" again and opens the mailbox and a message.
func (tb *tab) walkAccount(portalURL string) {
	tb.t.Helper()
	s := tb.suite
	tb.pressAndLoad(kb.Enter)
	if loc := tb.location(); !strings.HasPrefix(loc, s.accountURL("/")) {
		tb.t.Fatalf("Enter on Mein Konto opened %s, want the account service", loc)
	}

	tb.tabTo("Tab to the e-mail address", `el => el.id === "email"`)
	tb.do("typing the e-mail address", chromedp.KeyEvent(accountEmail))
	tb.screenshot("keyboard-09-login-email")
	tb.tabTo("Tab to the password", `el => el.id === "password"`)
	tb.do("typing the password", chromedp.KeyEvent(accountPassword))
	tb.screenshot("keyboard-10-login-password")
	tb.tabTo("Tab to the login button",
		`el => el.type === "submit" && el.form && el.form.action.endsWith("/anmelden")`)
	tb.screenshot("keyboard-11-login-button")
	tb.pressAndLoad(kb.Enter)
	if loc := tb.location(); loc != portalURL {
		tb.t.Fatalf("the login led to %s, want the portal page %s", loc, portalURL)
	}

	tb.tabTo("Tab to Mein Konto after the login", `el => el.classList.contains("account-link")`)
	tb.pressAndLoad(kb.Enter)
	tb.checkAccountPage("Mein Konto", "/")
	tb.screenshot("keyboard-12-account")

	tb.tabTo("Tab to the mailbox", `el => el.getAttribute("href") === "/postfach"`)
	tb.pressAndLoad(kb.Enter)
	tb.checkAccountPage("Postfach", "/postfach")
	tb.screenshot("keyboard-13-mailbox")

	message := "/postfach/" + s.account.messageID
	tb.tabTo("Tab to the message", fmt.Sprintf(`el => el.getAttribute("href") === %q`, message))
	tb.pressAndLoad(kb.Enter)
	tb.checkAccountPage(messageSubject, message)
	tb.screenshot("keyboard-14-message")
}

// checkAccountPage fails the test unless the browser shows path on the
// account service with the heading h1.
func (tb *tab) checkAccountPage(h1, path string) {
	tb.t.Helper()
	loc, err := url.Parse(tb.location())
	if err != nil {
		tb.t.Fatalf("parsing the page's address: %v", err)
	}
	if want := tb.suite.accountURL(path); loc.Scheme+"://"+loc.Host+loc.Path != want {
		tb.t.Fatalf("Enter opened %s, want %s", loc, want)
	}
	var heading string
	tb.eval(`(document.querySelector("h1") || {textContent: ""}).textContent.trim()`, &heading)
	if heading != h1 {
		tb.t.Errorf("page %s: the heading is %q, want %q", loc, heading, h1)
	}
}

// checkSearchForm checks the header's search form: it sends the query
// as q, with the portal as site, to the search endpoint.
func (tb *tab) checkSearchForm(siteID string) {
	tb.t.Helper()
	var form struct {
		Action string `json:"action"`
		Method string `json:"method"`
		Query  string `json:"query"`
		Site   string `json:"site"`
	}
	tb.eval(`(() => {
  const f = document.getElementById("suche-q").form;
  return {action: f.action, method: f.method, query: f.elements.q ? f.elements.q.id : "",
          site: f.elements.site ? f.elements.site.value : ""};
})()`, &form)
	want := strings.TrimSuffix(tb.suite.cfg.Search.URL, "/") + "/suche"
	if form.Action != want || form.Method != "get" {
		tb.t.Errorf("the search form sends %s %s, want get %s", form.Method, form.Action, want)
	}
	if form.Query != "suche-q" {
		tb.t.Errorf("the search box is not the form's field q")
	}
	if form.Site != siteID {
		tb.t.Errorf("the search form sends site %q, want %q", form.Site, siteID)
	}
}

// checkResultsPage checks that the loaded page is the search endpoint's
// results page for query on site, with at least one hit.
func (tb *tab) checkResultsPage(searchURL, siteID, query string) {
	tb.t.Helper()
	loc, err := url.Parse(tb.location())
	if err != nil {
		tb.t.Fatalf("parsing the results page's address: %v", err)
	}
	if origin, _ := originOf(searchURL); loc.Scheme+"://"+loc.Host != origin || loc.Path != "/suche" {
		tb.t.Fatalf("the search form opened %s, want %s/suche", loc, origin)
	}
	if got := loc.Query(); got.Get("q") != query || got.Get("site") != siteID {
		tb.t.Errorf("the results page was asked for q=%q site=%q, want q=%q site=%q",
			got.Get("q"), got.Get("site"), query, siteID)
	}
	var hits int
	tb.eval(`document.querySelectorAll(".verbund-search-hits > li").length`, &hits)
	if hits == 0 {
		tb.t.Errorf("the results page for %q shows no hits", query)
	}
}

// TestFocusCheckReportsInvisibleFocus checks the focus check itself: a
// skip link whose outline and box shadow are removed must fail it.
func TestFocusCheckReportsInvisibleFocus(t *testing.T) {
	s := setup(t)
	tb := s.newTab(t)
	tb.open(s.cfg.Sites[0].URL + "/")
	tb.eval(`(() => {
  const link = document.querySelector(".skip-link");
  link.style.setProperty("outline", "none", "important");
  link.style.setProperty("box-shadow", "none", "important");
  return true;
})()`, nil)
	tb.press(kb.Tab)
	f := tb.focus(`el => el.classList.contains("skip-link")`)
	if !f.Matches {
		t.Fatalf("the first Tab focuses %s, want the skip link", f.Element)
	}
	if f.Visible {
		t.Errorf("focus on %s counts as visible", f)
	}
}
