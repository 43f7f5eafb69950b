package generator

import (
	"github.com/verbund/verbund/search"
)

// serviceDocument returns the search document of a service page. For a
// page that extends a base text, text holds only the page's own parts.
func serviceDocument(svc *Service, text string) search.Page {
	base := ""
	if svc.Base != nil {
		base = svc.Base.ID
	}
	return search.Page{
		Site: svc.Site.ID, URL: absolute(svc.Site.Site, svc.URL), Kind: KindService,
		Title: svc.Matter.Title, Summary: svc.Matter.Summary, Text: text,
		Keywords: svc.Matter.Keywords, Category: svc.Matter.Category, Tier: svc.Matter.Tier,
		LeiKa: svc.Matter.LeiKa, Base: base,
	}
}
