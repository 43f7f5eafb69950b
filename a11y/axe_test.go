package a11y

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
)

// axeTags are the axe-core rule tags of WCAG 2.1 levels A and AA, the
// level BITV 2.0 requires.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is one failed axe-core rule with the elements it failed on.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeScript runs axe-core on the document with the WCAG tags and returns
// the violations, each element named by its CSS selector.
var axeScript = `(async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["` + strings.Join(axeTags, `", "`) + `"]},
    resultTypes: ["violations"],
  });
  const selector = t => Array.isArray(t) ? t.join(" >>> ") : String(t);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(selector).join(" "), summary: n.failureSummary})),
  }));
})()`

// violations runs axe-core on the loaded page, injecting it first.
func (tb *tab) violations() []axeViolation {
	tb.t.Helper()
	var loaded bool
	tb.eval(`typeof window.axe === "object"`, &loaded)
	if !loaded {
		tb.eval(tb.suite.axe+";true", nil)
	}
	var violations []axeViolation
	tb.eval(axeScript, &violations)
	return violations
}

// audit runs axe-core on the loaded page and fails the test with one
// error per rule that names the page, the rule and each element.
func (tb *tab) audit(page auditPage, condition string) {
	tb.t.Helper()
	for _, v := range tb.violations() {
		var b strings.Builder
		fmt.Fprintf(&b, "page %s%s: rule %s (%s): %s, see %s", page, condition, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\telement %s\n\t\t%s", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
		tb.t.Error(b.String())
	}
}

// TestAxeReportsViolations checks the audit itself: a portal page with an
// image without text alternative and grey text on white must fail.
func TestAxeReportsViolations(t *testing.T) {
	s := setup(t)
	tb := s.newTab(t)
	tb.open(s.cfg.Sites[0].URL + "/")
	// The style is set through the CSSOM, because the portals'
	// Content-Security-Policy blocks style attributes in markup.
	tb.eval(`(() => {
  const main = document.querySelector("main");
  main.insertAdjacentHTML("beforeend",
    '<img id="ohne-alt" src="/assets/fehlt.png" width="10" height="10"><p id="blass">Blasser Text</p>');
  const pale = document.getElementById("blass");
  pale.style.color = "#bbbbbb";
  pale.style.background = "#ffffff";
  return true;
})()`, nil)
	found := map[string]string{}
	for _, v := range tb.violations() {
		for _, n := range v.Nodes {
			found[v.ID] += n.Target + " "
		}
	}
	for rule, target := range map[string]string{"image-alt": "#ohne-alt", "color-contrast": "#blass"} {
		if !strings.Contains(found[rule], target) {
			t.Errorf("axe did not report rule %s on %s; it reported %v", rule, target, found)
		}
	}
	tb.takeFailures()
}

func TestAxeEveryPageType(t *testing.T) {
	s := setup(t)
	pages, err := s.allPages()
	if err != nil {
		t.Fatal(err)
	}
	tb := s.newTab(t)
	tb.viewport(1280, 900)
	for _, p := range pages {
		t.Run(p.Site+"/"+p.Kind, func(t *testing.T) {
			sub := tb.in(t)
			sub.open(p.URL)
			sub.audit(p, "")
		})
	}
	t.Logf("audited %d pages", len(pages))
}

// TestAxeEmulatedMedia audits the start and a service page with reduced
// motion and with forced colours, as Windows high contrast mode sets
// them. It takes the first portal of each kind (county, municipality,
// Samtgemeinde): under forced colours the portals' own colours give way
// to the system's, so the portals differ only in their text.
func TestAxeEmulatedMedia(t *testing.T) {
	s := setup(t)
	all, err := startAndServicePages(s)
	if err != nil {
		t.Fatal(err)
	}
	pages, kinds := firstPortalOfEachKind(s, all)
	if len(pages) < 2*kinds {
		t.Fatalf("found %d pages for %d kinds of portal, want a start and a service page of each", len(pages), kinds)
	}

	tb := s.newTab(t)
	tb.viewport(1280, screenHeight)
	defer tb.emulateMedia("")
	features := []*emulation.MediaFeature{
		{Name: "prefers-reduced-motion", Value: "reduce"},
		{Name: "forced-colors", Value: "active"},
	}
	for _, f := range features {
		tb.emulateMedia("", f)
		query := "(" + f.Name + ": " + f.Value + ")"
		for _, p := range pages {
			tb.open(p.URL)
			var matches bool
			tb.eval(fmt.Sprintf("matchMedia(%q).matches", query), &matches)
			if !matches {
				t.Fatalf("page %s: emulating %s had no effect", p, query)
			}
			tb.audit(p, " with "+query)
		}
	}
}

// firstPortalOfEachKind keeps the pages of the first portal of each kind
// and returns them with the number of kinds.
func firstPortalOfEachKind(s *suite, pages []auditPage) ([]auditPage, int) {
	first := map[string]string{}
	for _, site := range s.cfg.Sites {
		if first[site.Kind] == "" {
			first[site.Kind] = site.ID
		}
	}
	var selected []auditPage
	for _, p := range pages {
		if first[s.site(p.Site).Kind] == p.Site {
			selected = append(selected, p)
		}
	}
	return selected, len(first)
}

// startAndServicePages returns the start page and the first service page
// of every portal.
func startAndServicePages(s *suite) ([]auditPage, error) {
	all, err := portalPages(s)
	if err != nil {
		return nil, err
	}
	var pages []auditPage
	service := map[string]bool{}
	for _, p := range all {
		switch p.Kind {
		case "start":
			pages = append(pages, p)
		case kindExtendingService, kindStandaloneService, kindGeneratedService, kindCountyService:
			if !service[p.Site] {
				service[p.Site] = true
				pages = append(pages, p)
			}
		}
	}
	return pages, nil
}
