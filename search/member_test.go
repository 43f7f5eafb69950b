package search_test

import (
	"context"
	"testing"

	"github.com/verbund/verbund/search"
)

// TestCountySearchRanksCommuneServices searches on the county's portal
// for a service that only the communes offer. The commune's service,
// which has the word in its title, must come before the county's pages
// that mention the word in passing: on the county's portal the
// communes' services count as the citizen's own.
func TestCountySearchRanksCommuneServices(t *testing.T) {
	c := &search.Corpus{
		Sites: []search.Site{
			{ID: "kreis", Name: "Landkreis Beispiel", Kind: "kreis", URL: "https://kreis.example"},
			{ID: "nord", Name: "Nordstadt", Kind: "gemeinde", URL: "https://nord.example", Parent: "kreis"},
			{ID: "sued", Name: "Südheim", Kind: "gemeinde", URL: "https://sued.example", Parent: "kreis"},
		},
		Categories: []search.Category{{ID: "ausweise", Title: "Ausweise"}},
	}
	for i, title := range []string{"Ersatzführerschein beantragen", "Waffenschein beantragen", "Fahrzeug zulassen"} {
		c.Pages = append(c.Pages, search.Page{Site: "kreis", Kind: "service", Category: "ausweise",
			URL: "https://kreis.example/leistungen/" + string(rune('a'+i)) + "/", Title: title,
			Summary: "Ein Antrag beim Landkreis.",
			Text:    "Bringen Sie Ihren Personalausweis oder Reisepass mit. Die Gebühr zahlen Sie vor Ort."})
	}
	c.Pages = append(c.Pages, search.Page{Site: "nord", Kind: "service", Category: "ausweise",
		URL: "https://nord.example/leistungen/personalausweis/", Title: "Personalausweis beantragen",
		Summary: "Den Personalausweis im Bürgerbüro beantragen.", Text: "Der Ausweis gilt zehn Jahre."})
	dir := t.TempDir()
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	for _, site := range []string{"kreis", "nord", ""} {
		res, err := ix.Search(context.Background(), search.Request{Query: "Personalausweis", Site: site})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Title != "Personalausweis beantragen" {
			var titles []string
			for _, h := range res.Hits {
				titles = append(titles, h.Title)
			}
			t.Errorf("site %q: results %q, want the commune's service first", site, titles)
		}
	}
}
