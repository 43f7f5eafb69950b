package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// hugoLayouts are the layouts of the Hugo site: one page type per kind
// of verbund page, with the same header, navigation and footer on every
// page.
//
//go:embed all:hugo/layouts
var hugoLayouts embed.FS

// requiredPages are the pages every portal publishes, as verbund names
// them.
var requiredPages = []struct{ Slug, Title string }{
	{"impressum", "Impressum"},
	{"datenschutz", "Datenschutzerklärung"},
	{"barrierefreiheit", "Erklärung zur Barrierefreiheit"},
	{"leichte-sprache", "Leichte Sprache"},
	{"gebaerdensprache", "Gebärdensprache"},
}

// writeHugo writes the federation as one Hugo site with a top-level
// section per portal, the way one Hugo project would serve several
// portals: each page of the verbund build is a page of the Hugo build,
// under /<site id>/. Commune pages are written out merged with their base
// texts because Hugo has no layering; links to services (leistung:<id>)
// stay in the text and a link render hook resolves them.
func writeHugo(f *federationPlan, dir, themeDir string) error {
	w := &fileWriter{root: dir}
	w.write("hugo.toml", hugoConfig(f))
	data, err := json.MarshalIndent(hugoData(f), "", "  ")
	if err != nil {
		return fmt.Errorf("encoding portal data: %w", err)
	}
	w.write(filepath.Join("data", "portale.json"), data)
	var home tomlDoc
	home.str("title", f.Name)
	w.write(filepath.Join("content", "_index.md"), home.page(""))
	for _, s := range f.Sites {
		writeHugoSite(w, f, s)
	}
	if w.err != nil {
		return w.err
	}

	layouts, err := fs.Sub(hugoLayouts, "hugo")
	if err != nil {
		return err
	}
	err = fs.WalkDir(layouts, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(layouts, p)
		if err != nil {
			return err
		}
		w.write(p, data)
		return w.err
	})
	if err != nil {
		return fmt.Errorf("writing layouts: %w", err)
	}
	for _, name := range []string{"style.css", "verbund.js"} {
		if err := copyFile(filepath.Join(themeDir, "assets", name), filepath.Join(dir, "assets", name)); err != nil {
			return err
		}
	}
	return nil
}

func hugoConfig(f *federationPlan) []byte {
	return []byte(fmt.Sprintf(`baseURL = "https://portale.%s/"
languageCode = "de"
defaultContentLanguage = "de"
title = %s
# verbund writes no feeds yet.
disableKinds = ["RSS"]
enableRobotsTXT = true

# "Diese Leistung in anderen Kommunen" looks pages up by their group: the
# base text or, for standalone pages, the LeiKa key. The term pages exist
# only for that lookup and are not written; list = "never" would hide
# them from the lookup too.
[taxonomies]
gruppe = "gruppen"

[[cascade]]
[cascade._build]
render = "never"
[cascade._target]
kind = "{taxonomy,term}"

[markup.tableOfContents]
startLevel = 2
endLevel = 2
`, f.Domain, tomlQuote(f.Name)))
}

// writeHugoSite writes the pages of one portal.
func writeHugoSite(w *fileWriter, f *federationPlan, s *site) {
	dir := filepath.Join("content", s.ID)
	links := hugoLinkRewriter(f, s)
	l := s.legal(f.Domain)

	var start tomlDoc
	start.str("title", s.Name)
	start.str("type", "start")
	start.str("description", "Online-Angebote und Dienstleistungen: "+l.Name)
	w.write(filepath.Join(dir, "_index.md"), start.page(links(s.StartText)+"\n"))

	list := func(name, title, description string) {
		var d tomlDoc
		d.str("title", title)
		d.str("type", name)
		d.str("description", description)
		w.write(filepath.Join(dir, name, "_index.md"), d.page(""))
	}
	list("leistungen", "Leistungen von A bis Z", "Alle Dienstleistungen: "+l.Name)
	list("dienststellen", "Dienststellen", "Anschriften und Öffnungszeiten: "+l.Name)

	for _, c := range f.Categories {
		var d tomlDoc
		d.str("title", c.Title)
		d.str("type", "thema")
		d.str("kategorie", c.ID)
		d.str("description", c.Description)
		w.write(filepath.Join(dir, "themen", c.ID+".md"), d.page(""))
	}
	for _, p := range requiredPages {
		var d tomlDoc
		d.str("title", p.Title)
		d.str("type", "pflicht")
		d.str("pflicht", p.Slug)
		d.str("description", p.Title+": "+l.Name)
		w.write(filepath.Join(dir, p.Slug+".md"), d.page(""))
	}
	var notFound tomlDoc
	notFound.str("title", "Seite nicht gefunden")
	notFound.str("type", "fehlerseite")
	notFound.str("url", "/"+s.ID+"/404.html")
	notFound.raw("noindex", "true")
	w.write(filepath.Join(dir, "404.md"), notFound.page(""))

	for _, svc := range s.Services {
		w.write(filepath.Join(dir, "leistungen", svc.Slug+".md"), hugoService(s, svc, false, links))
	}
	for _, b := range s.Offered {
		w.write(filepath.Join(dir, "leistungen", b.Slug+".md"), hugoService(s, b, true, links))
	}
	for _, o := range s.Offices {
		w.write(filepath.Join(dir, "dienststellen", o.Slug+".md"), hugoOffice(s, o))
	}
	for _, p := range s.Pages {
		var d tomlDoc
		d.str("title", p.Title)
		d.str("type", "seite")
		d.str("description", p.Summary)
		d.raw("date", p.Reviewed)
		w.write(filepath.Join(dir, p.Slug+".md"), d.page(links(p.Text)+"\n"))
	}
}

// hugoService returns the Hugo page of a service of site s as a reader
// sees it. offered marks a base text the site publishes without a page of
// its own.
func hugoService(s *site, svc *service, offered bool, links func(string) string) []byte {
	m := svc.effective()
	group := "k-" + m.LeiKa
	if svc.Base != nil || offered {
		base := svc
		if svc.Base != nil {
			base = svc.Base
		}
		group = "b-" + base.Slug
	}
	// An offered base text is handled by the site's office unless the
	// county delivers it from an office of its own.
	if offered && (m.Tier == "gemeinde" || m.Office == "") {
		m.Office = s.Offices[0].Slug
	}
	if m.Office != "" && !strings.Contains(m.Office, "/") {
		m.Office = s.ID + "/" + m.Office
	}

	var d tomlDoc
	d.str("title", m.Title)
	d.str("type", "leistung")
	d.str("description", m.Summary)
	d.str("leika", m.LeiKa)
	d.str("category", m.Category)
	d.str("tier", m.Tier)
	d.list("keywords", m.Keywords)
	d.raw("date", m.Reviewed)
	d.str("office", m.Office)
	d.str("online", m.Online)
	d.str("source", m.Source)
	d.list("gruppen", []string{group})
	for _, f := range m.Forms {
		d.header("[[forms]]")
		d.str("title", f.Title)
		d.str("url", f.URL)
	}
	return d.page(links(m.Text.markdown()))
}

func hugoOffice(s *site, o *office) []byte {
	var d tomlDoc
	d.str("title", o.Name)
	d.str("type", "dienststelle")
	d.str("description", "Anschrift, Öffnungszeiten und Kontakt: "+o.Name)
	d.str("ref", s.ID+"/"+o.Slug)
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

var linkDest = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// hugoLinkRewriter returns a function that turns the links of site s's
// Markdown into paths of the Hugo site: /path/ becomes /<s>/path/ and
// <site>:/path/ becomes /<site>/path/. Service links (leistung:) and
// external links stay as they are.
func hugoLinkRewriter(f *federationPlan, s *site) func(string) string {
	ids := map[string]bool{}
	for _, other := range f.Sites {
		ids[other.ID] = true
	}
	return func(md string) string {
		return linkDest.ReplaceAllStringFunc(md, func(m string) string {
			dest := m[2 : len(m)-1]
			if strings.HasPrefix(dest, "/") {
				return "](/" + s.ID + dest + ")"
			}
			if id, path, ok := strings.Cut(dest, ":"); ok && ids[id] && strings.HasPrefix(path, "/") {
				return "](/" + id + path + ")"
			}
			return m
		})
	}
}

// hugoData returns the portal data the layouts read as site.Data.portale.
func hugoData(f *federationPlan) map[string]any {
	sites := map[string]any{}
	groups := []struct{ kind, title string }{
		{"kreis", "Landkreis"}, {"gemeinde", "Städte und Gemeinden"}, {"samtgemeinde", "Samtgemeinden"},
	}
	var portalGroups []map[string]any
	for _, g := range groups {
		var portals []map[string]string
		for _, s := range f.Sites {
			if s.Kind == g.kind {
				portals = append(portals, map[string]string{"id": s.ID, "name": s.Name})
			}
		}
		sort.SliceStable(portals, func(i, j int) bool {
			return collate(portals[i]["name"]) < collate(portals[j]["name"])
		})
		if len(portals) > 0 {
			portalGroups = append(portalGroups, map[string]any{"title": g.title, "portals": portals})
		}
	}
	for _, s := range f.Sites {
		l := s.legal(f.Domain)
		sites[s.ID] = map[string]any{
			"id": s.ID, "name": s.Name, "kind": s.Kind, "url": s.URL, "primary": s.Primary,
			"legal": map[string]string{
				"name": l.Name, "form": l.Form, "street": l.Street, "postal_code": l.PostalCode,
				"city": l.City, "head": l.Head, "phone": l.Phone, "email": l.Email,
				"supervisor": l.Supervisor,
			},
			"privacy": map[string]string{
				"officer": l.PrivacyOfficer, "email": l.PrivacyEmail, "authority": l.PrivacyAuthority,
			},
			"accessibility": map[string]string{
				"contact": l.Contact, "email": l.AccessibilityEmail,
				"enforcement": l.Enforcement, "enforcement_url": l.EnforcementURL,
			},
		}
	}
	var cats []map[string]string
	for _, c := range f.Categories {
		cats = append(cats, map[string]string{"id": c.ID, "title": c.Title, "description": c.Description})
	}
	var required []map[string]string
	for _, p := range requiredPages {
		required = append(required, map[string]string{"slug": p.Slug, "title": p.Title})
	}
	return map[string]any{
		"federation": f.Name,
		"county":     f.Sites[0].ID,
		"search":     "https://suche." + f.Domain,
		"account":    "https://konto." + f.Domain,
		"categories": cats,
		"groups":     portalGroups,
		"required":   required,
		"sites":      sites,
		"weekdays": map[string]string{"mo": "Monday", "di": "Tuesday", "mi": "Wednesday",
			"do": "Thursday", "fr": "Friday", "sa": "Saturday", "so": "Sunday"},
		"daynames": map[string]string{"mo": "Montag", "di": "Dienstag", "mi": "Mittwoch",
			"do": "Donnerstag", "fr": "Freitag", "sa": "Samstag", "so": "Sonntag"},
	}
}

// collate returns a sort key that puts umlauts with their base letters.
func collate(s string) string {
	return strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss",
		"Ä", "a", "Ö", "o", "Ü", "u").Replace(strings.ToLower(s))
}
