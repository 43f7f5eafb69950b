package searchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/verbund/verbund/search"
)

// LoadResult is the outcome of RunLoad.
type LoadResult struct {
	// Queries is the number of searches run, Errors the number that
	// failed.
	Queries int
	Errors  int
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// P50, P95, P99 and Max are latency percentiles of the searches.
	P50, P95, P99, Max time.Duration
}

// QPS returns the searches per second of the run.
func (r LoadResult) QPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Queries) / r.Elapsed.Seconds()
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d queries (%d failed) in %v: %.0f/s, p50 %v, p95 %v, p99 %v, max %v",
		r.Queries, r.Errors, r.Elapsed.Round(time.Millisecond), r.QPS(), r.P50, r.P95, r.P99, r.Max)
}

// RunLoad runs n searches against s, taking the requests in turn, from
// workers goroutines, and measures their latency. It stops early when
// ctx ends. Failed searches are counted, not returned; RunLoad returns an
// error only for invalid arguments.
func RunLoad(ctx context.Context, s Searcher, requests []search.Request, workers, n int) (LoadResult, error) {
	if len(requests) == 0 || workers < 1 || n < 1 {
		return LoadResult{}, errors.New("running load: want requests, workers >= 1 and n >= 1")
	}
	latencies := make([]time.Duration, n)
	failed := make([]bool, n)
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				_, err := s.Search(ctx, requests[i%len(requests)])
				latencies[i] = time.Since(t)
				failed[i] = err != nil
			}
		}()
	}
	done := 0
	for ; done < n && ctx.Err() == nil; done++ {
		next <- done
	}
	close(next)
	wg.Wait()

	r := LoadResult{Queries: done, Elapsed: time.Since(start)}
	for _, f := range failed[:done] {
		if f {
			r.Errors++
		}
	}
	sorted := slices.Clone(latencies[:done])
	slices.Sort(sorted)
	if done > 0 {
		r.P50 = sorted[done*50/100]
		r.P95 = sorted[done*95/100]
		r.P99 = sorted[done*99/100]
		r.Max = sorted[done-1]
	}
	return r, nil
}

// SyntheticQueries returns citizen-like searches over the vocabulary of
// Synthetic: single words, word pairs, compounds, umlaut spellings,
// typos, and every third with a citizen's portal, one of c's sites.
func SyntheticQueries(c *search.Corpus) []search.Request {
	texts := []string{
		"hund", "hundesteuer", "reise pass", "kinderausweis", "führerschein",
		"fuehrerschein", "wohnsitz anmelden", "gewerbe abmelden", "genehmigunk",
		"bescheinigung", "geburtsurkunde", "müll abholen", "muell tonne",
		"antrag verlängern", "perso", "kita", "umzug", "auto anmelden",
		"baum fällen", "parkplatz", "fundsache verlust", "zeugnis führung",
	}
	var requests []search.Request
	for i, q := range texts {
		r := search.Request{Query: q}
		if i%3 == 0 && len(c.Sites) > 0 {
			r.Site = c.Sites[i%len(c.Sites)].ID
		}
		requests = append(requests, r)
	}
	return requests
}
