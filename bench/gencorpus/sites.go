package main

import (
	"fmt"
	"strings"

	"github.com/verbund/verbund/generator"
)

// makeSites creates a portal for each administration, with its legal
// data, offices and free pages.
func (p *planner) makeSites(admins []administration) error {
	seen := map[string]string{}
	for i, a := range admins {
		id := siteID(a)
		if prev, dup := seen[id]; dup {
			return fmt.Errorf("communes %q and %q both get the site id %q", prev, a.Name, id)
		}
		seen[id] = a.Name
		s := &site{
			ID:         id,
			Name:       plainName(a.Name),
			Kind:       a.Kind,
			Key:        a.Key,
			URL:        fmt.Sprintf("https://%s.%s", id, p.plan.Domain),
			LegalName:  legalName(a),
			Street:     fmt.Sprintf("%s %d", pick(p.rng, streets), between(p.rng, 1, 40)),
			PostalCode: a.PostalCode,
			City:       plainName(a.Name),
			Head:       p.head(a.Kind),
			Phone:      fmt.Sprintf("0%d %d-0", between(p.rng, 4931, 5999), between(p.rng, 100, 999)),
			Email:      fmt.Sprintf("info@%s.%s", id, p.plan.Domain),
			Primary:    colours[i%len(colours)],
		}
		switch a.Kind {
		case "kreis":
			s.Name = legalName(a)
		case "samtgemeinde":
			s.Name = a.Name
		}
		if s.PostalCode == "" {
			s.PostalCode = fmt.Sprintf("49%03d", between(p.rng, 100, 999))
		}
		if i > 0 {
			s.Parent = p.plan.Sites[0].ID
		}
		p.makeOffices(s)
		p.makeFreePages(s)
		p.plan.Sites = append(p.plan.Sites, s)
	}
	return nil
}

func (p *planner) head(kind string) string {
	name := pick(p.rng, firstNames) + " " + pick(p.rng, lastNames)
	switch kind {
	case "kreis":
		return "Landrätin " + name
	case "samtgemeinde":
		return "Samtgemeindebürgermeister " + name
	}
	return "Bürgermeisterin " + name
}

// makeOffices gives the county its 20 offices and each commune 5 to 14.
// The first office handles the services a site offers.
func (p *planner) makeOffices(s *site) {
	names := officeNames[:between(p.rng, 5, 14)]
	if s.county() {
		names = countyOfficeNames
	}
	for _, name := range names {
		slug := generator.Slugify(name)
		o := &office{
			Slug:       slug,
			Name:       name,
			Street:     fmt.Sprintf("%s %d", pick(p.rng, streets), between(p.rng, 1, 60)),
			PostalCode: s.PostalCode,
			City:       s.City,
			Phone:      fmt.Sprintf("%s%d", strings.TrimSuffix(s.Phone, "0"), between(p.rng, 10, 99)),
			Email:      fmt.Sprintf("%s@%s.%s", slug, s.ID, p.plan.Domain),
			Web:        fmt.Sprintf("%s/dienststellen/%s/", s.URL, slug),
			Source:     fmt.Sprintf("%s-stelle-%s", s.ID, slug),
			Hours:      p.hours(),
		}
		if p.rng.IntN(3) > 0 {
			o.Accessibility = "Der Eingang ist stufenlos erreichbar; ein Aufzug führt in alle Etagen."
		}
		if p.rng.IntN(2) == 0 {
			o.Text = p.text.paragraph(between(p.rng, 30, 80))
		}
		s.Offices = append(s.Offices, o)
	}
}

// hours returns one to four rows of opening hours.
func (p *planner) hours() []hours {
	rows := []hours{
		{Days: []string{"mo", "di", "mi", "do", "fr"}, Opens: "08:00", Closes: "12:30"},
		{Days: []string{"mo", "di", "do"}, Opens: "14:00", Closes: "16:00"},
		{Days: []string{"do"}, Opens: "14:00", Closes: "18:00"},
		{Days: []string{"sa"}, Opens: "09:00", Closes: "12:00"},
	}
	return rows[:between(p.rng, 1, len(rows))]
}

// makeFreePages gives site s three to five free pages.
func (p *planner) makeFreePages(s *site) {
	for _, i := range p.rng.Perm(len(freePageTitles))[:between(p.rng, 3, 5)] {
		title := freePageTitles[i]
		s.Pages = append(s.Pages, &freePage{
			Slug:     generator.Slugify(title),
			Title:    title,
			Summary:  title + " in " + s.Name + ".",
			Reviewed: p.date(),
		})
	}
}
