package search

import (
	"context"
	"reflect"
	"testing"
)

// applyChanges returns the documents of old changed as Update changes
// the index.
func applyChanges(old, c *Corpus) map[string]map[string]any {
	docs := map[string]map[string]any{}
	for _, d := range documents(old) {
		docs[d.id] = d.fields
	}
	upsert, remove := changes(old, c, suggestions(old), suggestions(c))
	for _, id := range remove {
		delete(docs, id)
	}
	for _, d := range upsert {
		docs[d.id] = d.fields
	}
	return docs
}

func TestChangesGiveTheNewDocuments(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Corpus)
	}{
		{"nothing", func(c *Corpus) {}},
		{"page text", func(c *Corpus) { c.Pages[0].Text = "Neuer Text in A." }},
		{"page title", func(c *Corpus) { c.Pages[1].Title = "Hundesteuer der Gemeinde B" }},
		{"base text", func(c *Corpus) { c.Bases[0].Keywords = []string{"Steuermarke"} }},
		{"new page of a base text", func(c *Corpus) {
			c.Pages = append(c.Pages, Page{Site: "kreis", URL: "https://kreis.example/hundesteuer/",
				Title: "Hundesteuer", Base: "hundesteuer"})
		}},
		{"page gone", func(c *Corpus) { c.Pages = c.Pages[1:] }},
		{"last page of a base text gone", func(c *Corpus) { c.Pages = c.Pages[2:] }},
		{"unused base offered", func(c *Corpus) {
			c.Pages = append(c.Pages, Page{Site: "a", URL: "https://a.example/x/", Title: "X", Base: "unused"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, c := testCorpus(), testCorpus()
			tt.change(c)
			want := map[string]map[string]any{}
			for _, d := range documents(c) {
				want[d.id] = d.fields
			}
			if got := applyChanges(old, c); !reflect.DeepEqual(got, want) {
				t.Errorf("documents after the changes differ:\n got %v\nwant %v", got, want)
			}
			upsert, remove := changes(old, testCorpus(), suggestions(old), suggestions(testCorpus()))
			if len(upsert)+len(remove) != 0 {
				t.Errorf("no change gave %d documents to index and %d to remove", len(upsert), len(remove))
			}
		})
	}
}

func TestUpdateDir(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if err := build(ctx, dir, testCorpus(), 2); err != nil {
		t.Fatal(err)
	}
	c := testCorpus()
	c.Pages[2].Title = "Fundsachen"
	c.Pages = append(c.Pages, Page{Site: "a", URL: "https://a.example/wochenmarkt/", Title: "Wochenmarkt", Kind: "page"})
	if err := UpdateDir(ctx, dir, testCorpus(), c); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for query, want := range map[string]int{"wochenmarkt": 1, "fundsachen": 1, "fundbüro": 0} {
		res, err := ix.Search(ctx, Request{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != want {
			t.Errorf("search %q after the update: %d hits, want %d", query, len(res.Hits), want)
		}
	}
}
