package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/verbund/verbund/generator"
)

// administration is a county or member administration that gets a
// portal.
type administration struct {
	Name       string // official name, such as "Lingen (Ems), Stadt"
	Kind       string // kreis, gemeinde or samtgemeinde
	Key        string // AGS of 5 or 8 digits, or the 9-digit Samtgemeinde key
	PostalCode string
}

// readCommunes reads a municipality register in CSV with the columns
// ebene, ags, ars, name, verband and plz. It returns the county first,
// then the municipalities that belong to no Samtgemeinde and the
// Samtgemeinden, in file order.
func readCommunes(path string) ([]administration, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading communes: %w", err)
	}
	defer f.Close()
	admins, err := parseCommunes(f)
	if err != nil {
		return nil, fmt.Errorf("reading communes from %s: %w", path, err)
	}
	return admins, nil
}

func parseCommunes(r io.Reader) ([]administration, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, errors.New("no rows after the header")
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimSpace(name)] = i
	}
	for _, name := range []string{"ebene", "ags", "ars", "name", "verband", "plz"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("missing column %q", name)
		}
	}

	var county []administration
	var members []administration
	// postal maps a Samtgemeinde to the postal code of its member
	// municipality of the same name, or of its first member.
	postal := map[string]string{}
	for _, row := range rows[1:] {
		get := func(name string) string { return strings.TrimSpace(row[col[name]]) }
		a := administration{Name: get("name"), Kind: get("ebene"), PostalCode: get("plz")}
		verband := get("verband")
		switch {
		case a.Kind == "kreis":
			a.Key = get("ags")
			county = append(county, a)
		case a.Kind == "samtgemeinde":
			a.Key = get("ars")
			members = append(members, a)
		case a.Kind == "gemeinde" && verband == "":
			a.Key = get("ags")
			members = append(members, a)
		case a.Kind == "gemeinde":
			if _, ok := postal[verband]; !ok || plainName(a.Name) == verband {
				postal[verband] = a.PostalCode
			}
		}
	}
	if len(county) != 1 {
		return nil, fmt.Errorf("found %d rows of ebene kreis, want 1", len(county))
	}
	if len(members) == 0 {
		return nil, errors.New("no member administrations")
	}
	for i, m := range members {
		if m.Kind == "samtgemeinde" && m.PostalCode == "" {
			members[i].PostalCode = postal[plainName(m.Name)]
		}
	}
	return append(county, members...), nil
}

// madeUpCommunes returns a fictional county with 10 municipalities and 9
// Samtgemeinden, for runs without a register file.
func madeUpCommunes() []administration {
	names := []string{
		"Nordmoor, Stadt", "Ahlenbrück", "Hasetal, Stadt", "Venneberg", "Ostfehn",
		"Brookhausen, Stadt", "Emsweide", "Lohkamp", "Sandhorst, Stadt", "Wiekdorf",
		"Samtgemeinde Heidmark", "Samtgemeinde Bargfeld", "Samtgemeinde Fennhusen",
		"Samtgemeinde Kluntrup", "Samtgemeinde Marschwede", "Samtgemeinde Osterholte",
		"Samtgemeinde Riepe", "Samtgemeinde Tannhorst", "Samtgemeinde Uhlenbrook",
	}
	admins := []administration{{Name: "Landkreis Beispiel", Kind: "kreis", Key: "03999", PostalCode: "49700"}}
	for i, name := range names {
		a := administration{Name: name, Kind: "gemeinde", PostalCode: fmt.Sprintf("49%03d", 710+10*i)}
		a.Key = fmt.Sprintf("03999%03d", 10+i)
		if strings.HasPrefix(name, "Samtgemeinde ") {
			a.Kind = "samtgemeinde"
			a.Key = fmt.Sprintf("039995%03d", 401+i)
		}
		admins = append(admins, a)
	}
	return admins
}

// plainName returns the name without the ", Stadt" suffix and the
// "Samtgemeinde " or "Landkreis " prefix: "Lingen (Ems)".
func plainName(name string) string {
	name = strings.TrimSuffix(name, ", Stadt")
	name = strings.TrimPrefix(name, "Samtgemeinde ")
	return strings.TrimPrefix(name, "Landkreis ")
}

// legalName returns the name of the body: "Stadt Lingen (Ems)",
// "Gemeinde Geeste", "Samtgemeinde Dörpen" or "Landkreis Emsland".
func legalName(a administration) string {
	switch {
	case a.Kind == "kreis" && !strings.HasPrefix(a.Name, "Landkreis "):
		return "Landkreis " + a.Name
	case a.Kind == "kreis", a.Kind == "samtgemeinde":
		return a.Name
	case strings.HasSuffix(a.Name, ", Stadt"):
		return "Stadt " + plainName(a.Name)
	}
	return "Gemeinde " + a.Name
}

// siteID returns the portal's id: the slug of the plain name.
func siteID(a administration) string {
	return generator.Slugify(plainName(a.Name))
}
