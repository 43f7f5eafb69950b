package dldb

import (
	"slices"
	"testing"
)

func TestSlugify(t *testing.T) {
	cases := []struct{ name, want string }{
		{"Personalausweis", "personalausweis"},
		{"Gewerbe-Anmeldung", "gewerbe-anmeldung"},
		{"Übermittlungssperre", "uebermittlungssperre"},
		{"Änderung der Adresse", "aenderung-der-adresse"},
		{"Größenänderung", "groessenaenderung"},
		{"Straße ẞ", "strasse-ss"},
		{"Ummeldung Auto – innerhalb der Stadt", "ummeldung-auto-innerhalb-der-stadt"},
		{"Visum  – Ferien-Arbeit", "visum-ferien-arbeit"},
		{"Antrag (§ 12 Gesetz)", "antrag-12-gesetz"},
		{"Bürger*innen", "buerger-innen"},
		{"  -Rand- ", "rand"},
		{"Café Crème", "cafe-creme"},
		{"Łódź", "lodz"},
		{"Sprechstunde 30 min", "sprechstunde-30-min"},
		{"Amt-III/12", "amt-iii-12"},
		{"§§", ""},
		{"Київ", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := slugify(tc.name); got != tc.want {
			t.Errorf("slugify(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUniqueSlugs(t *testing.T) {
	cases := []struct {
		name       string
		names, ids []string
		want       []string
	}{
		{"distinct", []string{"A", "B"}, []string{"1", "2"}, []string{"a", "b"}},
		{"collision lowest id keeps slug", []string{"Pass", "Pass"}, []string{"20", "3"}, []string{"pass-20", "pass"}},
		{"collision after folding", []string{"Übergabe", "Uebergabe"}, []string{"1", "2"}, []string{"uebergabe", "uebergabe-2"}},
		{"three collide", []string{"X", "x", "X!"}, []string{"7", "5", "6"}, []string{"x-7", "x", "x-6"}},
		{"suffix taken by a name", []string{"A", "A", "A 2"}, []string{"1", "2", "3"}, []string{"a", "a-2-2", "a-2"}},
		{"no usable name falls back to id", []string{"§§", "B"}, []string{"10", "11"}, []string{"10", "b"}},
		{"no usable name or id", []string{"§§"}, []string{"§"}, []string{""}},
		{"ids compare as numbers", []string{"A", "A"}, []string{"100", "99"}, []string{"a-100", "a"}},
		{"ids compare as strings", []string{"A", "A"}, []string{"b", "a"}, []string{"a-b", "a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := uniqueSlugs(tc.names, tc.ids)
			if !slices.Equal(got, tc.want) {
				t.Errorf("uniqueSlugs(%q, %q) = %q, want %q", tc.names, tc.ids, got, tc.want)
			}
		})
	}
}
