package search_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verbund/verbund/search"
)

func searchFor(t *testing.T, ix *search.Index, r search.Request) *search.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

func offerSites(h search.Hit) []string {
	var sites []string
	for _, o := range h.OfferedBy {
		sites = append(sites, o.Site)
	}
	return sites
}

func TestSearchGroupsOneService(t *testing.T) {
	ix := openTestIndex(t)
	res := searchFor(t, ix, search.Request{Query: "personalausweis beantragen"})
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	first := res.Hits[0]
	if first.Title != "Personalausweis beantragen" {
		t.Errorf("first hit %q, want Personalausweis beantragen", first.Title)
	}
	if got, want := offerSites(first), []string{"lingen", "meppen", "soegel"}; !slices.Equal(got, want) {
		t.Errorf("offered by %v, want %v", got, want)
	}
	for _, h := range res.Hits[1:] {
		if h.Title == first.Title {
			t.Errorf("service %q appears twice", h.Title)
		}
	}
}

func TestSearchCitizenSiteFirst(t *testing.T) {
	ix := openTestIndex(t)
	tests := []struct {
		query, site    string
		wantSite       string
		wantTitle      string
		wantURLPrefix  string
		wantFirstLocal bool
	}{
		{"reisepass", "lingen", "lingen", "Reisepass", "https://www.lingen.example/", true},
		{"reisepass", "soegel", "soegel", "Reisepass", "https://www.soegel.example/", true},
		{"fahrzeug zulassen", "meppen", "emsland", "Fahrzeug zulassen", "https://www.emsland.example/", true},
		{"kita", "meppen", "meppen", "Kita-Platz in Meppen", "https://www.meppen.example/", true},
		{"kita", "soegel", "soegel", "Betreuungsplatz in einer Kindertagesstätte", "https://www.soegel.example/", true},
	}
	for _, tt := range tests {
		t.Run(tt.query+"@"+tt.site, func(t *testing.T) {
			res := searchFor(t, ix, search.Request{Query: tt.query, Site: tt.site})
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			h := res.Hits[0]
			if h.Site != tt.wantSite {
				t.Errorf("first hit's site %q, want %q", h.Site, tt.wantSite)
			}
			if h.Title != tt.wantTitle {
				t.Errorf("first hit %q, want %q", h.Title, tt.wantTitle)
			}
			if !strings.HasPrefix(h.URL, tt.wantURLPrefix) {
				t.Errorf("first hit's URL %q, want one on %s", h.URL, tt.wantURLPrefix)
			}
		})
	}
}

// TestSearchLocalServicesRankFirst checks that a service the citizen's
// commune offers outranks a better match that only another commune
// offers.
func TestSearchLocalServicesRankFirst(t *testing.T) {
	ix := openTestIndex(t)
	anywhere := searchFor(t, ix, search.Request{Query: "hunde"})
	if len(anywhere.Hits) < 2 {
		t.Fatalf("got %d hits, want at least 2", len(anywhere.Hits))
	}
	meppenOnly := "Hundefreilaufflächen"
	local := searchFor(t, ix, search.Request{Query: "hunde", Site: "soegel"})
	for i, h := range local.Hits {
		if h.Title == meppenOnly && i == 0 {
			t.Errorf("for a citizen of Sögel, %q of Meppen ranks first", meppenOnly)
		}
	}
	if local.Hits[0].Title != "Hundesteuer" {
		t.Errorf("first hit for Sögel %q, want Hundesteuer", local.Hits[0].Title)
	}
}

func TestSearchBaseTextOnEveryOfferingCommune(t *testing.T) {
	ix := openTestIndex(t)
	// "Sperrnotruf" occurs only in the shared base text of the service.
	res := searchFor(t, ix, search.Request{Query: "sperrnotruf"})
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(res.Hits))
	}
	if got, want := offerSites(res.Hits[0]), []string{"lingen", "soegel"}; !slices.Equal(got, want) {
		t.Errorf("offered by %v, want %v", got, want)
	}
	for _, tt := range []struct {
		commune string
		want    int
	}{{"soegel", 1}, {"lingen", 1}, {"meppen", 0}, {"emsland", 0}} {
		res := searchFor(t, ix, search.Request{Query: "sperrnotruf", Commune: tt.commune})
		if res.Total != tt.want {
			t.Errorf("commune %s: total %d, want %d", tt.commune, res.Total, tt.want)
		}
	}
}

func TestSearchLocalPartOfOneCommune(t *testing.T) {
	ix := openTestIndex(t)
	// "Darme" occurs only in Lingen's own part of the Wohnsitzanmeldung.
	res := searchFor(t, ix, search.Request{Query: "darme"})
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(res.Hits))
	}
	h := res.Hits[0]
	if h.Site != "lingen" || h.Title != "Wohnsitzanmeldung" {
		t.Errorf("hit %q on %q, want Wohnsitzanmeldung on lingen", h.Title, h.Site)
	}
	if !strings.Contains(h.Snippet, "<mark>Darme</mark>") {
		t.Errorf("snippet %q does not mark Darme", h.Snippet)
	}
	if res := searchFor(t, ix, search.Request{Query: "darme", Commune: "meppen"}); res.Total != 0 {
		t.Errorf("commune meppen: total %d, want 0", res.Total)
	}
}

func TestSearchFacetsAndCategoryFilter(t *testing.T) {
	ix := openTestIndex(t)
	all := searchFor(t, ix, search.Request{Query: "gebühren"})
	if all.Total < 10 {
		t.Fatalf("total %d, want at least 10 services that mention fees", all.Total)
	}
	sum := 0
	for _, f := range all.Facets.Category {
		sum += f.Count
		if f.Title == "" || f.Title == f.ID {
			t.Errorf("category facet %q has no title", f.ID)
		}
	}
	if sum != all.Total {
		t.Errorf("category facet counts add up to %d, want total %d", sum, all.Total)
	}
	for i := 1; i < len(all.Facets.Commune); i++ {
		if all.Facets.Commune[i].Count > all.Facets.Commune[i-1].Count {
			t.Errorf("commune facets not sorted by count: %v", all.Facets.Commune)
		}
	}

	verkehr := searchFor(t, ix, search.Request{Query: "gebühren", Category: "verkehr"})
	if verkehr.Total == 0 || verkehr.Total >= all.Total {
		t.Errorf("category verkehr: total %d, want between 1 and %d", verkehr.Total, all.Total-1)
	}
	for _, h := range verkehr.Hits {
		if h.Category != "verkehr" {
			t.Errorf("hit %q in category %q, want verkehr", h.Title, h.Category)
		}
	}
}

// TestSearchUncategorisedPage checks that a page without a category, an
// office, gets none in its hit and adds none to the category facets.
func TestSearchUncategorisedPage(t *testing.T) {
	ix := openTestIndex(t)
	res := searchFor(t, ix, search.Request{Query: "kreishaus"})
	i := slices.IndexFunc(res.Hits, func(h search.Hit) bool { return h.Title == "Kreishaus Meppen" })
	if i < 0 {
		t.Fatalf("no hit for the office Kreishaus Meppen in %d hits", len(res.Hits))
	}
	office := res.Hits[i]
	if office.Kind != "office" {
		t.Errorf("kind %q, want office", office.Kind)
	}
	if office.Category != "" || office.CategoryTitle != "" {
		t.Errorf("category %q (%q), want none", office.Category, office.CategoryTitle)
	}
	for _, f := range res.Facets.Category {
		if f.Title == "" || f.Title == f.ID {
			t.Errorf("category facet %q has no title, so it is no category of the federation", f.ID)
		}
	}
}

func TestSearchPaging(t *testing.T) {
	ix := openTestIndex(t)
	first := searchFor(t, ix, search.Request{Query: "gebühren"})
	if first.Pages < 2 {
		t.Fatalf("pages %d, want at least 2", first.Pages)
	}
	second := searchFor(t, ix, search.Request{Query: "gebühren", Page: 2})
	if second.Page != 2 || len(second.Hits) == 0 {
		t.Fatalf("page 2: page %d with %d hits", second.Page, len(second.Hits))
	}
	for _, h := range second.Hits {
		if slices.ContainsFunc(first.Hits, func(o search.Hit) bool { return o.URL == h.URL }) {
			t.Errorf("hit %q on both pages", h.Title)
		}
	}
	beyond := searchFor(t, ix, search.Request{Query: "gebühren", Page: first.Pages + 1})
	if len(beyond.Hits) != 0 {
		t.Errorf("page past the last has %d hits", len(beyond.Hits))
	}
}

func TestSearchSnippets(t *testing.T) {
	ix := openTestIndex(t)
	res := searchFor(t, ix, search.Request{Query: "fuehrerschein"})
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	s := res.Hits[0].Snippet
	if !strings.Contains(s, "<mark>Papierführerscheine</mark>") {
		t.Errorf("snippet %q does not mark the compound with the query word", s)
	}
	for _, h := range res.Hits {
		if !utf8.ValidString(h.Snippet) {
			t.Errorf("snippet %q is not valid UTF-8", h.Snippet)
		}
		plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
		if strings.ContainsAny(plain, "<>") {
			t.Errorf("snippet %q holds markup other than <mark>", h.Snippet)
		}
	}
}

func TestSearchRejects(t *testing.T) {
	ix := openTestIndex(t)
	tests := []struct {
		name string
		r    search.Request
	}{
		{"unknown site", search.Request{Query: "hund", Site: "atlantis"}},
		{"unknown commune", search.Request{Query: "hund", Commune: "atlantis"}},
		{"unknown category", search.Request{Query: "hund", Category: "nix"}},
		{"too long", search.Request{Query: strings.Repeat("hund ", 100)}},
		{"invalid UTF-8", search.Request{Query: "hund\xff"}},
		{"page too far", search.Request{Query: "hund", Page: search.MaxPage + 1}},
		{"negative page", search.Request{Query: "hund", Page: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.r)
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Errorf("error = %v, want a *search.QueryError", err)
			}
		})
	}
}

func TestSearchWithoutWords(t *testing.T) {
	ix := openTestIndex(t)
	for _, q := range []string{"", "*", "/.*/", "und oder", "?!"} {
		res := searchFor(t, ix, search.Request{Query: q})
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("query %q: total %d, want an empty result", q, res.Total)
		}
	}
}

func TestSearchCancelled(t *testing.T) {
	ix := openTestIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, search.Request{Query: "hund"}); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestSuggest(t *testing.T) {
	ix := openTestIndex(t)
	tests := []struct {
		prefix string
		first  string
	}{
		{"hu", "Hundesteuer"},
		{"reis", "Reisepass"},
		{"Führ", "Führungszeugnis beantragen"},
		{"fuehrersch", "Führerschein umtauschen"},
		{"einb", "Einbürgerung"},
		{"kinderr", "Kinderreisepass"},
		{"perso verl", "Verlust oder Diebstahl des Personalausweises melden"},
		// A stop word that the citizen is still typing begins a word.
		{"ein", "Einbürgerung"},
	}
	for _, tt := range tests {
		got, err := ix.Suggest(context.Background(), tt.prefix, 5)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tt.prefix, err)
		}
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("Suggest(%q) = %q, want %q first", tt.prefix, got, tt.first)
		}
		if len(got) > 5 {
			t.Errorf("Suggest(%q) returned %d, want at most 5", tt.prefix, len(got))
		}
	}
	for _, prefix := range []string{"", "h", "*", "und"} {
		got, err := ix.Suggest(context.Background(), prefix, 5)
		if err != nil || len(got) != 0 {
			t.Errorf("Suggest(%q) = %q, %v; want none", prefix, got, err)
		}
	}
}

func TestBuildReplacesIndex(t *testing.T) {
	dir := buildTestIndex(t)
	layout := filepath.Join(dir, search.LayoutsDirName, "lingen.html")

	c := readTestCorpus(t)
	c.Pages = slices.DeleteFunc(c.Pages, func(p search.Page) bool { return p.Base == "hundesteuer" })
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(layout); err != nil {
		t.Errorf("layout after rebuild: %v", err)
	}

	invalid := readTestCorpus(t)
	invalid.Pages = append(invalid.Pages, search.Page{Site: "nirgendwo", URL: "https://x.example/"})
	err := search.Build(context.Background(), dir, invalid)
	if err == nil || !strings.Contains(err.Error(), `unknown site "nirgendwo"`) {
		t.Errorf("Build with an unknown site: %v", err)
	}

	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res := searchFor(t, ix, search.Request{Query: "hundesteuer"})
	for _, h := range res.Hits {
		if h.Title == "Hundesteuer" {
			t.Errorf("the rebuilt index still has the removed Hundesteuer")
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".index-") || strings.HasSuffix(e.Name(), ".old") {
			t.Errorf("build left %s behind", e.Name())
		}
	}
}

func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if err := search.Build(ctx, dir, readTestCorpus(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("Build = %v, want context.Canceled", err)
	}
	if _, err := search.Open(dir); err == nil {
		t.Error("Open found an index after a cancelled build")
	}
}

func TestOpenRejectsBadLayout(t *testing.T) {
	dir := buildTestIndex(t)
	bad := filepath.Join(dir, search.LayoutsDirName, "meppen.html")
	page := "<html><body>" + search.LayoutMarker + search.LayoutMarker + "</body></html>"
	if err := os.WriteFile(bad, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := search.Open(dir)
	if err == nil || !strings.Contains(err.Error(), "meppen.html") {
		t.Errorf("Open = %v, want an error naming meppen.html", err)
	}
}

func TestBuildEmptyCorpus(t *testing.T) {
	c := &search.Corpus{Sites: []search.Site{{ID: "kreis", Name: "Kreis"}}}
	ix := openCorpusIndex(t, c)
	if res := searchFor(t, ix, search.Request{Query: "hund"}); res.Total != 0 {
		t.Errorf("total %d in an empty index", res.Total)
	}
}
