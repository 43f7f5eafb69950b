package generator

import (
	"encoding/json"
	"html/template"
	"sync"

	"github.com/verbund/verbund/federation"
)

// schema.org JSON-LD for search engines: GovernmentService for service
// pages and GovernmentOffice with opening hours for offices.

type ldAddress struct {
	Type       string `json:"@type"`
	Street     string `json:"streetAddress"`
	PostalCode string `json:"postalCode"`
	Locality   string `json:"addressLocality"`
	Country    string `json:"addressCountry"`
}

type ldHours struct {
	Type      string   `json:"@type"`
	DayOfWeek []string `json:"dayOfWeek"`
	Opens     string   `json:"opens"`
	Closes    string   `json:"closes"`
}

type ldOffice struct {
	Context   string    `json:"@context,omitempty"`
	Type      string    `json:"@type"`
	Name      string    `json:"name"`
	URL       string    `json:"url,omitempty"`
	Address   ldAddress `json:"address"`
	Telephone string    `json:"telephone,omitempty"`
	Email     string    `json:"email,omitempty"`
	Hours     []ldHours `json:"openingHoursSpecification,omitempty"`
}

type ldService struct {
	Context     string         `json:"@context"`
	Type        string         `json:"@type"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url"`
	Identifier  []string       `json:"identifier,omitempty"`
	Provider    map[string]any `json:"provider"`
	AreaServed  map[string]any `json:"areaServed"`
	Channel     map[string]any `json:"availableChannel,omitempty"`
}

func ldOfficeOf(o *Office, url string) ldOffice {
	l := ldOffice{
		Type: "GovernmentOffice", Name: o.Name, URL: url,
		Address: ldAddress{Type: "PostalAddress", Street: o.Street, PostalCode: o.PostalCode,
			Locality: o.City, Country: "DE"},
		Telephone: o.Phone, Email: o.Email,
	}
	for _, h := range o.Hours {
		lh := ldHours{Type: "OpeningHoursSpecification", Opens: h.Opens, Closes: h.Closes}
		for _, d := range h.Days {
			lh.DayOfWeek = append(lh.DayOfWeek, "https://schema.org/"+weekdays[d])
		}
		l.Hours = append(l.Hours, lh)
	}
	return l
}

// officeLocations contains the JSON-LD of offices as the service locations
// of service pages, encoded once for all the services of an office.
type officeLocations struct{ encoded sync.Map }

// of returns the JSON-LD of office o as a service location.
func (l *officeLocations) of(o *Office) any {
	if v, ok := l.encoded.Load(o); ok {
		return v
	}
	office := ldOfficeOf(o, absolute(o.Site.Site, o.URL))
	var v any = office
	if b, err := json.Marshal(office); err == nil {
		v = json.RawMessage(b)
	}
	v, _ = l.encoded.LoadOrStore(o, v)
	return v
}

func officeJSONLD(o *Office, url string) template.JS {
	l := ldOfficeOf(o, url)
	l.Context = "https://schema.org"
	return marshalJS(l)
}

// serviceJSONLD returns the JSON-LD of service page svc at url. location
// is the JSON-LD of its office, as officeLocations.of returns it.
func serviceJSONLD(svc *Service, url string, cfg *federation.Config, location any) template.JS {
	s := svc.Site
	provider := s.Site
	if svc.Matter.Tier == TierCounty {
		if c, ok := cfg.County(); ok {
			provider = c
		}
	}
	l := ldService{
		Context: "https://schema.org", Type: "GovernmentService",
		Name: svc.Matter.Title, Description: svc.Matter.Summary, URL: url,
		Identifier: svc.Matter.LeiKa,
		Provider: map[string]any{"@type": "GovernmentOrganization", "name": provider.Legal.Name,
			"url": provider.URL},
		AreaServed: map[string]any{"@type": "AdministrativeArea", "name": s.Name},
	}
	if svc.Office != nil {
		l.Channel = map[string]any{"@type": "ServiceChannel", "serviceLocation": location}
		if svc.Matter.Online != "" {
			l.Channel["serviceUrl"] = svc.Matter.Online
		}
	}
	return marshalJS(l)
}

// marshalJS encodes v for a script element. encoding/json escapes <, >
// and &, so the result cannot close the element.
func marshalJS(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}
