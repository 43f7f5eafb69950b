package search_test

import (
	"slices"
	"testing"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// compoundCorpus has a title with a compound that contains a compound
// query word, a body text with that word, and a body text with only the
// word's parts, far apart in other words.
const compoundCorpus = `
-- sites.toml --
[[site]]
id = "meppen"
name = "Meppen"
kind = "gemeinde"
url = "https://www.meppen.example"

[[category]]
id = "verkehr"
title = "Verkehr und Mobilität"

-- meppen/papierfuehrerschein.md --
+++
title = "Papierführerschein umtauschen"
summary = "Alte Fahrerlaubnisse aus Papier werden bis 2033 ersetzt."
category = "verkehr"
leika = ["99086001000000"]
+++
Bringen Sie ein Lichtbild und Ihren Personalausweis mit.

-- meppen/gaststaette.md --
+++
title = "Gaststätte anmelden"
summary = "Wer Getränke ausschenkt, meldet das Gewerbe an."
category = "verkehr"
leika = ["99086002000000"]
+++
Die Sperrzeit beginnt um 2 Uhr und endet um 6 Uhr.

-- meppen/sperrmuell.md --
+++
title = "Sperrmüll anmelden"
summary = "Große Gegenstände holt die Abfallwirtschaft ab."
category = "verkehr"
leika = ["99086003000000"]
+++
Die Wartezeit auf einen Abholtermin beträgt zwei Wochen.
`

func TestSearchCompoundParts(t *testing.T) {
	c, err := searchtest.ParseCorpus([]byte(compoundCorpus))
	if err != nil {
		t.Fatal(err)
	}
	ix := openCorpusIndex(t, c)

	tests := []struct {
		query string
		want  []string
	}{
		// The parts of the query word are found in a title.
		{"führerschein", []string{"Papierführerschein umtauschen"}},
		// The word itself is found in a body text, but not its parts in
		// "Sperrmüll" and "Wartezeit" of the third page.
		{"sperrzeit", []string{"Gaststätte anmelden"}},
	}
	for _, tt := range tests {
		res := searchFor(t, ix, search.Request{Query: tt.query})
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Title)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: hits %q, want %q", tt.query, got, tt.want)
		}
	}
}
