package relevance

import (
	"context"
	"testing"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// compareWithStock logs success@1 and success@3 of ours and of the stock
// analyzer on the same corpus and queries, and fails if ours is worse.
func compareWithStock(t *testing.T, ours searchtest.Report, c *search.Corpus, file string, match searchtest.MatchFunc) {
	t.Helper()
	cases, err := searchtest.LoadCases(file)
	if err != nil {
		t.Fatal(err)
	}
	stockIndex, err := searchtest.NewStockIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	defer stockIndex.Close()
	stock, err := searchtest.Evaluate(context.Background(), stockIndex, cases, match)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: success@1 verbund %.2f, stock de %.2f; success@3 verbund %.2f, stock de %.2f",
		file, ours.SuccessAt(1), stock.SuccessAt(1), ours.SuccessAt(3), stock.SuccessAt(3))
	if ours.SuccessAt(3) < stock.SuccessAt(3) {
		t.Errorf("success@3 %.2f is below the stock analyzer's %.2f", ours.SuccessAt(3), stock.SuccessAt(3))
	}
}
