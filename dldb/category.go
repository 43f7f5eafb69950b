package dldb

import "strings"

// The category ids of the shared navigation that the import assigns.
const (
	categoryDocuments = "ausweise-dokumente"
	categoryHousing   = "umzug-wohnen"
	categoryFamily    = "familie-kinder"
	categorySocial    = "soziales"
	categoryVehicles  = "fahrzeuge-verkehr"
	categoryBuilding  = "bauen-umwelt"
	categoryWaste     = "abfall"
	categoryBusiness  = "wirtschaft-gewerbe"
	categoryTaxes     = "steuern-abgaben"
	categoryRegistry  = "standesamt"
	categoryOrder     = "ordnung-sicherheit"
	categoryAdmin     = "verwaltung"
)

// leikaPrefixes maps leading digits of LeiKa keys to categories. Keys of
// one subject share their first digits: the identifier 99, three digits
// of the subject group and three of the service object. Where several
// prefixes match a key, the longest one decides, so that a service object
// can have another category than its group.
var leikaPrefixes = map[string]string{
	"99008":    categoryDocuments, // identity card
	"99010":    categoryDocuments, // residence permits
	"99011":    categoryDocuments, // residence for volunteers and au pairs
	"99012":    categoryBuilding,  // building law
	"99014":    categoryAdmin,     // certification of copies and signatures
	"99018":    categoryVehicles,  // driving instructors
	"99022":    categorySocial,    // education grants (BAföG)
	"99023":    categoryVehicles,  // driving licence
	"99029":    categoryVehicles,  // vehicle register
	"99030007": categoryDocuments, // residence for education
	"99032001": categoryHousing,   // blocking the disclosure of registry data
	"99036":    categoryVehicles,  // vehicle registration
	"99041":    categoryFamily,    // child care
	"99042":    categoryOrder,     // fishing licence
	"99049001": categoryDocuments, // certificate of good conduct
	"99050":    categoryBusiness,  // trade licences
	"99052002": categoryBusiness,  // central trade register
	"99055":    categoryBusiness,  // road haulage
	"99059":    categoryRegistry,  // marriage
	"99067":    categoryOrder,     // hunting
	"99072003": categoryFamily,    // maintenance certificates
	"99073001": categoryRegistry,  // leaving a church
	"99075002": categoryVehicles,  // fitness to drive
	"99084":    categoryBusiness,  // taxi and hire car licences
	"99084011": categoryVehicles,  // passenger transport permit of drivers
	"99085":    categoryDocuments, // passports
	"99089":    categoryOrder,     // weapons, explosives, fireworks, lost property
	"99099002": categoryDocuments, // naturalisation
	"99101":    categoryRegistry,  // death certificates
	"99108":    categoryVehicles,  // road traffic: parking permits, licences
	"99114":    categorySocial,    // pensions
	"99115":    categoryHousing,   // residence registration
	"99116002": categoryHousing,   // rent index
	"99125":    categoryDocuments, // free movement of EU citizens
	"99133001": categoryFamily,    // acknowledgement of paternity
	"99134":    categorySocial,    // rehabilitation
}

// nameRule assigns a category to services whose folded name (see
// foldName) contains one of the stems, or has one of the tokens as a
// whole word.
type nameRule struct {
	category string
	stems    []string
	tokens   []string
}

// nameRules apply in order, and the first match wins, so more specific
// rules come first. Lost property precedes vehicles because of lost
// bicycles, and certification precedes documents because of certified
// copies. Trade precedes vehicles because of taxi licences, and residence
// permits precede family because of family reunification.
var nameRules = []nameRule{
	{categoryOrder, []string{"fundsache", "fundbuero", "finder", "verloren"}, nil},
	{categoryTaxes, []string{"steuer", "abgabenbescheid", "grundbesitzabgabe"}, nil},
	{categoryAdmin, []string{"beglaubig", "unterschrift"}, nil},
	{categoryBusiness, []string{
		"gewerbe", "taxi", "mietwagen", "gueterkraftverkehr", "gueterbefoerderung",
		"gaststaette", "handelsregister",
	}, nil},
	{categoryVehicles, []string{
		"parkausweis", "zufahrt", "fahrzeug", "kfz", "kennzeichen", "fuehrerschein",
		"fahrerlaubnis", "fahreignung", "fahrlehr", "fahrschul", "fahrerqualifizierung",
		"personenbefoerderung", "verkehr", "probezeit", "zulassung",
	}, nil},
	{categoryDocuments, []string{
		"aufenthalt", "niederlassung", "einbuergerung", "asyl", "duldung", "nachzug",
		"fluecht", "reiseausweis", "grenzuebertritt", "arbeitserlaubnis",
		"beschaeftigungsanfrage", "nebenbestimmung", "staatenlos", "ankunftszentrum",
		"ausweis", "reisepass", "passstelle", "fuehrungszeugnis", "dokument",
	}, []string{"pass", "eat", "era", "eid", "pin", "visum"}},
	{categoryRegistry, []string{
		"standesamt", "eheschliessung", "heirat", "lebenspartnerschaft", "geburt",
		"sterbe", "urkunde", "kirchenaustritt", "geschlechtseintrag", "vorname",
	}, []string{"ehe"}},
	{categorySocial, []string{
		"rente", "sozial", "pflege", "kranken", "unfallversicherung", "kontenklaerung",
		"rehabilitation", "beitragserstattung", "gehoerlos", "behindert", "bafoeg",
		"ausbildungsfoerderung", "wohngeld", "grundsicherung", "lebensbescheinigung",
	}, nil},
	{categoryHousing, []string{
		"wohnsitz", "meldebescheinigung", "melderegister", "umzug", "miet", "wohn",
		"auskunftssperre", "uebermittlungssperre", "haushaltsbescheinigung",
	}, nil},
	{categoryFamily, []string{
		"kind", "eltern", "familie", "vaterschaft", "unterhalt", "sorgerecht",
		"jugend", "schule", "schulreise", "schulbesuch", "kita", "betreuung",
	}, nil},
	{categoryBuilding, []string{
		"bau", "entwaesserung", "umwelt", "naturschutz", "grundstueck", "denkmal",
		"wildtier", "laerm",
	}, nil},
	{categoryWaste, []string{"abfall", "muell", "wertstoff", "entsorgung"}, nil},
	{categoryOrder, []string{
		"waffe", "munition", "sprengstoff", "feuerwerk", "pyrotechnik", "jagd",
		"fischerei", "feuerwehr", "feuerwache", "sicherheit", "ordnungswidrigkeit",
		"gesundheitszeugnis", "versammlung",
	}, nil},
}

// categorize returns the category of a service: the category of the
// longest known prefix of its first LeiKa key that has one, else of the
// first name rule that matches, else defaultCategory.
func categorize(name string, leikaKeys []string, defaultCategory string) string {
	for _, key := range leikaKeys {
		if category := leikaCategory(key); category != "" {
			return category
		}
	}

	folded := foldName(name)
	tokens := strings.Fields(folded)
	for _, rule := range nameRules {
		for _, stem := range rule.stems {
			if strings.Contains(folded, stem) {
				return rule.category
			}
		}
		for _, token := range rule.tokens {
			for _, t := range tokens {
				if t == token {
					return rule.category
				}
			}
		}
	}
	return defaultCategory
}

// leikaCategory returns the category of the longest prefix of key in
// leikaPrefixes, or "" when none matches.
func leikaCategory(key string) string {
	for n := len(key); n >= len("99000"); n-- {
		if category, ok := leikaPrefixes[key[:n]]; ok {
			return category
		}
	}
	return ""
}

// foldName returns the words of a service name in the form of its slug,
// lower case with umlauts spelt out, separated by spaces.
func foldName(name string) string {
	return strings.ReplaceAll(slugify(name), "-", " ")
}
