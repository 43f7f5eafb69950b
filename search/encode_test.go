package search

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestAppendJSONString(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and backslash \`, "<mark>a & b</mark>",
		"tab\tnewline\nreturn\rback\bfeed\f", "nul \x00 and \x1f and \x7f",
		"umlaut äöüß", "separators \u2028 \u2029", "invalid \xff\xfe utf-8",
		"cut rune \xe2\x82", "emoji 🙂", "\u00a0\u200b",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aä<>&\"\\\n\x01\x7f\xe2\x80\xa8\xff ")
	for range 2000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestResultAppendJSON(t *testing.T) {
	ix := openInternalTestIndex(t)
	results := []*Result{
		{},
		{Query: "<x>", Hits: []Hit{{Title: "T", OfferedBy: []Offer{}}, {Category: "c"}, {CategoryTitle: "t"}},
			Facets: Facets{Commune: []FacetValue{{ID: "a", Title: "A & B", Count: 3}}}},
	}
	for _, q := range []string{"hund", "hundesteuer", "fundbüro", "gemeinsamer text", "hundsteuer"} {
		res, err := ix.Search(context.Background(), Request{Query: q, Site: "a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits; the test needs results", q)
		}
		results = append(results, res)
	}
	for _, r := range results {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("query %q:\n got %s\nwant %s", r.Query, got, want)
		}
	}
}
