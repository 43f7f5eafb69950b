package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// tomlDoc builds TOML text. Values are the generator's own strings, which
// contain no control characters, so quoting escapes only \ and ".
type tomlDoc struct {
	b strings.Builder
}

func tomlQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// str writes key = "value", or nothing for an empty value.
func (d *tomlDoc) str(key, value string) {
	if value != "" {
		fmt.Fprintf(&d.b, "%s = %s\n", key, tomlQuote(value))
	}
}

// list writes key = ["a", "b"], or nothing for an empty list.
func (d *tomlDoc) list(key string, values []string) {
	if len(values) == 0 {
		return
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = tomlQuote(v)
	}
	fmt.Fprintf(&d.b, "%s = [%s]\n", key, strings.Join(quoted, ", "))
}

// raw writes key = value with value as it is, such as a date.
func (d *tomlDoc) raw(key, value string) {
	if value != "" {
		fmt.Fprintf(&d.b, "%s = %s\n", key, value)
	}
}

func (d *tomlDoc) header(h string) {
	fmt.Fprintf(&d.b, "\n%s\n", h)
}

// page returns a content file: the front matter and the body.
func (d *tomlDoc) page(body string) []byte {
	return []byte("+++\n" + strings.TrimLeft(d.b.String(), "\n") + "+++\n" + body)
}

// writeVerbund writes the federation as a verbund project into dir:
// sites.toml, content/ and the theme copied from themeDir.
func writeVerbund(f *federationPlan, dir, themeDir string) error {
	w := &fileWriter{root: dir}
	w.write("sites.toml", sitesTOML(f))
	for _, b := range f.Bases {
		w.write(filepath.Join("content", "_shared", "services", b.Slug+".md"), serviceFile(b))
	}
	for _, s := range f.Sites {
		var start tomlDoc
		start.str("title", s.Name)
		w.write(filepath.Join("content", s.ID, "_index.md"), start.page(s.StartText+"\n"))
		for _, svc := range s.Services {
			w.write(filepath.Join("content", s.ID, "services", svc.Slug+".md"), serviceFile(svc))
		}
		for _, o := range s.Offices {
			w.write(filepath.Join("content", s.ID, "offices", o.Slug+".md"), officeFile(o))
		}
		for _, pg := range s.Pages {
			var d tomlDoc
			d.str("title", pg.Title)
			d.str("summary", pg.Summary)
			d.raw("reviewed", pg.Reviewed)
			w.write(filepath.Join("content", s.ID, "pages", pg.Slug+".md"), d.page(pg.Text+"\n"))
		}
	}
	if w.err != nil {
		return w.err
	}
	return copyDir(themeDir, filepath.Join(dir, "themes", "default"))
}

// serviceFile returns the content file of a base text, a commune page or
// a standalone page. A commune page writes only what it sets itself.
func serviceFile(svc *service) []byte {
	var d tomlDoc
	if svc.Base != nil {
		d.str("base", svc.Base.Slug)
	}
	d.str("title", svc.Title)
	d.str("summary", svc.Summary)
	d.str("leika", svc.LeiKa)
	d.str("category", svc.Category)
	d.str("tier", svc.Tier)
	d.list("keywords", svc.Keywords)
	d.raw("reviewed", svc.Reviewed)
	d.str("office", svc.Office)
	d.str("online", svc.Online)
	d.str("source", svc.Source)
	d.list("aliases", svc.Aliases)
	for _, f := range svc.Forms {
		d.header("[[forms]]")
		d.str("title", f.Title)
		d.str("url", f.URL)
	}
	return d.page(svc.Text.markdown())
}

func officeFile(o *office) []byte {
	var d tomlDoc
	d.str("name", o.Name)
	d.str("street", o.Street)
	d.str("postal_code", o.PostalCode)
	d.str("city", o.City)
	d.str("phone", o.Phone)
	d.str("email", o.Email)
	d.str("web", o.Web)
	d.str("accessibility", o.Accessibility)
	d.str("source", o.Source)
	for _, h := range o.Hours {
		d.header("[[hours]]")
		d.list("days", h.Days)
		d.str("opens", h.Opens)
		d.str("closes", h.Closes)
	}
	body := ""
	if o.Text != "" {
		body = o.Text + "\n"
	}
	return d.page(body)
}

// sitesTOML returns the federation's sites.toml.
func sitesTOML(f *federationPlan) []byte {
	var d tomlDoc
	d.str("name", f.Name)
	d.header("[search]")
	d.str("url", "https://suche."+f.Domain)
	d.header("[account]")
	d.str("url", "https://konto."+f.Domain)
	for _, c := range f.Categories {
		d.header("[[category]]")
		d.str("id", c.ID)
		d.str("title", c.Title)
		d.str("description", c.Description)
	}
	for _, s := range f.Sites {
		writeSiteTOML(&d, s, f.Domain)
	}
	return []byte(strings.TrimLeft(d.b.String(), "\n"))
}

func writeSiteTOML(d *tomlDoc, s *site, domain string) {
	d.header("[[site]]")
	d.str("id", s.ID)
	d.str("name", s.Name)
	d.str("kind", s.Kind)
	d.str("key", s.Key)
	d.str("url", s.URL)
	d.str("parent", s.Parent)
	if !s.county() {
		// The county publishes its tier's base texts without offers.
		var offers []string
		if s.OffersAll {
			offers = []string{"*"}
		} else {
			for _, b := range s.Offered {
				offers = append(offers, b.Slug)
			}
		}
		d.list("offers", offers)
	}
	d.str("office", s.Offices[0].Slug)

	l := s.legal(domain)
	d.header("[site.legal]")
	d.str("name", l.Name)
	d.str("form", l.Form)
	d.str("street", l.Street)
	d.str("postal_code", l.PostalCode)
	d.str("city", l.City)
	d.str("head", l.Head)
	d.str("phone", l.Phone)
	d.str("email", l.Email)
	d.str("supervisor", l.Supervisor)
	d.header("[site.privacy]")
	d.str("officer", l.PrivacyOfficer)
	d.str("email", l.PrivacyEmail)
	d.str("authority", l.PrivacyAuthority)
	d.header("[site.accessibility]")
	d.str("contact", l.Contact)
	d.str("email", l.AccessibilityEmail)
	d.str("enforcement", l.Enforcement)
	d.str("enforcement_url", l.EnforcementURL)
	d.header("[site.theme]")
	d.str("primary", s.Primary)
	d.str("on_primary", "#ffffff")
}
