package dldb

import (
	"regexp"
	"strings"
)

// office is a converted location, as service pages refer to it.
type office struct {
	slug string
	name string
}

// postalCode matches a German postal code.
var postalCode = regexp.MustCompile(`^[0-9]{5}$`)

// convertLocations returns an office page for every location with an id
// and fills im.offices.
func (im *importer) convertLocations(locations []location) []File {
	var kept []location
	seen := make(map[string]bool)
	for _, loc := range locations {
		id := cleanText(string(loc.ID))
		switch {
		case id == "":
			im.warnf("location %q: missing id; location skipped", cleanText(loc.Name))
			continue
		case seen[id]:
			im.warnf("location %s: id used twice; the second record is skipped", id)
			continue
		}
		seen[id] = true
		loc.ID = flexString(id)
		kept = append(kept, loc)
	}

	names := make([]string, len(kept))
	ids := make([]string, len(kept))
	for i, loc := range kept {
		names[i] = locationName(loc)
		ids[i] = string(loc.ID)
	}
	slugs := uniqueSlugs(names, ids)

	var files []File
	for i, loc := range kept {
		if slugs[i] == "" {
			im.warnf("location %s: neither its name nor its id gives a file name; location skipped", ids[i])
			continue
		}
		if names[i] == "" {
			im.warnf("location %s: missing name; the office page is named after the id", ids[i])
			names[i] = ids[i]
		}
		im.offices[ids[i]] = &office{slug: slugs[i], name: names[i]}
		files = append(files, File{
			Path: "offices/" + slugs[i] + ".md",
			Data: im.officePage(loc, names[i]),
		})
	}
	return files
}

// locationName returns the full name of a location, falling back to its
// display name.
func locationName(loc location) string {
	if name := cleanText(loc.Name); name != "" {
		return name
	}
	return cleanText(loc.DisplayName)
}

// officePage renders the office page of a location.
func (im *importer) officePage(loc location, name string) []byte {
	id := string(loc.ID)
	addr := loc.Address.Value
	street := cleanText(addr.Street + " " + string(addr.HouseNumber))
	code := cleanText(string(addr.PostalCode))
	city := cleanText(addr.City)

	var missing []string
	if cleanText(addr.Street) == "" {
		missing = append(missing, "street")
	}
	if cleanText(string(addr.HouseNumber)) == "" {
		missing = append(missing, "house number")
	}
	if code == "" {
		missing = append(missing, "postal code")
	}
	if city == "" {
		missing = append(missing, "city")
	}
	if len(missing) > 0 {
		im.warnf("location %s (%s): missing %s; office page written without it", id, name, strings.Join(missing, ", "))
	}
	if code != "" && !postalCode.MatchString(code) {
		im.warnf("location %s (%s): postal code %q is not five digits", id, name, code)
	}

	var fm frontMatter
	fm.setString("name", name)
	fm.setString("street", street)
	fm.setString("postal_code", code)
	fm.setString("city", city)
	fm.setString("phone", cleanText(loc.Contact.Value.Phone))
	fm.setString("email", cleanText(loc.Contact.Value.Email))
	fm.setString("web", cleanText(loc.Contact.Value.Web))
	fm.setString("source", "dldb:"+id)
	return fm.document(alternativeNames(loc, name))
}

// alternativeNames renders the other names of a location as a list, or
// returns "" when it has none.
func alternativeNames(loc location, name string) string {
	var others []string
	for _, other := range uniqueStrings(append([]string{loc.DisplayName}, loc.DisplayNameAlternatives...)) {
		if !strings.EqualFold(other, name) {
			others = append(others, other)
		}
	}
	if len(others) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Weitere Bezeichnungen:\n")
	for _, other := range others {
		b.WriteString("\n- " + plainMarkdown(other))
	}
	return b.String()
}

// plainMarkdown escapes plain text for use as one line of Markdown.
func plainMarkdown(text string) string {
	return escapeLineStart(writeInlineLine([]*inlineNode{{kind: textInline, text: text}}))
}
