package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/verbund/verbund/generator"
)

// options are the knobs of one generated federation.
type options struct {
	// Pages is the number of service pages over all portals.
	Pages int
	// Bases is the number of base texts.
	Bases int
	// Standalone is the share of a portal's service pages written without
	// a base text. It grows where a portal has more pages than base texts.
	Standalone float64
	Seed       uint64
}

const (
	// countyTierShare is the share of base texts the county delivers.
	countyTierShare = 0.2
	// offeredShare is the share of a commune's pages from base texts that
	// it publishes through offers, without a file of its own.
	offeredShare = 0.25
	// countyExtendShare is the share of county-tier base texts the county
	// extends with a page of its own.
	countyExtendShare = 0.3
	// coreSize is the number of commune-tier base texts every commune
	// publishes, which base texts may link to.
	coreSize = 15
)

// planner carries the state of one generation run.
type planner struct {
	opt   options
	rng   *rand.Rand
	text  *textGen
	plan  *federationPlan
	slugs map[string]bool
	// countyBases and localBases split the base texts by tier; core are
	// the local ones every commune publishes.
	countyBases, localBases, core []*service
}

// planFederation generates the federation for admins, whose first entry
// is the county.
func planFederation(opt options, admins []administration) (*federationPlan, error) {
	if opt.Pages < 5*len(admins) {
		return nil, fmt.Errorf("invalid page count %d: want at least 5 per portal, %d in all",
			opt.Pages, 5*len(admins))
	}
	if opt.Bases < 2 {
		return nil, fmt.Errorf("invalid base text count %d: want at least 2", opt.Bases)
	}
	if opt.Standalone < 0 || opt.Standalone > 1 {
		return nil, fmt.Errorf("invalid standalone share %g: want a number from 0 to 1", opt.Standalone)
	}

	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	p := &planner{opt: opt, rng: rng, text: &textGen{rng: rng}, slugs: map[string]bool{}}
	p.plan = &federationPlan{
		Name:       legalName(admins[0]),
		Domain:     siteID(admins[0]) + ".example",
		Categories: categories,
	}
	if err := p.makeSites(admins); err != nil {
		return nil, err
	}

	p.distributeQuotas()
	p.makeBases()
	for _, s := range p.plan.Sites {
		p.makeServices(s)
	}
	p.writeTexts()

	if got := p.plan.servicePages(); got != opt.Pages {
		return nil, fmt.Errorf("planned %d service pages instead of %d", got, opt.Pages)
	}
	return p.plan, nil
}

// categories are the shared navigation of the generated federation.
var categories = []category{
	{"ausweise-dokumente", "Ausweise und Dokumente", "Ausweise, Pässe, Beglaubigungen und Bescheinigungen."},
	{"umzug-wohnen", "Umzug und Wohnen", "Wohnsitz melden, Wohngeld und alles rund um das Wohnen."},
	{"familie-kinder", "Familie und Kinder", "Betreuung, Schule und Hilfen für Familien."},
	{"soziales-gesundheit", "Soziales und Gesundheit", "Hilfen, Pflege, Teilhabe und Gesundheitsschutz."},
	{"auto-verkehr", "Auto und Verkehr", "Fahrzeuge, Führerscheine, Parken und Straßen."},
	{"bauen-umwelt", "Bauen und Umwelt", "Bauvorhaben, Grundstücke, Natur und Gewässer."},
	{"abfall", "Abfall und Entsorgung", "Müllabfuhr, Sperrmüll und Wertstoffe."},
	{"wirtschaft-gewerbe", "Wirtschaft und Gewerbe", "Gewerbe, Gaststätten, Märkte und Erlaubnisse."},
	{"steuern-abgaben", "Steuern und Abgaben", "Grundsteuer, Hundesteuer und kommunale Beiträge."},
	{"standesamt", "Geburt, Ehe und Sterbefall", "Urkunden und Angelegenheiten des Standesamts."},
	{"ordnung-sicherheit", "Ordnung und Sicherheit", "Fundsachen, Waffen, Feuerwehr und Veranstaltungen."},
	{"rathaus-verwaltung", "Rathaus und Verwaltung", "Wahlen, Ehrenamt und allgemeine Dienste."},
}

// distributeQuotas spreads the service pages over the portals, each
// within a quarter of the average, so that they add up to opt.Pages.
func (p *planner) distributeQuotas() {
	sites := p.plan.Sites
	weights := make([]float64, len(sites))
	total := 0.0
	for i := range sites {
		weights[i] = 0.75 + 0.5*p.rng.Float64()
		total += weights[i]
	}

	assigned := 0
	fractions := make([]float64, len(sites))
	for i, s := range sites {
		exact := float64(p.opt.Pages) * weights[i] / total
		s.quota = int(exact)
		fractions[i] = exact - float64(s.quota)
		assigned += s.quota
	}

	// Hand the pages lost to rounding down to the largest remainders.
	order := make([]int, len(sites))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case fractions[a] > fractions[b]:
			return -1
		case fractions[a] < fractions[b]:
			return 1
		}
		return 0
	})
	for i := 0; assigned < p.opt.Pages; i++ {
		sites[order[i%len(order)]].quota++
		assigned++
	}
}

// makeBases creates the base texts without their bodies: the county
// tier first, as many as the county's quota allows, then the commune
// tier.
func (p *planner) makeBases() {
	county := p.plan.Sites[0]
	nCounty := int(math.Round(countyTierShare * float64(p.opt.Bases)))
	nCounty = max(1, min(nCounty, county.quota, p.opt.Bases-1))
	for i := range p.opt.Bases {
		title := p.uniqueTitle()
		b := &service{
			Slug:     generator.Slugify(title),
			Title:    title,
			Summary:  p.summary(title),
			LeiKa:    fmt.Sprintf("99%03d%09d", 10+i%90, 1000*(i+1)),
			Category: pick(p.rng, categories).ID,
			Tier:     "gemeinde",
			Keywords: p.text.keywords(between(p.rng, 2, 5)),
			Reviewed: p.date(),
			Forms:    p.forms(title, between(p.rng, 0, 3)),
			Source:   fmt.Sprintf("leika-katalog-%04d", i+1),
		}
		if p.rng.IntN(2) == 0 {
			b.Online = fmt.Sprintf("https://online.%s/%s", p.plan.Domain, b.Slug)
		}
		if i < nCounty {
			b.Tier = "kreis"
			b.Office = county.ID + "/" + pick(p.rng, county.Offices).Slug
			p.countyBases = append(p.countyBases, b)
		} else {
			p.localBases = append(p.localBases, b)
		}
		p.plan.Bases = append(p.plan.Bases, b)
	}
}

// fromBases returns how many of a commune's quota come from base texts;
// the rest are standalone pages.
func (p *planner) fromBases(s *site) int {
	standalone := int(math.Round(p.opt.Standalone * float64(s.quota)))
	return min(s.quota-standalone, len(p.localBases))
}

// makeServices plans the service pages of site s: commune pages that
// extend base texts, offered base texts and standalone pages.
func (p *planner) makeServices(s *site) {
	if s.county() {
		p.makeCountyServices(s)
		return
	}
	if p.core == nil {
		k := coreSize
		for _, c := range p.plan.Sites[1:] {
			k = min(k, p.fromBases(c))
		}
		p.core = p.localBases[:k]
	}
	n := p.fromBases(s)
	chosen := slices.Clone(p.core)
	rest := p.localBases[len(p.core):]
	for _, i := range p.rng.Perm(len(rest))[:n-len(p.core)] {
		chosen = append(chosen, rest[i])
	}
	s.OffersAll = n == len(p.localBases)
	for _, b := range chosen {
		if p.rng.Float64() < offeredShare {
			s.Offered = append(s.Offered, b)
			continue
		}
		s.Services = append(s.Services, p.extension(s, b))
	}
	for len(s.Services)+len(s.Offered) < s.quota {
		s.Services = append(s.Services, p.standalone(s))
	}
}

// makeCountyServices plans the county's pages: every county-tier base
// text, some of them extended with a page of the county's own, and
// standalone pages up to its quota.
func (p *planner) makeCountyServices(s *site) {
	for _, b := range p.countyBases {
		if p.rng.Float64() < countyExtendShare {
			s.Services = append(s.Services, p.extension(s, b))
			continue
		}
		s.Offered = append(s.Offered, b)
	}
	for len(s.Services)+len(s.Offered) < s.quota {
		s.Services = append(s.Services, p.standalone(s))
	}
}

// extension returns site s's page for base text b, which overrides one
// or two parts; the body is written later.
func (p *planner) extension(s *site, b *service) *service {
	svc := &service{Slug: b.Slug, Base: b, Reviewed: p.date()}
	if p.rng.IntN(10) < 7 {
		svc.Office = pick(p.rng, s.Offices).Slug
	}
	if p.rng.IntN(10) < 3 {
		svc.Keywords = p.text.keywords(between(p.rng, 1, 2))
	}
	if p.rng.IntN(2) == 0 {
		svc.Source = fmt.Sprintf("%s-%s", s.ID, b.Slug)
	}
	if p.rng.IntN(10) == 0 {
		svc.Online = fmt.Sprintf("https://online.%s/%s/%s", p.plan.Domain, s.ID, b.Slug)
	}
	return svc
}

// standalone returns a page of site s that has no base text and sets
// every front-matter key; the body is written later.
func (p *planner) standalone(s *site) *service {
	title := p.uniqueTitle()
	svc := &service{
		Slug:     generator.Slugify(title),
		Title:    title,
		Summary:  p.summary(title),
		LeiKa:    p.localLeiKa(),
		Category: pick(p.rng, categories).ID,
		Tier:     "gemeinde",
		Keywords: p.text.keywords(between(p.rng, 2, 5)),
		Reviewed: p.date(),
		Office:   pick(p.rng, s.Offices).Slug,
		Online:   fmt.Sprintf("https://online.%s/%s/%s", p.plan.Domain, s.ID, generator.Slugify(title)),
		Forms:    p.forms(title, between(p.rng, 1, 3)),
		Source:   fmt.Sprintf("%s-lokal-%d", s.ID, len(s.Services)+1),
	}
	svc.Aliases = []string{"/buergerservice/" + svc.Slug + "/"}
	if s.county() {
		svc.Tier = "kreis"
	}
	return svc
}

// localLeiKa returns a LeiKa key for a standalone page. The keys come
// from a pool of an eighth of the page count, so some communes write
// separate pages for the same service.
func (p *planner) localLeiKa() string {
	j := p.rng.IntN(max(10, p.opt.Pages/8))
	return fmt.Sprintf("99%03d%09d", 900+j%90, j)
}

// uniqueTitle returns a service title whose slug no other service of the
// federation has, such as "Friedhofsgebühr erstatten".
func (p *planner) uniqueTitle() string {
	for tries := 0; ; tries++ {
		title := pick(p.rng, compoundHeads) + pick(p.rng, compoundTails) + " " + pick(p.rng, verbStems)
		if tries > 50 {
			title = fmt.Sprintf("%s %d", title, tries)
		}
		slug := generator.Slugify(title)
		if !p.slugs[slug] {
			p.slugs[slug] = true
			return title
		}
	}
}

func (p *planner) summary(title string) string {
	return fmt.Sprintf("%s: %s", title, strings.TrimSuffix(p.text.sentence(), ".")) + "."
}

func (p *planner) forms(title string, n int) []form {
	var out []form
	for i := range n {
		out = append(out, form{
			Title: fmt.Sprintf("%s, Formular %d", title, i+1),
			URL:   fmt.Sprintf("https://formulare.%s/%s-%d.pdf", p.plan.Domain, generator.Slugify(title), i+1),
		})
	}
	return out
}

// date returns a review date in 2025 or the first half of 2026.
func (p *planner) date() string {
	month := between(p.rng, 1, 18)
	year := 2025 + (month-1)/12
	return fmt.Sprintf("%d-%02d-%02d", year, (month-1)%12+1, between(p.rng, 1, 28))
}
