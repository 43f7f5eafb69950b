package generator

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/verbund/verbund/federation"
)

// link is a labelled URL for templates.
type link struct {
	Title string
	URL   string
	// Note is a short addition, such as the site that delivers a service.
	Note string
}

// view is the data every template gets.
type view struct {
	Federation *federation.Config
	Site       *Site
	// Title is the page's heading; the document title adds the site name.
	Title       string
	Description string
	// Path is the root-relative URL of the page; Canonical the absolute one.
	Path      string
	Canonical string
	CSS, JS   string
	// Logo is the path of the portal's logo, or "".
	Logo string
	// Icon is the path of the portal's icon, an SVG image when IconSVG
	// is set, else a PNG image. The theme writes the media type itself,
	// because html/template would escape the "+" of image/svg+xml.
	Icon    string
	IconSVG bool
	// AccountURL opens "Mein Konto" and returns to this page afterwards.
	AccountURL string
	// SearchURL is the action of the search box; empty without an endpoint.
	SearchURL string
	// SuggestURL is the suggestion endpoint the script calls.
	SuggestURL  string
	Breadcrumbs []link
	Categories  []categoryLink
	Portals     []portalGroup
	Legal       []link
	JSONLD      template.JS
	// Lang is the page's language, a BCP 47 tag.
	Lang string
	// NoIndex marks pages search engines should not list, such as 404.
	NoIndex bool
	// Chrome are the blocks every page of the portal shares, rendered
	// once.
	Chrome chrome

	Start    *startView
	Service  *serviceView
	Office   *officeView
	Page     *pageView
	Category *categoryView
	Services []link
	Offices  []link
	Required *requiredView
}

// chrome are the parts of the layout that are the same on every page of
// a portal.
type chrome struct {
	Brand, Topics, Footer template.HTML
}

// siteChrome is a portal's chrome: the topics navigation comes in one
// variant per category page, which marks its own entry as current.
type siteChrome struct {
	brand, footer template.HTML
	topics        map[string]template.HTML
}

type categoryLink struct {
	federation.Category
	URL    string
	Active bool
}

type portalGroup struct {
	Title   string
	Portals []link
}

type startView struct {
	Intro    template.HTML
	Popular  []link
	Offices  []link
	Required []link
}

type serviceView struct {
	*Service
	Intro template.HTML
	Parts []renderedPart
	// Toc is the TocItem of every part, joined, so that a template
	// writes the table of contents with one action instead of one for
	// every part.
	Toc      template.HTML
	Category link
	// Office is the responsible office, and OfficeAt its URL, absolute
	// when it belongs to another portal.
	Office   *officeCard
	OfficeAt string
	// DeliveredBy names the county when it delivers the service.
	DeliveredBy string
	// Others are the list items that link to the same service on
	// the other portals.
	Others   template.HTML
	Reviewed string
	// Online, Appointment and Forms are the front matter's links as
	// published.
	Online, Appointment string
	Forms               []Form
}

// renderedPart is a part of a service page. It repeats the fields of
// Part instead of embedding it, because templates find embedded fields
// by a slow search on every use.
type renderedPart struct {
	Key, Title, ID string
	HTML           template.HTML
	// Forms are the service's forms in the part with key "forms".
	Forms []Form
	// TocItem and Section are the part's item of the table of contents
	// and its section, rendered with the theme's templates "toc-item" and
	// "part".
	TocItem, Section template.HTML
	// number is the part's place in Parts.
	number int
	// shared is the cached HTML of a part of a base text that is the
	// same on every portal, or nil.
	shared *cachedPart
}

// officeCard is the address of an office as a service page shows it,
// with fields of its own for the same reason as renderedPart's.
type officeCard struct {
	Name, Street, PostalCode, City, Phone, Email string
}

func newOfficeCard(o *Office) *officeCard {
	if o == nil {
		return nil
	}
	return &officeCard{Name: o.Name, Street: o.Street, PostalCode: o.PostalCode,
		City: o.City, Phone: o.Phone, Email: o.Email}
}

type officeView struct {
	*Office
	Intro    template.HTML
	Hours    []hoursRow
	Services []link
}

type hoursRow struct {
	Days  string
	Times string
}

type pageView struct {
	*Page
	Body template.HTML
}

type categoryView struct {
	federation.Category
	Services []link
	// County are the services of the category the county delivers.
	County []link
}

type requiredView struct {
	Slug string
	// Site's required data comes through view.Site.
	County *federation.Site
}

// absolute returns the absolute URL of a root-relative path on site s.
func absolute(s *federation.Site, path string) string {
	return strings.TrimSuffix(s.URL, "/") + path
}

// accountURL returns the "Mein Konto" link that returns to page.
func accountURL(cfg *federation.Config, page string) string {
	if cfg.Account.URL == "" {
		return ""
	}
	return strings.TrimSuffix(cfg.Account.URL, "/") + "/?" + url.Values{"return": {page}}.Encode()
}

var dayNames = map[string]string{
	"mo": "Montag", "di": "Dienstag", "mi": "Mittwoch", "do": "Donnerstag",
	"fr": "Freitag", "sa": "Samstag", "so": "Sonntag",
}

func hoursRows(hs []Hours) []hoursRow {
	var rows []hoursRow
	for _, h := range hs {
		var days []string
		for _, d := range h.Days {
			days = append(days, dayNames[d])
		}
		rows = append(rows, hoursRow{
			Days:  strings.Join(days, ", "),
			Times: h.Opens + " bis " + h.Closes + " Uhr",
		})
	}
	return rows
}
