package main

import (
	"fmt"
	"slices"
	"strings"
)

// partTitles are the headings of the structured parts of a service
// description, in the order the content reference lists them.
var partTitles = [...]string{
	"Erforderliche Unterlagen", "Voraussetzungen", "Verfahrensablauf", "Gebühren",
	"Fristen", "Bearbeitungsdauer", "Formulare", "Rechtsgrundlagen", "Rechtsbehelf",
	"Hinweise",
}

// Indexes into partTitles and body.Parts.
const (
	partDocuments = iota
	partPrerequisites
	partProcedure
	partFees
	partDeadlines
	partDuration
	partForms
	partLegal
	partRemedy
	partHints
)

// body is the Markdown of a service description: the full text before
// the first part heading, and the parts. An empty string is a part the
// file does not write.
type body struct {
	Intro string
	Parts [len(partTitles)]string
}

// markdown returns the body as written in a content file.
func (b body) markdown() string {
	var s strings.Builder
	if b.Intro != "" {
		s.WriteString(b.Intro)
		s.WriteString("\n")
	}
	for i, p := range b.Parts {
		if p == "" {
			continue
		}
		if s.Len() > 0 {
			s.WriteString("\n")
		}
		s.WriteString("## " + partTitles[i] + "\n\n" + p + "\n")
	}
	return s.String()
}

// over returns b with the full text and every part that b leaves out taken
// from base, the way a commune page inherits from its base text.
func (b body) over(base body) body {
	out := b
	if out.Intro == "" {
		out.Intro = base.Intro
	}
	for i, p := range out.Parts {
		if p == "" {
			out.Parts[i] = base.Parts[i]
		}
	}
	return out
}

// form is a form citizens download or fill in.
type form struct {
	Title, URL string
}

// service is a base text, a commune page that extends a base text, or a
// standalone page. A commune page leaves empty what it inherits.
type service struct {
	Slug string
	// Base is the extended base text; nil for base texts and standalone
	// pages.
	Base     *service
	Title    string
	Summary  string
	LeiKa    string
	Category string
	Tier     string
	Keywords []string
	// Reviewed is the date of the last review as 2006-01-02.
	Reviewed string
	// Office is the office reference as written in front matter: a slug
	// of the same site or "<site>/<slug>".
	Office  string
	Online  string
	Forms   []form
	Source  string
	Aliases []string
	Text    body
}

// effective returns the page as a reader sees it: a commune page merged
// with its base text, the way verbund layers them.
func (s *service) effective() service {
	if s.Base == nil {
		return *s
	}
	b := *s.Base
	m := b
	m.Slug, m.Base = s.Slug, s.Base
	m.Source, m.Aliases = s.Source, s.Aliases
	if s.Reviewed != "" {
		m.Reviewed = s.Reviewed
	}
	if s.Office != "" {
		m.Office = s.Office
	}
	if s.Online != "" {
		m.Online = s.Online
	}
	if len(s.Forms) > 0 {
		m.Forms = s.Forms
	}
	m.Keywords = append([]string(nil), b.Keywords...)
	for _, k := range s.Keywords {
		if !slices.Contains(m.Keywords, k) {
			m.Keywords = append(m.Keywords, k)
		}
	}
	m.Text = s.Text.over(b.Text)
	return m
}

// hours is one row of opening hours.
type hours struct {
	Days          []string
	Opens, Closes string
}

// office is an office of one portal.
type office struct {
	Slug, Name                  string
	Street, PostalCode, City    string
	Phone, Email, Web           string
	Accessibility, Source, Text string
	Hours                       []hours
}

// freePage is a free page of one portal.
type freePage struct {
	Slug, Title, Summary, Reviewed, Text string
}

// site is one portal and everything the generator writes for it.
type site struct {
	ID, Name, Kind, Key, URL, Parent string
	// LegalName is the name of the body that publishes the portal, such
	// as "Stadt Lingen (Ems)".
	LegalName          string
	Street, PostalCode string
	City, Head         string
	Phone, Email       string
	Primary            string

	Offices []*office
	// Services are the service pages written as files: commune pages and
	// standalone pages.
	Services []*service
	// Offered are the base texts the site publishes without a file of its
	// own. For a commune they are its offers, written as ["*"] when
	// OffersAll is set. For the county they are the county-tier base texts
	// it publishes without offers.
	Offered   []*service
	OffersAll bool
	Pages     []*freePage
	StartText string

	// quota is the number of service pages the site publishes.
	quota int
}

// legalData is the publisher data that a portal's required pages show.
type legalData struct {
	Name, Form, Street, PostalCode, City, Head, Phone, Email, Supervisor string
	PrivacyOfficer, PrivacyEmail, PrivacyAuthority                       string
	Contact, AccessibilityEmail, Enforcement, EnforcementURL             string
}

// legal returns the data of site s's required pages; domain is the
// federation's domain.
func (s *site) legal(domain string) legalData {
	return legalData{
		Name: s.LegalName, Form: "Körperschaft des öffentlichen Rechts",
		Street: s.Street, PostalCode: s.PostalCode, City: s.City,
		Head: s.Head, Phone: s.Phone, Email: s.Email,
		Supervisor:         "Niedersächsisches Ministerium für Inneres und Sport",
		PrivacyOfficer:     "Datenschutzbeauftragte der Verwaltung",
		PrivacyEmail:       fmt.Sprintf("datenschutz@%s.%s", s.ID, domain),
		PrivacyAuthority:   "Die Landesbeauftragte für den Datenschutz Niedersachsen",
		Contact:            s.Offices[0].Name,
		AccessibilityEmail: fmt.Sprintf("barrierefrei@%s.%s", s.ID, domain),
		Enforcement:        "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
		EnforcementURL:     "https://www.schlichtungsstelle-bgg.de",
	}
}

// county reports whether the site is the county's portal.
func (s *site) county() bool { return s.Kind == "kreis" }

// category is an entry of the shared navigation.
type category struct {
	ID, Title, Description string
}

// federationPlan is the whole generated federation.
type federationPlan struct {
	Name   string
	Domain string
	// Sites start with the county.
	Sites      []*site
	Categories []category
	// Bases are the base texts, county tier first.
	Bases []*service
}

// servicePages counts the service pages of every portal.
func (f *federationPlan) servicePages() int {
	n := 0
	for _, s := range f.Sites {
		n += s.publishedServices()
	}
	return n
}

// publishedServices counts the service pages site s publishes: its files
// and the base texts in Offered.
func (s *site) publishedServices() int {
	return len(s.Services) + len(s.Offered)
}
