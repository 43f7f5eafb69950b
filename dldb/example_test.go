package dldb_test

import (
	"fmt"
	"strings"

	"github.com/verbund/verbund/dldb"
)

func ExampleConvert() {
	services := `{"data": [{"id": "1", "name": "Wohnsitz anmelden",
		"description": "<p>Melden Sie Ihren Wohnsitz <b>innerhalb von zwei Wochen</b> an.</p>",
		"leika": "99115005000000",
		"meta": {"lastupdate": "2026-06-08T07:41:01", "keywords": "Anmeldung, Umzug"},
		"locations": [{"location": "7"}]}]}`
	locations := `{"data": [{"id": "7", "name": "Bürgerbüro",
		"address": {"street": "Marktplatz", "house_number": "1", "postal_code": "12345", "city": "Musterstadt"}}]}`

	files, warnings, err := dldb.Convert(dldb.Options{
		Services:  strings.NewReader(services),
		Locations: strings.NewReader(locations),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(warnings), "warnings")
	for _, f := range files {
		fmt.Printf("== %s\n%s", f.Path, f.Data)
	}
	// Output:
	// 0 warnings
	// == offices/buergerbuero.md
	// +++
	// name = "Bürgerbüro"
	// street = "Marktplatz 1"
	// postal_code = "12345"
	// city = "Musterstadt"
	// source = "dldb:7"
	// +++
	// == services/wohnsitz-anmelden.md
	// +++
	// title = "Wohnsitz anmelden"
	// summary = "Melden Sie Ihren Wohnsitz innerhalb von zwei Wochen an."
	// leika = "99115005000000"
	// category = "umzug-wohnen"
	// tier = "gemeinde"
	// keywords = ["Anmeldung", "Umzug"]
	// reviewed = 2026-06-08
	// office = "buergerbuero"
	// source = "dldb:1"
	// +++
	//
	// Melden Sie Ihren Wohnsitz **innerhalb von zwei Wochen** an.
}
