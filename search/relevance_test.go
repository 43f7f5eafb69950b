package search_test

import (
	"context"
	"testing"

	"github.com/verbund/verbund/search/searchtest"
)

const relevanceFile = "testdata/relevance.toml"

// TestRelevance requires every query of the relevance file to find its
// service among the top 3, and logs how bleve's stock German analyzer
// does on the same corpus and queries (run with -v to see it).
func TestRelevance(t *testing.T) {
	ix := openTestIndex(t)
	ours := searchtest.RunRelevance(t, ix, relevanceFile, nil)

	cases, err := searchtest.LoadCases(relevanceFile)
	if err != nil {
		t.Fatal(err)
	}
	stock, err := searchtest.NewStockIndex(readTestCorpus(t))
	if err != nil {
		t.Fatal(err)
	}
	defer stock.Close()
	baseline, err := searchtest.Evaluate(context.Background(), stock, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("success@1: verbund %.2f, stock de %.2f", ours.SuccessAt(1), baseline.SuccessAt(1))
	t.Logf("success@3: verbund %.2f, stock de %.2f", ours.SuccessAt(3), baseline.SuccessAt(3))
	if ours.SuccessAt(3) < baseline.SuccessAt(3) {
		t.Errorf("success@3 %.2f is below the stock analyzer's %.2f", ours.SuccessAt(3), baseline.SuccessAt(3))
	}
}
