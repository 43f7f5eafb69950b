package a11y

import (
	"fmt"
	"testing"
)

// screenWidths are the viewport widths checked, in CSS pixels: small and
// common phones, a tablet, and laptop and desktop screens.
var screenWidths = []int64{320, 360, 768, 1024, 1280, 1920}

// screenHeight is the viewport height of every check, because reflow
// depends on the width alone.
const screenHeight = 900

// layoutReport is what layoutScript measures on a page.
type layoutReport struct {
	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
	// Overlaps names pairs of header elements whose text boxes overlap.
	Overlaps []string `json:"overlaps"`
	// Outside names focusable elements that reach past the left or right
	// edge of the viewport, so a user would have to scroll sideways.
	Outside []string `json:"outside"`
}

// layoutScript measures horizontal overflow and the header's text boxes.
// Text boxes are the line boxes (getClientRects) of elements with text of
// their own and of form controls, so an inline link that wraps is
// compared line by line. Boxes that overlap by less than a pixel in
// either direction count as touching.
const layoutScript = `(() => {
  const width = window.innerWidth;
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) d += "." + el.className.trim().split(/\s+/).join(".");
    const text = (el.value || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? d + " \"" + text + "\"" : d;
  };
  const rendered = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const control = el => ["INPUT", "BUTTON", "SELECT", "TEXTAREA"].includes(el.tagName) && el.type !== "hidden";
  const ownText = el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");

  const header = document.querySelector("body > header");
  const boxes = header ? [...header.querySelectorAll("*")].filter(el => rendered(el) && (control(el) || ownText(el))) : [];
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const hit = [...a.getClientRects()].some(ra => [...b.getClientRects()].some(rb =>
        Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 1 &&
        Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 1));
      if (hit) overlaps.push(describe(a) + " and " + describe(b));
    }
  }

  const focusable = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";
  const outside = [...document.querySelectorAll(focusable)].filter(el => {
    if (!rendered(el)) return false;
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.right > width + 1;
  }).map(el => {
    const r = el.getBoundingClientRect();
    return describe(el) + " spans " + Math.round(r.left) + " to " + Math.round(r.right);
  });
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, overlaps, outside};
})()`

// checkLayout measures the loaded page and fails the test for sideways
// scrolling, focusable elements out of view and overlapping header text.
// It reports whether the page passed.
func (tb *tab) checkLayout(page auditPage, condition string) bool {
	tb.t.Helper()
	var r layoutReport
	tb.eval(layoutScript, &r)
	scrolls := r.ScrollWidth > r.InnerWidth
	if scrolls {
		tb.t.Errorf("page %s %s: scrolls sideways: the document is %.0f px wide, the viewport %.0f px",
			page, condition, r.ScrollWidth, r.InnerWidth)
	}
	for _, o := range r.Outside {
		tb.t.Errorf("page %s %s: focusable element outside the viewport: %s", page, condition, o)
	}
	for _, o := range r.Overlaps {
		tb.t.Errorf("page %s %s: header text overlaps: %s", page, condition, o)
	}
	return !scrolls && len(r.Outside) == 0 && len(r.Overlaps) == 0
}

// TestReflowEveryWidth checks the start and a service page of every
// portal at each screen width (WCAG 2.1 criterion 1.4.10, Reflow).
func TestReflowEveryWidth(t *testing.T) {
	s := setup(t)
	pages, err := startAndServicePages(s)
	if err != nil {
		t.Fatal(err)
	}
	tb := s.newTab(t)
	for _, p := range pages {
		tb.viewport(screenWidths[0], screenHeight)
		tb.open(p.URL)
		for _, w := range screenWidths {
			tb.viewport(w, screenHeight)
			if !tb.checkLayout(p, fmt.Sprintf("at %d px", w)) {
				tb.screenshot(fmt.Sprintf("reflow-%s-%s-%d", p.Site, p.Kind, w))
			}
		}
	}
}

// zoomStyle sets the root font size to 200 %, as a browser's text-only
// zoom does, and every size of the theme given in rem follows it. It
// sets the property through the CSSOM, which the portals'
// Content-Security-Policy allows, where it blocks a new style element.
const zoomStyle = `(() => {
  document.documentElement.style.setProperty("font-size", "200%", "important");
  return getComputedStyle(document.documentElement).fontSize;
})()`

// TestTextZoom200 enlarges the text of the start and a service page of
// every portal to 200 % at 1280 px (WCAG 2.1 criterion 1.4.4, Resize
// text): nothing may need sideways scrolling or overlap in the header.
func TestTextZoom200(t *testing.T) {
	s := setup(t)
	pages, err := startAndServicePages(s)
	if err != nil {
		t.Fatal(err)
	}
	tb := s.newTab(t)
	tb.viewport(1280, screenHeight)
	for _, p := range pages {
		tb.open(p.URL)
		var size string
		tb.eval(zoomStyle, &size)
		if size != "32px" {
			t.Fatalf("page %s: root font size is %s after zooming, want 32px", p, size)
		}
		if !tb.checkLayout(p, "with text zoomed to 200 % at 1280 px") {
			tb.screenshot(fmt.Sprintf("zoom-%s-%s", p.Site, p.Kind))
		}
	}
}

// printScript returns the navigation and page chrome that stays visible
// when the page is printed.
const printScript = `(() => {
  const printed = [];
  for (const el of document.querySelectorAll("nav, body > header, body > footer, .skip-link, .breadcrumbs")) {
    if (el.getClientRects().length > 0) {
      printed.push(el.tagName.toLowerCase() + (el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
        (el.getAttribute("aria-label") ? " [" + el.getAttribute("aria-label") + "]" : ""));
    }
  }
  return printed;
})()`

// TestPrintHidesNavigation prints a service page of every portal: the
// header, footer, skip link and every navigation must not be printed.
func TestPrintHidesNavigation(t *testing.T) {
	s := setup(t)
	pages, err := startAndServicePages(s)
	if err != nil {
		t.Fatal(err)
	}
	tb := s.newTab(t)
	tb.viewport(1280, screenHeight)
	tb.emulateMedia("print")
	defer tb.emulateMedia("")
	for _, p := range pages {
		if p.Kind == "start" {
			continue
		}
		tb.open(p.URL)
		var printMedia bool
		tb.eval(`matchMedia("print").matches`, &printMedia)
		if !printMedia {
			t.Fatalf("page %s: emulating print media had no effect", p)
		}
		var navigation []string
		tb.eval(printScript, &navigation)
		for _, el := range navigation {
			t.Errorf("page %s: printed although it is navigation: %s", p, el)
		}
		var title string
		tb.eval(`(() => { const h = document.querySelector("main h1"); return h && h.getClientRects().length ? h.textContent : ""; })()`, &title)
		if title == "" {
			t.Errorf("page %s: the page heading is not printed", p)
		}
	}
}
