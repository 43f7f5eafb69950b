package search_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/verbund/verbund/search"
)

func ExampleIndex_Search() {
	corpus := &search.Corpus{
		Sites: []search.Site{
			{ID: "kreis", Name: "Landkreis", URL: "https://kreis.example"},
			{ID: "dorf", Name: "Dorf", URL: "https://dorf.example", Parent: "kreis"},
		},
		Bases: []search.Base{{
			ID: "hundesteuer", Title: "Hundesteuer", Summary: "Hunde melden Sie bei der Gemeinde an.",
			Keywords: []string{"Hundemarke"}, Tier: "gemeinde", LeiKa: []string{"99037001001000"},
		}},
		Pages: []search.Page{{
			Site: "dorf", URL: "https://dorf.example/leistungen/hundesteuer/", Kind: "service",
			Title: "Hundesteuer", Summary: "Hunde melden Sie bei der Gemeinde an.",
			Text: "Die Steuer beträgt 60 Euro im Jahr.", Base: "hundesteuer",
			LeiKa: []string{"99037001001000"},
		}},
	}
	dir, err := os.MkdirTemp("", "index")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := search.Build(context.Background(), dir, corpus); err != nil {
		log.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	res, err := ix.Search(context.Background(), search.Request{Query: "hund", Site: "dorf"})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.Title, h.URL)
		fmt.Println(h.Snippet)
	}
	// Output:
	// Hundesteuer https://dorf.example/leistungen/hundesteuer/
	// <mark>Hunde</mark> melden Sie bei der Gemeinde an.
}
