package federation

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/internal/tomlpos"
)

// Kinds of administration a site can be.
const (
	KindCounty       = "kreis"
	KindMunicipality = "gemeinde"
	KindSamtgemeinde = "samtgemeinde"
)

// MinContrast is the lowest contrast ratio allowed between a theme's
// colours: WCAG 2.1 success criterion 1.4.3 for normal text.
const MinContrast = 4.5

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	digits        = regexp.MustCompile(`^[0-9]+$`)
)

type validator struct {
	name  string
	src   []byte
	diags *diag.List
	// draft accepts empty required values of the legal, privacy and
	// accessibility tables (see ParseDraft).
	draft bool
}

// errorAt reports an error where path is written. For keys of an array
// of tables (category, site), n is the index of the element.
func (v *validator) errorAt(path []string, n int, id, hint, format string, args ...any) {
	p := elementKeyPos(v.src, path, n)
	v.diags.Errorf(v.name, p.Line, p.Column, id, hint, format, args...)
}

// elementKeyPos returns the position of path inside the n-th element of
// the array of tables path[0], or of that element's header when the key is
// not written, or the top of the file.
func elementKeyPos(src []byte, path []string, n int) tomlpos.Pos {
	top := tomlpos.Pos{Line: 1, Column: 1}
	if len(path) == 0 {
		return top
	}
	headers := tomlpos.Find(src, path[:1])
	if len(path) == 1 || n >= len(headers) || len(headers) < 2 && n > 0 {
		if n < len(headers) {
			return headers[n]
		}
		return top
	}
	end := 1 << 30
	if n+1 < len(headers) {
		end = headers[n+1].Line
	}
	for k := len(path); k > 1; k-- {
		for _, p := range tomlpos.Find(src, path[:k]) {
			if p.Line > headers[n].Line && p.Line < end {
				return p
			}
		}
	}
	return headers[n]
}

func (v *validator) validate(c *Config) {
	if c.Name == "" {
		v.errorAt(nil, 0, "missing-key", `add name = "..." at the top of the file`,
			"missing federation name")
	}
	v.checkURL([]string{"search", "url"}, 0, c.Search.URL, true)
	v.checkURL([]string{"account", "url"}, 0, c.Account.URL, true)

	seen := map[string]bool{}
	for i, cat := range c.Categories {
		switch {
		case !idPattern.MatchString(cat.ID):
			v.errorAt([]string{"category", "id"}, i, "invalid-id",
				"use lower-case letters, digits and hyphens",
				"invalid category id %q", cat.ID)
		case seen[cat.ID]:
			v.errorAt([]string{"category", "id"}, i, "duplicate-id",
				"give each category its own id", "duplicate category id %q", cat.ID)
		}
		seen[cat.ID] = true
		if cat.Title == "" {
			v.errorAt([]string{"category"}, i, "missing-key",
				`add title = "..." to the category`, "category %q has no title", cat.ID)
		}
	}
	if len(c.Categories) == 0 {
		v.errorAt(nil, 0, "missing-key", "add at least one [[category]] table",
			"no categories for the shared navigation")
	}

	if len(c.Sites) == 0 {
		v.errorAt(nil, 0, "missing-key", "add a [[site]] table for each portal", "no sites")
	}
	ids := map[string]int{}
	origins := map[string]int{}
	// The account service keeps its session cookie on its own origin, and
	// the search endpoint grants CORS to the portals from its own, so no
	// portal may share either origin.
	servers := map[string]string{}
	if o, err := ParseOrigin(c.Search.URL); err == nil {
		servers[o] = "search.url"
	}
	if o, err := ParseOrigin(c.Account.URL); err == nil {
		servers[o] = "account.url"
	}
	counties := 0
	for i := range c.Sites {
		s := &c.Sites[i]
		if n, dup := ids[s.ID]; dup {
			p := elementKeyPos(v.src, []string{"site", "id"}, n)
			v.errorAt([]string{"site", "id"}, i, "duplicate-id",
				"give each site its own id", "site id %q is also used by the [[site]] at line %d", s.ID, p.Line)
		}
		ids[s.ID] = i
		// Two portals at one origin would share their pages' addresses,
		// sitemaps and headers files.
		if origin, err := ParseOrigin(s.URL); err == nil {
			if server, ok := servers[origin]; ok {
				v.errorAt([]string{"site", "url"}, i, "duplicate-url",
					"give the portal an origin of its own, such as another host name",
					"site %q: url %q is the origin of %s", s.ID, s.URL, server)
			}
			if n, dup := origins[origin]; dup {
				v.errorAt([]string{"site", "url"}, i, "duplicate-url", "give each portal its own origin",
					"site %q: url %q is the origin of site %q too", s.ID, s.URL, c.Sites[n].ID)
			} else {
				origins[origin] = i
			}
		}
		if s.Kind == KindCounty {
			counties++
		}
		v.validateSite(c, i, s)
	}
	if counties > 1 {
		v.errorAt([]string{"site", "kind"}, 0, "invalid-value",
			"a federation has one county", "%d sites of kind %q", counties, KindCounty)
	}
	v.checkParents(c)
}

func (v *validator) validateSite(c *Config, i int, s *Site) {
	at := func(key ...string) []string { return append([]string{"site"}, key...) }
	if !idPattern.MatchString(s.ID) {
		v.errorAt(at("id"), i, "invalid-id", "use lower-case letters, digits and hyphens, such as \"lingen\"",
			"invalid site id %q", s.ID)
	}
	if s.Name == "" {
		v.errorAt(at(), i, "missing-key", `add name = "..."`, "site %q has no name", s.ID)
	}
	switch s.Kind {
	case KindCounty, KindMunicipality:
		if !digits.MatchString(s.Key) || (len(s.Key) != 5 && len(s.Key) != 8) {
			v.errorAt(at("key"), i, "invalid-value",
				"use the official municipality key (AGS) of 5 or 8 digits",
				"site %q: invalid key %q", s.ID, s.Key)
		}
	case KindSamtgemeinde:
		if !digits.MatchString(s.Key) || len(s.Key) != 9 {
			v.errorAt(at("key"), i, "invalid-value",
				"use the 9-digit regional key of the Samtgemeinde",
				"site %q: invalid key %q", s.ID, s.Key)
		}
	case "":
		v.errorAt(at("kind"), i, "missing-key",
			`add kind = "kreis", "gemeinde" or "samtgemeinde"`, "site %q: missing kind", s.ID)
	default:
		v.errorAt(at("kind"), i, "invalid-value",
			`use "kreis", "gemeinde" or "samtgemeinde"`, "site %q: invalid kind %q", s.ID, s.Kind)
	}
	v.checkURL(at("url"), i, s.URL, false)
	if s.Kind == KindCounty && s.Parent != "" {
		v.errorAt(at("parent"), i, "invalid-value", "remove parent from the county",
			"the county %q cannot have a parent", s.ID)
	}
	if s.Kind != KindCounty && s.Parent == "" {
		if _, ok := c.County(); ok {
			v.errorAt(at(), i, "missing-key", `add parent = "<county id>"`,
				"site %q has no parent", s.ID)
		}
	}
	for _, o := range s.Offers {
		if o != "*" && !idPattern.MatchString(o) {
			v.errorAt(at("offers"), i, "invalid-value",
				`list base text ids or "*"`, "site %q offers invalid id %q", s.ID, o)
		}
	}
	if len(s.Offers) > 0 && s.Office == "" {
		v.errorAt(at("offers"), i, "missing-key",
			`add office = "<slug>" naming the office that handles offered services`,
			"site %q offers services but names no office", s.ID)
	}

	required := []struct {
		key   []string
		value string
	}{
		{at("legal", "name"), s.Legal.Name},
		{at("legal", "street"), s.Legal.Street},
		{at("legal", "postal_code"), s.Legal.PostalCode},
		{at("legal", "city"), s.Legal.City},
		{at("legal", "head"), s.Legal.Head},
		{at("legal", "email"), s.Legal.Email},
		{at("legal", "phone"), s.Legal.Phone},
		{at("privacy", "officer"), s.Privacy.Officer},
		{at("privacy", "email"), s.Privacy.Email},
		{at("accessibility", "contact"), s.Accessibility.Contact},
		{at("accessibility", "email"), s.Accessibility.Email},
		{at("accessibility", "enforcement"), s.Accessibility.Enforcement},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" && !v.draft {
			v.errorAt(r.key, i, "missing-key",
				fmt.Sprintf("the portal's required pages need it: add %s = \"...\"", r.key[len(r.key)-1]),
				"site %q: missing %s", s.ID, strings.Join(r.key, "."))
		}
	}
	switch s.Accessibility.Status {
	case "vollständig", "teilweise", "nicht":
	default:
		v.errorAt(at("accessibility", "status"), i, "invalid-value",
			`use "vollständig", "teilweise" or "nicht"`,
			"site %q: invalid accessibility status %q", s.ID, s.Accessibility.Status)
	}
	v.checkTheme(i, s)
}

func (v *validator) checkTheme(i int, s *Site) {
	ok := true
	for _, c := range []struct{ key, value string }{
		{"primary", s.Theme.Primary}, {"on_primary", s.Theme.OnPrimary},
	} {
		if !colourPattern.MatchString(c.value) {
			v.errorAt([]string{"site", "theme", c.key}, i, "invalid-value",
				`write the colour as "#rrggbb"`, "site %q: invalid colour %q in theme.%s", s.ID, c.value, c.key)
			ok = false
		}
	}
	if logo := s.Theme.Logo; logo != "" {
		if ext := strings.ToLower(filepath.Ext(logo)); ext != ".svg" && ext != ".png" {
			v.errorAt([]string{"site", "theme", "logo"}, i, "invalid-value",
				"use an SVG or PNG file", "site %q: logo %q is neither SVG nor PNG", s.ID, logo)
		}
	}
	if icon := s.Theme.Icon; icon != "" {
		if ext := strings.ToLower(filepath.Ext(icon)); ext != ".svg" && ext != ".png" {
			v.errorAt([]string{"site", "theme", "icon"}, i, "invalid-value",
				"use an SVG file or a square PNG file", "site %q: icon %q is neither SVG nor PNG", s.ID, icon)
		}
	}
	if !ok {
		return
	}
	ratio := Contrast(s.Theme.Primary, s.Theme.OnPrimary)
	if ratio < MinContrast {
		v.errorAt([]string{"site", "theme", "on_primary"}, i, "low-contrast",
			fmt.Sprintf("choose colours with a contrast ratio of at least %.1f:1", MinContrast),
			"site %q: theme.primary %s and theme.on_primary %s have a contrast ratio of %.2f:1",
			s.ID, s.Theme.Primary, s.Theme.OnPrimary, ratio)
	}
}

func (v *validator) checkURL(path []string, n int, raw string, optional bool) {
	if raw == "" {
		if !optional {
			v.errorAt(path[:len(path)-1], n, "missing-key", `add url = "https://..."`,
				"missing %s", strings.Join(path, "."))
		}
		return
	}
	if _, err := ParseOrigin(raw); err != nil {
		v.errorAt(path, n, "invalid-url", `write an origin such as "https://lingen.example.org"`,
			"invalid %s %q: %s", strings.Join(path, "."), raw, OriginReason(err))
	}
}

// checkParents checks that every parent exists and that parents form a
// tree.
func (v *validator) checkParents(c *Config) {
	for i, s := range c.Sites {
		if s.Parent == "" {
			continue
		}
		if _, ok := c.Site(s.Parent); !ok {
			ids := make([]string, 0, len(c.Sites))
			for _, other := range c.Sites {
				if other.ID != s.ID {
					ids = append(ids, other.ID)
				}
			}
			v.errorAt([]string{"site", "parent"}, i, "unknown-site",
				"name the id of another [[site]]", "site %q: unknown parent %q%s", s.ID, s.Parent,
				suggest.Hint(s.Parent, ids))
			continue
		}
		seen := map[string]bool{s.ID: true}
		for p := s.Parent; p != ""; {
			if seen[p] {
				v.errorAt([]string{"site", "parent"}, i, "parent-cycle",
					"parents must lead up to the county", "site %q: parents form a cycle", s.ID)
				break
			}
			seen[p] = true
			ps, _ := c.Site(p)
			if ps == nil {
				break
			}
			p = ps.Parent
		}
	}
}

// Contrast returns the WCAG 2.1 contrast ratio of two "#rrggbb" colours,
// between 1 and 21.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range rgb {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(n) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		rgb[i] = c
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}
