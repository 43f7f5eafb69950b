package search_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verbund/verbund/search"
)

// buildPart builds the pages of the portals sites of the test corpus
// into the part dir/parts/name, whose federation.json lists the portals
// only.
func buildPart(t *testing.T, dir, name string, sites, only []string) {
	t.Helper()
	c := readTestCorpus(t)
	c.Pages = slices.DeleteFunc(c.Pages, func(p search.Page) bool { return !slices.Contains(sites, p.Site) })
	c.Only = only
	if err := search.Build(context.Background(), filepath.Join(dir, search.PartsDirName, name), c); err != nil {
		t.Fatal(err)
	}
}

func TestListFolders(t *testing.T) {
	dir := buildTestIndex(t)
	buildPart(t, dir, "lingen+meppen", []string{"lingen", "meppen"}, []string{"lingen", "meppen"})
	folders, err := search.ListFolders(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) != 2 {
		t.Fatalf("ListFolders returned %d folders, want the index and one part: %+v", len(folders), folders)
	}
	full, part := folders[0], folders[1]
	if want := filepath.Join(dir, "index"); full.Path != want {
		t.Errorf("path of the index = %s, want %s", full.Path, want)
	}
	if want := []string{"emsland", "lingen", "meppen", "soegel"}; !slices.Equal(full.Sites, want) {
		t.Errorf("portals of the index = %v, want %v", full.Sites, want)
	}
	if want := filepath.Join(dir, search.PartsDirName, "lingen+meppen"); part.Path != want {
		t.Errorf("path of the part = %s, want %s", part.Path, want)
	}
	if want := []string{"lingen", "meppen"}; !slices.Equal(part.Sites, want) {
		t.Errorf("portals of the part = %v, want %v", part.Sites, want)
	}
	if !slices.Equal(part.FederationSites(), full.Sites) {
		t.Errorf("federation of the part = %v, want %v", part.FederationSites(), full.Sites)
	}

	_, err = search.Open(dir)
	if err == nil {
		t.Fatal("Open accepted lingen in the index and in a part")
	}
	for _, want := range []string{full.Path + " and in " + part.Path, "keep one of them"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestOpenPartNamingSiteTwice opens a part whose federation.json names
// a portal twice, which earlier builds wrote for a portal given twice.
func TestOpenPartNamingSiteTwice(t *testing.T) {
	dir := t.TempDir()
	buildPart(t, dir, "lingen", []string{"lingen"}, []string{"lingen", "lingen"})
	buildPart(t, dir, "meppen", []string{"meppen"}, []string{"meppen"})
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
}
