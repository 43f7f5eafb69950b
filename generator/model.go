package generator

import (
	"sync"

	"github.com/verbund/verbund/federation"
)

// Tiers that deliver a service.
const (
	TierCounty = "kreis"
	TierLocal  = "gemeinde"
)

// Kinds of page, as the search index and templates see them.
const (
	KindService = "service"
	KindOffice  = "office"
	KindPage    = "page"
)

// serviceMatter is the front matter of a service page or base text.
type serviceMatter struct {
	Title       string   `toml:"title"`
	Summary     string   `toml:"summary"`
	LeiKa       Strings  `toml:"leika"`
	Category    string   `toml:"category"`
	Tier        string   `toml:"tier"`
	Keywords    []string `toml:"keywords"`
	Reviewed    Date     `toml:"reviewed"`
	Office      string   `toml:"office"`
	Online      string   `toml:"online"`
	Appointment string   `toml:"appointment"`
	Forms       []Form   `toml:"forms"`
	Base        string   `toml:"base"`
	Source      string   `toml:"source"`
	Aliases     []string `toml:"aliases"`
	// Lang is the language of the page when it differs from the
	// federation's, as a BCP 47 tag such as "en" or "de-x-ls" for
	// Leichte Sprache.
	Lang string `toml:"lang"`
}

// Form is a form citizens download or fill in.
type Form struct {
	Title string `toml:"title"`
	URL   string `toml:"url"`
}

// officeMatter is the front matter of an office.
type officeMatter struct {
	Name          string   `toml:"name"`
	Street        string   `toml:"street"`
	PostalCode    string   `toml:"postal_code"`
	City          string   `toml:"city"`
	Phone         string   `toml:"phone"`
	Email         string   `toml:"email"`
	Web           string   `toml:"web"`
	Accessibility string   `toml:"accessibility"`
	Hours         []Hours  `toml:"hours"`
	Source        string   `toml:"source"`
	Aliases       []string `toml:"aliases"`
}

// Hours is one row of opening hours.
type Hours struct {
	Days   []string `toml:"days"`
	Opens  string   `toml:"opens"`
	Closes string   `toml:"closes"`
}

// pageMatter is the front matter of a free page or a start page.
type pageMatter struct {
	Title    string   `toml:"title"`
	Summary  string   `toml:"summary"`
	Reviewed Date     `toml:"reviewed"`
	Aliases  []string `toml:"aliases"`
	Lang     string   `toml:"lang"`
}

// Base is a base text from content/_shared/services.
type Base struct {
	ID  string
	src source
	serviceMatter
}

// Service is a service page of one portal: a commune page that extends a
// base text, a page generated for a site that offers a base text without
// writing one, or a standalone page.
type Service struct {
	Site *Site
	Slug string
	URL  string // root-relative, such as /leistungen/reisepass/
	// Base is the extended base text, or nil.
	Base *Base
	// src is the commune's own file; its path is empty for pages
	// generated from a base text alone.
	src source
	// Matter is the effective front matter after layering.
	Matter serviceMatter
	// Office is the resolved responsible office, or nil.
	Office *Office
	// officeSrc is the file that names the office, or nil when it comes
	// from the site's office in sites.toml.
	officeSrc *source
	// number counts the services of the federation from 0. It indexes
	// tables of a build that have an entry per service.
	number int
}

// Office is an office of one portal.
type Office struct {
	Site *Site
	Slug string
	URL  string
	src  source
	officeMatter
	// Services are the services the office is responsible for.
	Services []*Service
}

// Page is a free page of one portal.
type Page struct {
	Site *Site
	Slug string
	URL  string
	src  source
	pageMatter
}

// Site is one portal with its content.
type Site struct {
	*federation.Site
	Start    *Page // from _index.md; may be nil
	Services []*Service
	Offices  []*Office
	Pages    []*Page
	// serviceByBase maps a base text ID to the site's page for it.
	serviceByBase map[string]*Service
	officeBySlug  map[string]*Office
	// urls maps every root-relative URL the portal publishes to the file
	// that produces it, for link checks and collisions. It lists the
	// files of the site's files folder, but not the shared files, which
	// the portal publishes only when its pages reference them.
	urls map[string]string
	// files are the files of the site's files folder by name, and
	// fileNames their names in sorted order.
	files     map[string]*staticFile
	fileNames []string
	// origin is the portal's origin as federation.ParseOrigin gives it,
	// or empty for an invalid URL, which loading sites.toml reports.
	origin string
	// redirectsOnce fills redirectTo, which maps each valid alias of the
	// portal's pages, unescaped, to the page's URL, for the message of
	// a broken link. It is filled only when a link is broken.
	redirectsOnce sync.Once
	redirectTo    map[string]string
}
