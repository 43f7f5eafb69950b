package searchtest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/german"
)

// Case is one query of a relevance file:
//
//	[[query]]
//	q = "perso verloren"
//	site = "lingen"                  # optional: the citizen's portal
//	expect = { title = "Verlust …" } # what one of the top results must be
type Case struct {
	Q      string            `toml:"q"`
	Site   string            `toml:"site"`
	Expect map[string]string `toml:"expect"`
	// Note describes what the case checks. RunRelevance shows it when the
	// case fails.
	Note string `toml:"note"`
}

// relevanceFile is the TOML shape of a relevance file.
type relevanceFile struct {
	Query []Case `toml:"query"`
}

// LoadCases reads a relevance file.
func LoadCases(file string) ([]Case, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading relevance cases: %w", err)
	}
	var f relevanceFile
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return nil, fmt.Errorf("%s: unknown key %s", file, undecoded[0])
	}
	for i, c := range f.Query {
		if c.Q == "" || len(c.Expect) == 0 {
			return nil, fmt.Errorf("%s: query %d: want q and expect", file, i+1)
		}
	}
	return f.Query, nil
}

// Searcher runs searches; *search.Index is one.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
}

// MatchFunc reports whether hit is what expect describes. It returns an
// error for an expect key it cannot check.
type MatchFunc func(expect map[string]string, hit search.Hit) (bool, error)

// MatchHit is the default MatchFunc. It checks these keys, all of which
// must hold:
//
//   - title or name: the hit's title, compared folded (case, umlauts);
//   - url: the hit's URL or the URL of a portal that offers it;
//   - site: the ID of the hit's portal;
//   - category: the hit's category ID.
//
// Other keys, such as the ID of an imported record, need a MatchFunc of
// the caller's.
func MatchHit(expect map[string]string, hit search.Hit) (bool, error) {
	for key, want := range expect {
		var ok bool
		switch key {
		case "title", "name":
			ok = german.Fold(hit.Title) == german.Fold(want)
		case "url":
			ok = hit.URL == want || slices.ContainsFunc(hit.OfferedBy, func(o search.Offer) bool {
				return o.URL == want
			})
		case "site":
			ok = hit.Site == want
		case "category":
			ok = hit.Category == want
		default:
			return false, fmt.Errorf("unknown expect key %q", key)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// Outcome is the result of one case: the 1-based rank of the first hit
// that matched, 0 if none of the top TopK did.
type Outcome struct {
	Case Case
	Rank int
	// Top are the titles of the top TopK hits.
	Top []string
}

// TopK is the number of hits an Outcome looks at.
const TopK = 3

// Report is the outcome of every case of a relevance run.
type Report struct {
	Outcomes []Outcome
}

// SuccessAt returns the share of cases whose expected hit ranked k or
// better.
func (r Report) SuccessAt(k int) float64 {
	if len(r.Outcomes) == 0 {
		return 0
	}
	n := 0
	for _, o := range r.Outcomes {
		if o.Rank > 0 && o.Rank <= k {
			n++
		}
	}
	return float64(n) / float64(len(r.Outcomes))
}

// Evaluate runs every case against s and matches the top TopK hits with
// match, or MatchHit when match is nil.
func Evaluate(ctx context.Context, s Searcher, cases []Case, match MatchFunc) (Report, error) {
	if match == nil {
		match = MatchHit
	}
	var report Report
	for _, c := range cases {
		res, err := s.Search(ctx, search.Request{Query: c.Q, Site: c.Site})
		if err != nil {
			return report, fmt.Errorf("query %q: %w", c.Q, err)
		}
		o := Outcome{Case: c}
		for i, h := range res.Hits[:min(TopK, len(res.Hits))] {
			o.Top = append(o.Top, h.Title)
			ok, err := match(c.Expect, h)
			if err != nil {
				return report, fmt.Errorf("query %q: %w", c.Q, err)
			}
			if ok && o.Rank == 0 {
				o.Rank = i + 1
			}
		}
		report.Outcomes = append(report.Outcomes, o)
	}
	return report, nil
}

// RunRelevance evaluates the relevance file against s as subtests, one
// per case, each failing when its expected hit is not among the top
// TopK, and logs success@1 and success@3. match may be nil (MatchHit).
func RunRelevance(t *testing.T, s Searcher, file string, match MatchFunc) Report {
	t.Helper()
	cases, err := LoadCases(file)
	if err != nil {
		t.Fatal(err)
	}
	report, err := Evaluate(context.Background(), s, cases, match)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range report.Outcomes {
		t.Run(o.Case.Q, func(t *testing.T) {
			if o.Rank == 0 {
				t.Errorf("expected %v among the top %d, got %s (%s)",
					o.Case.Expect, TopK, strings.Join(o.Top, " | "), o.Case.Note)
			}
		})
	}
	t.Logf("%s: success@1 %.2f, success@3 %.2f over %d queries",
		file, report.SuccessAt(1), report.SuccessAt(3), len(report.Outcomes))
	return report
}
