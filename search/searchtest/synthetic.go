package searchtest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/verbund/verbund/search"
)

// SyntheticConfig sizes a synthetic federation.
type SyntheticConfig struct {
	// Sites is the number of portals, the county included. Default 20.
	Sites int
	// Pages is the number of published pages over all portals. Default
	// 10,000.
	Pages int
	// BaseBytes and LocalBytes are the mean lengths of a base text and
	// of a commune page's own parts. Defaults 2,400 and 300.
	BaseBytes  int
	LocalBytes int
	// Seed makes the federation reproducible.
	Seed uint64
}

// Synthetic returns a federation shaped like a county's. It has one
// county and its communes, base texts of both tiers, and commune pages
// that extend base texts with short local parts, besides standalone
// services, offices and free pages. Its text is German-like word salad
// made from an administrative vocabulary, with compound words. The same
// config returns the same corpus.
func Synthetic(cfg SyntheticConfig) *search.Corpus {
	cfg = withDefaults(cfg)
	g := &generator{rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed))}
	c := &search.Corpus{}
	for i, title := range syntheticCategories {
		c.Categories = append(c.Categories, search.Category{ID: fmt.Sprintf("kategorie-%d", i), Title: title})
	}
	c.Sites = append(c.Sites, search.Site{ID: "kreis", Name: "Landkreis Beispiel", Kind: "kreis",
		URL: "https://www.kreis.example"})
	for i := 1; i < cfg.Sites; i++ {
		kind := "gemeinde"
		if i%2 == 0 {
			kind = "samtgemeinde"
		}
		id := fmt.Sprintf("gemeinde-%02d", i)
		c.Sites = append(c.Sites, search.Site{ID: id, Name: fmt.Sprintf("Gemeinde %02d", i),
			Kind: kind, URL: "https://" + id + ".example", Parent: "kreis"})
	}

	perSite := cfg.Pages / cfg.Sites
	communeBases := perSite * 8 / 10
	countyBases := perSite / 2
	for i := range communeBases + countyBases {
		tier := "gemeinde"
		if i >= communeBases {
			tier = "kreis"
		}
		c.Bases = append(c.Bases, g.base(i, tier, len(c.Categories), cfg.BaseBytes))
	}
	for _, site := range c.Sites {
		c.Pages = append(c.Pages, g.pages(c, site, perSite, communeBases, cfg.LocalBytes)...)
	}
	return c
}

func withDefaults(cfg SyntheticConfig) SyntheticConfig {
	if cfg.Sites <= 0 {
		cfg.Sites = 20
	}
	if cfg.Pages <= 0 {
		cfg.Pages = 10_000
	}
	if cfg.BaseBytes <= 0 {
		cfg.BaseBytes = 2400
	}
	if cfg.LocalBytes <= 0 {
		cfg.LocalBytes = 300
	}
	return cfg
}

type generator struct {
	rng *rand.Rand
}

func (g *generator) base(i int, tier string, categories int, size int) search.Base {
	title := g.title()
	return search.Base{
		ID:       fmt.Sprintf("leistung-%04d", i),
		Title:    title,
		Summary:  g.text(160),
		Text:     g.parts(size),
		Keywords: []string{g.word(), g.compound(), g.word()},
		Category: fmt.Sprintf("kategorie-%d", g.rng.IntN(categories)),
		Tier:     tier,
		LeiKa:    []string{fmt.Sprintf("99%012d", 1000+i)},
	}
}

// pages returns the pages of site: the county's pages for the county
// tier's base texts, or a commune's pages for most commune base texts,
// and in both cases standalone services, offices and free pages.
func (g *generator) pages(c *search.Corpus, site search.Site, n, communeBases, localBytes int) []search.Page {
	var pages []search.Page
	var bases []search.Base
	if site.Kind == "kreis" {
		bases = c.Bases[communeBases:]
	} else {
		bases = c.Bases[:communeBases]
	}
	for _, b := range bases {
		if len(pages) >= n*9/10 {
			break
		}
		pages = append(pages, search.Page{
			Site: site.ID, URL: site.URL + "/leistungen/" + b.ID + "/", Kind: "service",
			Title: b.Title, Summary: b.Summary, Text: g.parts(localBytes),
			Keywords: b.Keywords, Category: b.Category, Tier: b.Tier, LeiKa: b.LeiKa, Base: b.ID,
		})
	}
	for i := 0; len(pages) < n; i++ {
		kind := [...]string{"service", "office", "page"}[i%3]
		pages = append(pages, search.Page{
			Site: site.ID, URL: fmt.Sprintf("%s/%s-%d/", site.URL, kind, i), Kind: kind,
			Title: g.title(), Summary: g.text(160), Text: g.parts(localBytes * 3),
			Keywords: []string{g.word()}, Category: c.Categories[i%len(c.Categories)].ID, Tier: "gemeinde",
		})
	}
	return pages
}

func (g *generator) title() string {
	return capitalize(g.compound()) + " " + g.pick(syntheticVerbs)
}

func (g *generator) word() string {
	return capitalize(g.pick(syntheticNouns))
}

func (g *generator) compound() string {
	first := g.pick(syntheticNouns)
	second := g.pick(syntheticNouns)
	link := g.pick([]string{"", "", "s", "en", "e"})
	return capitalize(first) + link + second
}

// parts returns about size bytes of text in paragraphs headed like the
// parts of a German service description.
func (g *generator) parts(size int) string {
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(g.pick(syntheticHeadings))
		b.WriteString(": ")
		b.WriteString(g.text(min(300, size-b.Len()+40)))
		b.WriteString("\n\n")
	}
	return b.String()
}

// text returns sentences of about size bytes.
func (g *generator) text(size int) string {
	var b strings.Builder
	for b.Len() < size {
		n := 6 + g.rng.IntN(10)
		for i := range n {
			var w string
			switch r := g.rng.IntN(10); {
			case r < 4:
				w = g.pick(syntheticFunctionWords)
			case r < 6:
				w = g.pick(syntheticVerbs)
			case r < 8:
				w = g.word()
			default:
				w = g.compound()
			}
			if i == 0 {
				w = capitalize(w)
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

func (g *generator) pick(list []string) string {
	return list[g.rng.IntN(len(list))]
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	for i := range s {
		if i > 0 {
			return strings.ToUpper(s[:i]) + s[i:]
		}
	}
	return strings.ToUpper(s)
}

var syntheticCategories = []string{
	"Bürgerservice", "Familie und Soziales", "Verkehr und Mobilität",
	"Wirtschaft und Gewerbe", "Bauen und Umwelt", "Steuern und Abgaben",
	"Bildung und Kultur", "Sicherheit und Ordnung",
}

var syntheticHeadings = []string{
	"Voraussetzungen", "Erforderliche Unterlagen", "Verfahrensablauf", "Gebühren",
	"Fristen", "Bearbeitungsdauer", "Rechtsgrundlagen", "Hinweise",
}

var syntheticNouns = strings.Fields(`
	antrag ausweis pass reise kind familie hund steuer gewerbe wohnung wohnsitz
	fahrzeug führerschein zulassung kennzeichen urkunde geburt ehe name melde
	bescheinigung nachweis gebühr frist unterlage formular behörde amt bürger
	büro termin verfahren genehmigung erlaubnis bau grundstück garten baum müll
	abfall tonne wasser straße verkehr park platz schule kita betreuung eltern
	zuschuss geld rente pflege arzt gesundheit impfung feuer wehr brand schutz
	daten auskunft register wahl brief schein karte stelle dienst leistung
	gemeinde stadt kreis land bund verwaltung ordnung markt fest halle sport
	verein kirche friedhof grab bestattung heirat trauung sprache kurs arbeit
	beruf betrieb handel handwerk jagd fischerei waffe fund sache verlust
	diebstahl änderung verlängerung ersatz beglaubigung zeugnis führung
	polizei einbürgerung aufenthalt titel visum integration wohngeld miete
	energie heizung solar strom gas lärm umwelt natur tier wald feld hof
`)

var syntheticVerbs = strings.Fields(`
	beantragen anmelden abmelden ummelden verlängern ändern ersetzen melden
	erteilen ausstellen prüfen zahlen einreichen vorlegen genehmigen erstatten
	entsorgen abholen bestellen buchen vereinbaren nachweisen beglaubigen
`)

var syntheticFunctionWords = strings.Fields(`
	der die das und oder für mit bei von zu im in an auf ist sind wird werden
	eine ein einen nicht auch nur wenn dann sie ihr ihre sich nach vor über
`)
