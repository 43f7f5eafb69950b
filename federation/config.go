// Package federation loads and validates sites.toml, the description of a
// federation of portals: its sites, shared navigation and service settings.
package federation

import (
	"fmt"
	"time"
)

// Config is the decoded and validated contents of sites.toml.
type Config struct {
	// Name is the federation's name, shown in the shared navigation.
	Name string `toml:"name"`
	// Language is the BCP 47 language tag of the portals; default "de".
	Language string `toml:"language"`
	// ContentDir is the folder with the Markdown content, relative to
	// sites.toml; default "content".
	ContentDir string `toml:"content"`
	// OutputDir is the folder the build writes, relative to sites.toml;
	// default "public".
	OutputDir string `toml:"output"`
	// Search configures the search endpoint that every portal's search
	// box submits to.
	Search Search `toml:"search"`
	// Account configures the central account origin.
	Account Account `toml:"account"`
	// Categories are the shared navigation, in display order.
	Categories []Category `toml:"category"`
	// Sites are the portals of the federation.
	Sites []Site `toml:"site"`

	// name and src are the file the config was read from, for positions
	// in messages about its values.
	name string
	src  []byte
}

// Search is the [search] table.
type Search struct {
	// URL is the public base URL of the search endpoint, such as
	// "https://suche.emsland.example". Portals submit their search box to
	// URL + "/suche".
	URL string `toml:"url"`
	// Addr is the default listen address of `verbund search`.
	Addr string `toml:"addr"`
}

// Account is the [account] table.
type Account struct {
	// URL is the public base URL of the account service, such as
	// "https://konto.emsland.example".
	URL string `toml:"url"`
	// Addr is the default listen address of `verbund auth`.
	Addr string `toml:"addr"`
}

// Category is one entry of the shared navigation.
type Category struct {
	// ID is the category's identifier; service pages refer to it and it
	// is the slug of the category page.
	ID string `toml:"id"`
	// Title is the category's name in the navigation.
	Title string `toml:"title"`
	// Description is a sentence shown on the category page.
	Description string `toml:"description"`
}

// Site is one portal: the county or a member administration.
type Site struct {
	// ID is the site's identifier: the name of its content folder and
	// output folder, lower case letters, digits and hyphens.
	ID string `toml:"id"`
	// Name is the administration's short name, such as "Lingen (Ems)".
	Name string `toml:"name"`
	// Kind is "kreis", "gemeinde" or "samtgemeinde".
	Kind string `toml:"kind"`
	// Key is the official key: the 8-digit municipality key (AGS) of a
	// county or municipality, or the 9-digit regional key of a
	// Samtgemeinde.
	Key string `toml:"key"`
	// URL is the portal's public base URL, such as
	// "https://lingen.emsland.example".
	URL string `toml:"url"`
	// Parent is the ID of the site one tier up; empty for the county.
	Parent string `toml:"parent"`
	// Offers lists base text IDs the site offers without a page of its
	// own; "*" offers every base text of the commune tier.
	Offers []string `toml:"offers"`
	// Office is the slug of the office that handles services the site
	// offers without a page of its own.
	Office string `toml:"office"`
	// Legal is the data of the Impressum.
	Legal Legal `toml:"legal"`
	// Privacy is the data of the privacy notice.
	Privacy Privacy `toml:"privacy"`
	// Accessibility is the data of the accessibility statement.
	Accessibility Accessibility `toml:"accessibility"`
	// Theme sets the portal's colours, logo and icon.
	Theme Theme `toml:"theme"`
}

// Legal is the [site.legal] table: who publishes the portal.
type Legal struct {
	// Name is the legal name, such as "Stadt Lingen (Ems)".
	Name string `toml:"name"`
	// Form is the legal form, such as "Körperschaft des öffentlichen Rechts".
	Form       string `toml:"form"`
	Street     string `toml:"street"`
	PostalCode string `toml:"postal_code"`
	City       string `toml:"city"`
	// Head is the head of administration, with title, such as
	// "Bürgermeisterin Anna Beispiel".
	Head  string `toml:"head"`
	Phone string `toml:"phone"`
	Email string `toml:"email"`
	// VATID is the VAT identification number, if the body has one.
	VATID string `toml:"vat_id"`
	// Supervisor is the supervisory authority.
	Supervisor string `toml:"supervisor"`
}

// Privacy is the [site.privacy] table.
type Privacy struct {
	// Officer is the data-protection officer's name or office.
	Officer string `toml:"officer"`
	Email   string `toml:"email"`
	Phone   string `toml:"phone"`
	// Authority is the data-protection supervisory authority.
	Authority string `toml:"authority"`
}

// Accessibility is the [site.accessibility] table.
type Accessibility struct {
	// Contact is the person or office that takes reports of barriers.
	Contact string `toml:"contact"`
	Email   string `toml:"email"`
	Phone   string `toml:"phone"`
	// Enforcement is the enforcement body citizens may turn to.
	Enforcement string `toml:"enforcement"`
	// EnforcementURL is its web address.
	EnforcementURL string `toml:"enforcement_url"`
	// Status is how far the portal complies with BITV 2.0: "vollständig",
	// "teilweise" or "nicht"; default "teilweise".
	Status string `toml:"status"`
	// Limitations are the contents that are not accessible, with the
	// reason, one sentence each.
	Limitations []string `toml:"limitations"`
	// Method is the way the statement was prepared: "Selbstbewertung" or
	// "Bewertung durch Dritte"; default "Selbstbewertung".
	Method string `toml:"method"`
	// Reviewed is the date the statement was prepared or last reviewed.
	Reviewed time.Time `toml:"reviewed"`
}

// ReviewedDate returns Reviewed as a German date, such as "4.12.2026",
// or "" when it is not set. The calendar fields are used as written,
// whatever the machine's time zone.
func (a Accessibility) ReviewedDate() string {
	if a.Reviewed.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", a.Reviewed.Day(), a.Reviewed.Month(), a.Reviewed.Year())
}

// Theme is the [site.theme] table.
type Theme struct {
	// Primary is the portal's main colour as "#rrggbb", used for the
	// header background.
	Primary string `toml:"primary"`
	// OnPrimary is the text colour on Primary.
	OnPrimary string `toml:"on_primary"`
	// Logo is the path of the portal's logo, an SVG or PNG file,
	// relative to sites.toml. It is shown before the portal's name.
	Logo string `toml:"logo"`
	// Icon is the path of the portal's icon, which browsers show in tabs
	// and bookmarks: an SVG file, or a square PNG file of 16 to 256
	// pixels, relative to sites.toml. Without it, the portal shows the
	// theme's icon.
	Icon string `toml:"icon"`
}
