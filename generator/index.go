package generator

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/verbund/verbund/search"
)

// indexCollector gathers the search documents of the pages as they are
// rendered, so the index is built from the same parsed content.
type indexCollector struct {
	mu    sync.Mutex
	pages []search.Page
}

func (c *indexCollector) add(p search.Page) {
	c.mu.Lock()
	c.pages = append(c.pages, p)
	c.mu.Unlock()
}

// buildIndex writes the federation's search index into the staging
// folder and returns the corpus it was built from.
func (r *pageRenderer) buildIndex(ctx context.Context) (*search.Corpus, error) {
	fc := r.fc
	corpus := &search.Corpus{}
	for _, s := range fc.sites {
		corpus.Sites = append(corpus.Sites, search.Site{
			ID: s.ID, Name: s.Name, URL: s.URL, Kind: s.Kind, Parent: s.Parent,
		})
	}
	for _, c := range fc.cfg.Categories {
		corpus.Categories = append(corpus.Categories, search.Category{ID: c.ID, Title: c.Title})
	}
	for _, id := range fc.baseIDs {
		b, doc := fc.bases[id], r.bases[id]
		corpus.Bases = append(corpus.Bases, search.Base{
			ID: id, Title: b.Title, Summary: b.Summary, Text: doc.structuredText(),
			Keywords: b.Keywords, Category: b.Category, Tier: b.Tier, LeiKa: b.LeiKa,
		})
	}
	corpus.Pages = r.index.pages
	sort.Slice(corpus.Pages, func(i, j int) bool { return corpus.Pages[i].URL < corpus.Pages[j].URL })
	if err := search.Build(ctx, filepath.Join(r.out.staging, IndexDir), corpus); err != nil {
		return nil, fmt.Errorf("building the search index: %w", err)
	}
	return corpus, nil
}

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
