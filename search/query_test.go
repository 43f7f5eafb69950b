package search

import (
	"errors"
	"strings"
	"testing"

	"github.com/verbund/verbund/search/german"
)

func TestPlanQuery(t *testing.T) {
	a, syn := german.IndexAnalyzer(), german.DefaultSynonyms()
	tests := []struct {
		text  string
		units []string
	}{
		{"Reisepass", []string{"reisepass"}},
		{"wo kann ich meinen perso verlängern", []string{"perso", "verlang"}},
		{"Auto anmelden", []string{"auto anmeld"}},
		{"kind reisepass", []string{"kind", "reisepass"}},
		{strings.Repeat("hund ", 20), []string{"hund", "hund", "hund", "hund", "hund", "hund", "hund", "hund"}},
	}
	for _, tt := range tests {
		plan, err := planQuery(tt.text, a, syn)
		if err != nil {
			t.Fatalf("planQuery(%q): %v", tt.text, err)
		}
		var units []string
		for _, u := range plan.units {
			units = append(units, strings.Join(terms(u.words), " "))
		}
		if strings.Join(units, "|") != strings.Join(tt.units, "|") {
			t.Errorf("planQuery(%q) units = %q, want %q", tt.text, units, tt.units)
		}
	}
}

func TestPlanQueryRejects(t *testing.T) {
	a, syn := german.IndexAnalyzer(), german.DefaultSynonyms()
	tests := []struct {
		name, text string
		noWords    bool
	}{
		{"too long", strings.Repeat("a", MaxQueryBytes+1), false},
		{"invalid UTF-8", "hund\xff", false},
		{"only syntax", `* /.*/ ~ "" +- ()`, true},
		{"only stop words", "und oder die", true},
		{"empty", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planQuery(tt.text, a, syn)
			var qe *QueryError
			switch {
			case tt.noWords && !errors.Is(err, errNoWords):
				t.Errorf("error = %v, want errNoWords", err)
			case !tt.noWords && !errors.As(err, &qe):
				t.Errorf("error = %v, want a *QueryError", err)
			}
		})
	}
}
