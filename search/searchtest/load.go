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
	// latencies are the searches' latencies in ascending order.
	latencies []time.Duration
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

// TimedSearcher is a Searcher that measures the latency of its searches
// itself, because its Search does more than search. A client of the
// endpoint, for one, decodes each response after it has arrived.
type TimedSearcher interface {
	Searcher
	// SearchTimed runs the search r and returns its latency.
	SearchTimed(ctx context.Context, r search.Request) (time.Duration, error)
}

// RunLoad runs n searches against s, taking the requests in turn, from
// workers goroutines, and measures their latency. It stops early when
// ctx ends. Failed searches are counted, not returned; RunLoad returns an
// error only for invalid arguments.
func RunLoad(ctx context.Context, s Searcher, requests []search.Request, workers, n int) (LoadResult, error) {
	if len(requests) == 0 || workers < 1 || n < 1 {
		return LoadResult{}, errors.New("running load: want requests, workers >= 1 and n >= 1")
	}
	run := func(r search.Request) (time.Duration, error) {
		start := time.Now()
		_, err := s.Search(ctx, r)
		return time.Since(start), err
	}
	if ts, ok := s.(TimedSearcher); ok {
		run = func(r search.Request) (time.Duration, error) { return ts.SearchTimed(ctx, r) }
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
				latency, err := run(requests[i%len(requests)])
				latencies[i] = latency
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
	r.latencies = slices.Clone(latencies[:done])
	r.setPercentiles()
	return r, nil
}

// setPercentiles sorts r's latencies and sets the percentiles from them.
func (r *LoadResult) setPercentiles() {
	slices.Sort(r.latencies)
	n := len(r.latencies)
	if n == 0 {
		return
	}
	r.P50 = r.latencies[n*50/100]
	r.P95 = r.latencies[n*95/100]
	r.P99 = r.latencies[n*99/100]
	r.Max = r.latencies[n-1]
}

// MergeLoads returns the results of several runs as one run: the
// searches, errors and elapsed time added up, and the percentiles of all
// their latencies together. Measuring two searchers in alternating short
// runs and merging each one's runs spreads a slow spell of a shared
// machine over both.
func MergeLoads(runs ...LoadResult) LoadResult {
	var m LoadResult
	for _, r := range runs {
		m.Queries += r.Queries
		m.Errors += r.Errors
		m.Elapsed += r.Elapsed
		m.latencies = append(m.latencies, r.latencies...)
	}
	m.setPercentiles()
	return m
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
