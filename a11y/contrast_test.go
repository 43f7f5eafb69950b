package a11y

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"
)

// colourPair is the text colour of an element and the colour behind it,
// as sRGB values from 0 to 255 with any transparency already blended in.
type colourPair struct {
	Element    string     `json:"element"`
	Color      [3]float64 `json:"color"`
	Background [3]float64 `json:"background"`
}

// headerColours is what headerColoursScript reads from a page.
type headerColours struct {
	// Background and Color are the header's own computed colours.
	Background [3]float64 `json:"background"`
	Color      [3]float64 `json:"color"`
	// Texts are the pairs of every header element with text of its own.
	Texts []colourPair `json:"texts"`
	// Unparsed lists computed colours the script could not read.
	Unparsed []string `json:"unparsed"`
}

// headerColoursScript reads the colours of the page header. The colour
// behind an element is found by blending the background colours of the
// element and its ancestors from the first opaque one up, over white,
// so the translucent band of the topics counts.
const headerColoursScript = `(() => {
  const unparsed = [];
  const parse = (c, where) => {
    const m = c.match(/^rgba?\((.+)\)$/);
    if (!m) { unparsed.push(where + ": " + c); return [0, 0, 0, 1]; }
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const blend = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const describe = el => el.tagName.toLowerCase() + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
    " \"" + el.textContent.trim().replace(/\s+/g, " ").slice(0, 40) + "\"";
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor, describe(e));
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let rgb = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) rgb = blend(layers[i], rgb);
    return rgb;
  };
  const ownText = el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
  const header = document.querySelector("body > header");
  const style = getComputedStyle(header);
  const texts = [...header.querySelectorAll("*")]
    .filter(el => el.getClientRects().length > 0 && ownText(el))
    .map(el => {
      const background = behind(el);
      return {element: describe(el), color: blend(parse(getComputedStyle(el).color, describe(el)), background), background};
    });
  return {
    background: parse(style.backgroundColor, "header").slice(0, 3),
    color: parse(style.color, "header").slice(0, 3),
    texts, unparsed,
  };
})()`

// TestHeaderContrast checks on every portal's start page that the header
// shows the portal's theme colours and that every text in it has a
// contrast ratio of at least 4.5:1 with what is behind it (WCAG 2.1
// criterion 1.4.3).
func TestHeaderContrast(t *testing.T) {
	s := setup(t)
	tb := s.newTab(t)
	tb.viewport(1280, screenHeight)
	for _, site := range s.cfg.Sites {
		tb.open(site.URL + "/")
		var c headerColours
		tb.eval(headerColoursScript, &c)
		for _, u := range c.Unparsed {
			t.Errorf("site %s: cannot read the computed colour %s", site.ID, u)
		}
		if got := hexColour(c.Background); got != strings.ToLower(site.Theme.Primary) {
			t.Errorf("site %s: header background is %s, want theme.primary %s", site.ID, got, site.Theme.Primary)
		}
		if got := hexColour(c.Color); got != strings.ToLower(site.Theme.OnPrimary) {
			t.Errorf("site %s: header text colour is %s, want theme.on_primary %s", site.ID, got, site.Theme.OnPrimary)
		}
		if len(c.Texts) == 0 {
			t.Errorf("site %s: the header shows no text", site.ID)
		}
		for _, low := range lowContrast(c) {
			t.Errorf("site %s: %s", site.ID, low)
		}
	}
}

// lowContrast describes each header text whose contrast ratio is below
// federation.MinContrast.
func lowContrast(c headerColours) []string {
	var low []string
	for _, p := range c.Texts {
		fg, bg := hexColour(p.Color), hexColour(p.Background)
		if ratio := federation.Contrast(fg, bg); ratio < federation.MinContrast {
			low = append(low, fmt.Sprintf("header text %s is %s on %s, a contrast ratio of %.2f:1, want at least %.1f:1",
				p.Element, fg, bg, ratio, federation.MinContrast))
		}
	}
	return low
}

// TestHeaderContrastReportsLowContrast checks the contrast check itself:
// grey topic links on the dark band of the topics must be reported.
func TestHeaderContrastReportsLowContrast(t *testing.T) {
	s := setup(t)
	tb := s.newTab(t)
	tb.open(s.cfg.Sites[0].URL + "/")
	tb.eval(`(() => {
  for (const a of document.querySelectorAll(".topics a")) a.style.color = "#777777";
  return true;
})()`, nil)
	var c headerColours
	tb.eval(headerColoursScript, &c)
	low := lowContrast(c)
	if len(low) == 0 {
		t.Fatal("grey topic links were not reported")
	}
	for _, l := range low {
		if !strings.Contains(l, "#777777") {
			t.Errorf("reported a text that was not changed: %s", l)
		}
	}
}

// hexColour formats an sRGB colour as "#rrggbb".
func hexColour(rgb [3]float64) string {
	var b strings.Builder
	b.WriteString("#")
	for _, c := range rgb {
		fmt.Fprintf(&b, "%02x", int(math.Round(math.Max(0, math.Min(255, c)))))
	}
	return b.String()
}
