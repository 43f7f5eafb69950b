package dldb

import (
	"slices"
	"testing"
)

func TestParseLeika(t *testing.T) {
	cases := []struct {
		name, field   string
		keys, invalid []string
	}{
		{"missing", "", nil, nil},
		{"one key", "99050012104000", []string{"99050012104000"}, nil},
		{"spaces trimmed", " 99050012104000 ", []string{"99050012104000"}, nil},
		{"several keys", "99036008007003, 99036008007004,99036008007006", []string{"99036008007003", "99036008007004", "99036008007006"}, nil},
		{"semicolons", "99036008007003;99036008007004", []string{"99036008007003", "99036008007004"}, nil},
		{"repeats dropped", "99036008007003, 99036008007003", []string{"99036008007003"}, nil},
		{"empty entries dropped", ",99036008007003,,", []string{"99036008007003"}, nil},
		{"too short", "9903600800700", nil, []string{"9903600800700"}},
		{"too long", "990360080070031", nil, []string{"990360080070031"}},
		{"wrong prefix", "12036008007003", nil, []string{"12036008007003"}},
		{"letters", "99O36008007003", nil, []string{"99O36008007003"}},
		{"mixed", "99036008007003, abc", []string{"99036008007003"}, []string{"abc"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys, invalid := parseLeika(tc.field)
			if !slices.Equal(keys, tc.keys) {
				t.Errorf("parseLeika(%q) keys = %q, want %q", tc.field, keys, tc.keys)
			}
			if !slices.Equal(invalid, tc.invalid) {
				t.Errorf("parseLeika(%q) invalid = %q, want %q", tc.field, invalid, tc.invalid)
			}
		})
	}
}

func TestCategorize(t *testing.T) {
	cases := []struct {
		name, service string
		keys          []string
		want          string
	}{
		{"leika group", "Irgendwas", []string{"99036008003000"}, categoryVehicles},
		{"leika longest prefix", "Irgendwas", []string{"99084011001000"}, categoryVehicles},
		{"leika group of longer prefix", "Irgendwas", []string{"99084012001000"}, categoryBusiness},
		{"leika before name", "Reisepass", []string{"99115005000000"}, categoryHousing},
		{"first known leika key wins", "Irgendwas", []string{"99999999999999", "99085001000000"}, categoryDocuments},
		{"unknown leika falls back to name", "Wohnsitz anmelden", []string{"99999999999999"}, categoryHousing},
		{"name stem", "Kennzeichen reservieren", nil, categoryVehicles},
		{"name with umlaut", "Führerschein ersetzen", nil, categoryVehicles},
		{"name token", "eAT abholen", nil, categoryDocuments},
		{"token needs whole word", "Eaton Beratung", nil, "default"},
		{"lost property before vehicles", "Fundsache Fahrzeugschein", nil, categoryOrder},
		{"trade before vehicles", "Taxizulassung", nil, categoryBusiness},
		{"residence before family", "Nachzug von Kindern", nil, categoryDocuments},
		{"certification before documents", "Dokumente beglaubigen lassen", nil, categoryAdmin},
		{"registry office", "Trauung im Standesamt", nil, categoryRegistry},
		{"registry token", "Ehe schließen", nil, categoryRegistry},
		{"social", "Rentenantrag stellen", nil, categorySocial},
		{"building", "Bauantrag einreichen", nil, categoryBuilding},
		{"waste", "Sperrmüll anmelden", nil, categoryWaste},
		{"taxes", "Hundesteuer", nil, categoryTaxes},
		{"public order", "Waffenbesitzkarte verlängern", nil, categoryOrder},
		{"family", "Beratung für Eltern", nil, categoryFamily},
		{"default", "Allgemeine Sprechstunde", nil, "default"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := categorize(tc.service, tc.keys, "default"); got != tc.want {
				t.Errorf("categorize(%q, %q) = %q, want %q", tc.service, tc.keys, got, tc.want)
			}
		})
	}
}

func TestLeikaPrefixesValid(t *testing.T) {
	for prefix, category := range leikaPrefixes {
		if len(prefix) < len("99000") || len(prefix) > 14 || !isDigits(prefix) || prefix[:2] != "99" {
			t.Errorf("LeiKa prefix %q: want 5 to 14 digits starting with 99", prefix)
		}
		if !categoryID.MatchString(category) {
			t.Errorf("LeiKa prefix %q: invalid category %q", prefix, category)
		}
	}
}
