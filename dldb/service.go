package dldb

import (
	"fmt"
	"net/url"
	"strings"
)

// convertServices returns a service page for every service with an id and
// a name.
func (im *importer) convertServices(services []service) ([]File, error) {
	var kept []service
	seen := make(map[string]bool)
	for _, s := range services {
		id := cleanText(string(s.ID))
		name := cleanText(s.Name)
		switch {
		case id == "":
			im.warnf("service %q: missing id; service skipped", name)
			continue
		case seen[id]:
			im.warnf("service %s: id used twice; the second record is skipped", id)
			continue
		case name == "":
			im.warnf("service %s: missing name; service skipped", id)
			continue
		}
		seen[id] = true
		s.ID, s.Name = flexString(id), name
		kept = append(kept, s)
	}

	names := make([]string, len(kept))
	ids := make([]string, len(kept))
	for i, s := range kept {
		names[i], ids[i] = s.Name, string(s.ID)
	}
	slugs := uniqueSlugs(names, ids)

	var files []File
	for i, s := range kept {
		if slugs[i] == "" {
			im.warnf("service %s (%s): neither its name nor its id gives a file name; service skipped", ids[i], names[i])
			continue
		}
		data, err := im.servicePage(s)
		if err != nil {
			return nil, fmt.Errorf("converting service %s (%s): %w", ids[i], names[i], err)
		}
		files = append(files, File{Path: "services/" + slugs[i] + ".md", Data: data})
	}
	return files, nil
}

// servicePage renders the page of one service.
func (im *importer) servicePage(s service) ([]byte, error) {
	id := string(s.ID)
	summary, err := summarize(s.Description)
	if err != nil {
		return nil, fmt.Errorf("description: %w", err)
	}
	description, err := markdown(s.Description)
	if err != nil {
		return nil, fmt.Errorf("description: %w", err)
	}
	fees, err := markdown(s.Fees)
	if err != nil {
		return nil, fmt.Errorf("fees: %w", err)
	}
	for _, field := range []struct{ name, html string }{{"description", s.Description}, {"fees", s.Fees}} {
		dropped, err := droppedContent(field.html)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", field.name, err)
		}
		for _, d := range dropped {
			im.warnf("service %s (%s): %s: %s; add it by hand or fix it in the source system", id, s.Name, field.name, d)
		}
	}

	keys, invalid := parseLeika(string(s.Leika))
	for _, key := range invalid {
		im.warnf("service %s (%s): LeiKa key %q is not 14 digits starting with 99; key dropped", id, s.Name, key)
	}
	reviewed := im.reviewedDate(s)
	im.checkLinks(s)
	offices, appointment := im.serviceOffices(s)
	forms := serviceForms(s.Forms)

	var fm frontMatter
	fm.setString("title", s.Name)
	fm.setString("summary", summary)
	fm.setStringOrStrings("leika", keys)
	fm.setString("category", im.category(s.Name, keys))
	fm.setString("tier", "gemeinde")
	fm.setStrings("keywords", cleanList(s.Meta.Value.Keywords))
	fm.setDate("reviewed", reviewed)
	if len(offices) > 0 {
		fm.setString("office", offices[0].slug)
	}
	fm.setString("appointment", appointment)
	fm.setString("online", onlineLink(s.Links))
	fm.setForms("forms", forms)
	fm.setString("source", "dldb:"+id)

	var parts []string
	if description != "" {
		parts = append(parts, description)
	}
	if fees != "" {
		parts = append(parts, "## Gebühren\n\n"+fees)
	}
	if hints := serviceHints(offices, s.Links, forms); hints != "" {
		parts = append(parts, "## Hinweise\n\n"+hints)
	}
	return fm.document(strings.Join(parts, "\n\n")), nil
}

// reviewedDate returns the date of a service's last change, falling back
// to the date of the export, or "" when neither is valid.
func (im *importer) reviewedDate(s service) string {
	lastUpdate := s.Meta.Value.LastUpdate
	if date := dateOf(lastUpdate); date != "" {
		return date
	}
	if im.exportDate == "" {
		im.warnf("service %s (%s): invalid or missing lastupdate %q and no export date; reviewed left out",
			s.ID, s.Name, lastUpdate)
		return ""
	}
	im.warnf("service %s (%s): invalid or missing lastupdate %q; reviewed set to the export date %s",
		s.ID, s.Name, lastUpdate, im.exportDate)
	return im.exportDate
}

// serviceOffices returns the offices of the locations that a service
// names, without repeats, and the appointment link of the first one. It
// drops references to unknown locations with a warning.
func (im *importer) serviceOffices(s service) ([]*office, string) {
	var offices []*office
	appointment := ""
	seen := make(map[string]bool)
	for _, ref := range s.Locations {
		locationID := cleanText(string(ref.Location))
		o, ok := im.offices[locationID]
		switch {
		case !ok:
			im.warnf("service %s (%s): location %q not found in the locations file; reference dropped", s.ID, s.Name, locationID)
			continue
		case seen[locationID]:
			continue
		}
		seen[locationID] = true
		if len(offices) == 0 {
			a := ref.Appointment.Value
			if a.Allowed == nil || *a.Allowed {
				appointment = webLink(a.Link)
			}
		}
		offices = append(offices, o)
	}
	return offices, appointment
}

// checkLinks warns about forms and links of a service without an
// absolute http or https address, which the page leaves out.
func (im *importer) checkLinks(s service) {
	seen := make(map[link]bool)
	for _, l := range append(append([]link(nil), s.Forms...), s.Links...) {
		if webLink(l.Link) != "" || seen[l] {
			continue
		}
		seen[l] = true
		im.warnf("service %s (%s): link %q to %q is no http or https address; link dropped", s.ID, s.Name, cleanText(l.Name), l.Link)
	}
}

// serviceForms returns the forms of a service with a web address,
// without repeats; a form without a name is titled by its address.
func serviceForms(links []link) []form {
	var forms []form
	seen := make(map[string]bool)
	for _, l := range links {
		u := webLink(l.Link)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		title := cleanText(l.Name)
		if title == "" {
			title = u
		}
		forms = append(forms, form{Title: title, URL: u})
	}
	return forms
}

// onlineLink returns the first link whose name mentions "online", except
// links to information about an online service rather than to the
// service itself.
func onlineLink(links []link) string {
	for _, l := range links {
		name := strings.ToLower(cleanText(l.Name))
		if !strings.Contains(name, "online") || isInformation(name) {
			continue
		}
		if u := webLink(l.Link); u != "" {
			return u
		}
	}
	return ""
}

// isInformation reports whether a lower-case link name announces
// information material, such as "Informationen zur Online-Ausweisfunktion".
func isInformation(name string) bool {
	for _, word := range []string{"information", "flyer", "broschüre", "faq", "häufige fragen"} {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
}

// serviceHints renders the part "## Hinweise" without its heading: the
// offices after the first, and the links of the service that are not
// also among its forms, which the page lists from the front matter.
func serviceHints(offices []*office, links []link, forms []form) string {
	var sections []string
	if len(offices) > 1 {
		var items []string
		for _, o := range offices[1:] {
			items = append(items, "- ["+plainMarkdown(o.name)+"](/dienststellen/"+o.slug+"/)")
		}
		sections = append(sections, "### Weitere Standorte\n\n"+strings.Join(items, "\n"))
	}

	seen := make(map[string]bool)
	for _, f := range forms {
		seen[f.URL] = true
	}
	var items []string
	for _, l := range links {
		u := webLink(l.Link)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		name := cleanText(l.Name)
		if name == "" {
			name = u
		}
		items = append(items, "- ["+plainMarkdown(name)+"]("+linkDestination(u)+")")
	}
	if len(items) > 0 {
		sections = append(sections, "### Weiterführende Links\n\n"+strings.Join(items, "\n"))
	}
	return strings.Join(sections, "\n\n")
}

// webLink returns link, trimmed, if it is an absolute http or https URL,
// else "".
func webLink(link string) string {
	link = cleanText(link)
	u, err := url.Parse(link)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return link
}
