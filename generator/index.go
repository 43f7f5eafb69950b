package generator

import (
	"fmt"

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

// indexPages hands the search documents of j, the job at position i of
// the jobs the build runs, to the index writer, if the build has one,
// and then drops their text if the build does not keep it. The index
// writer orders the documents by the jobs' positions, so the index is
// the same whatever order the jobs finish in.
func (r *pageRenderer) indexPages(i int, j *job) error {
	if r.index != nil {
		if err := r.index.Add(i, j.pages...); err != nil {
			return fmt.Errorf("building the search index: %w", err)
		}
	}
	if r.dropText {
		for k := range j.pages {
			j.pages[k].Text = ""
		}
	}
	return nil
}
