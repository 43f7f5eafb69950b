package search_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

const corpusFile = "testdata/federation.txtar"

func readTestCorpus(t testing.TB) *search.Corpus {
	t.Helper()
	c, err := searchtest.ReadCorpus(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// buildTestIndex builds the test federation into a temporary folder,
// with the test layouts, and returns the folder.
func buildTestIndex(t testing.TB) string {
	t.Helper()
	return buildIndexWithLayouts(t, readTestCorpus(t))
}

// buildIndexWithLayouts builds c into a temporary folder, with the test
// layouts, and returns the folder.
func buildIndexWithLayouts(t testing.TB, c *search.Corpus) string {
	t.Helper()
	dir := t.TempDir()
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	layouts, err := filepath.Glob("testdata/layouts/*.html")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, search.LayoutsDirName), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range layouts {
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, search.LayoutsDirName, filepath.Base(l)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// openTestIndex builds and opens the test federation's index.
func openTestIndex(t testing.TB) *search.Index {
	t.Helper()
	ix, err := search.Open(buildTestIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// openCorpusIndex builds c into a temporary folder and opens the index.
func openCorpusIndex(t testing.TB, c *search.Corpus) *search.Index {
	t.Helper()
	dir := t.TempDir()
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
