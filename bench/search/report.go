package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/verbund/verbund/search/searchtest"
)

// row is one concurrency level: the endpoint over HTTP and bare bleve.
type row struct {
	clients        int
	endpoint, bare searchtest.LoadResult
}

// turns is the number of turns the endpoint and bleve take in each
// measurement.
const turns = 5

// report measures both targets at each concurrency of opts, sends the
// hostile input, and writes everything to w as Markdown. After writing
// the report, it returns an error when a search failed or hostile input
// got a response that judgeResponse rejects.
func (b *bench) report(ctx context.Context, w io.Writer, opts options, log *slog.Logger) error {
	if err := b.warmUp(ctx); err != nil {
		return err
	}
	b.writeHeader(w, opts)

	var rows []row
	for _, clients := range opts.clients {
		// The endpoint and bleve take turns, so that a slower spell of
		// the shared machine falls on both alike.
		log.Info("measuring endpoint and bleve", "clients", clients, "duration", opts.duration, "turns", turns)
		var endpointRuns, bareRuns []searchtest.LoadResult
		for range turns {
			res, err := measure(ctx, b.endpoint, b.requests, clients, opts.duration/turns)
			if err != nil {
				return err
			}
			endpointRuns = append(endpointRuns, res)
			if res, err = measure(ctx, b.bareSearcher(), b.requests, clients, opts.duration/turns); err != nil {
				return err
			}
			bareRuns = append(bareRuns, res)
		}
		rows = append(rows, row{clients: clients,
			endpoint: searchtest.MergeLoads(endpointRuns...), bare: searchtest.MergeLoads(bareRuns...)})
	}
	writeLoadTable(w, rows)
	fmt.Fprintf(w, "\nLoad average (1, 5, 15 min) after the measurements: %s\n", loadAverage())

	outcomes, err := sendHostile(ctx, b.endpoint, b.fed.Sites[0].ID, hostileInputs())
	if err != nil {
		return fmt.Errorf("sending hostile input: %w", err)
	}
	writeHostileTable(w, outcomes)
	return errors.Join(loadErrors(rows), hostileErrors(outcomes))
}

func (b *bench) writeHeader(w io.Writer, opts options) {
	fmt.Fprintf(w, "# Search endpoint against bleve\n\n")
	fmt.Fprintf(w, "- Date: %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "- Machine: %d CPUs (GOMAXPROCS %d), %s %s/%s; load average before: %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadAverage())
	docs := "unknown number of"
	if n, err := b.bare.bleve.DocCount(); err == nil {
		docs = fmt.Sprint(n)
	}
	fmt.Fprintf(w, "- Index: %s documents in %d partitions, %d portals, %d categories\n",
		docs, b.fed.Partitions, len(b.fed.Sites), len(b.fed.Categories))
	fmt.Fprintf(w, "- %d queries, each measurement %v in %d turns of endpoint and bleve; server and clients share this process\n",
		len(b.requests), opts.duration, turns)
	fmt.Fprintf(w, "- Endpoint: `GET /api/search` over HTTP with keep-alive, JSON decoded by the client after the latency is taken (time until the whole response arrived)\n")
	fmt.Fprintf(w, "- bleve: match query on %s and %s, facet on %s, %d hits, no stored fields\n\n",
		fieldTitle, fieldText, fieldSites, bareResultSize)

	fmt.Fprintf(w, "Queries:\n\n")
	for _, r := range b.requests {
		fmt.Fprintf(w, "- `%s` site=%s", r.Query, r.Site)
		if r.Category != "" {
			fmt.Fprintf(w, " category=%s", r.Category)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func writeLoadTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| clients | endpoint p50 | endpoint p99 | endpoint queries/s "+
		"| bleve p50 | bleve p99 | bleve queries/s | p99 endpoint / bleve |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		ratio := "n/a"
		if r.bare.P99 > 0 {
			ratio = fmt.Sprintf("%.1f", float64(r.endpoint.P99)/float64(r.bare.P99))
		}
		fmt.Fprintf(w, "| %d | %s | %s | %.0f | %s | %s | %.0f | %s |\n", r.clients,
			millis(r.endpoint.P50), millis(r.endpoint.P99), r.endpoint.QPS(),
			millis(r.bare.P50), millis(r.bare.P99), r.bare.QPS(), ratio)
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "- clients=%d: endpoint %d searches, %d failed; bleve %d searches, %d failed\n",
			r.clients, r.endpoint.Queries, r.endpoint.Errors, r.bare.Queries, r.bare.Errors)
	}
}

func writeHostileTable(w io.Writer, outcomes []hostileOutcome) {
	fmt.Fprintf(w, "\n## Hostile input, %d requests each\n\n", hostileRepeats)
	fmt.Fprintln(w, "| input | statuses | max latency | result |")
	fmt.Fprintln(w, "|---|---|--:|---|")
	for _, o := range outcomes {
		result := "ok"
		if len(o.notes) > 0 {
			result = "ok: " + strings.Join(o.notes, "; ")
		}
		if len(o.failures) > 0 {
			result = "FAILED: " + strings.Join(o.failures, "; ")
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", o.input.name, o.statusList(), millis(o.maxLatency), result)
	}
}

func loadErrors(rows []row) error {
	var errs []error
	for _, r := range rows {
		if r.endpoint.Errors > 0 {
			errs = append(errs, fmt.Errorf("%d of %d endpoint searches failed at %d clients",
				r.endpoint.Errors, r.endpoint.Queries, r.clients))
		}
		if r.bare.Errors > 0 {
			errs = append(errs, fmt.Errorf("%d of %d bleve searches failed at %d clients",
				r.bare.Errors, r.bare.Queries, r.clients))
		}
	}
	return errors.Join(errs...)
}

func hostileErrors(outcomes []hostileOutcome) error {
	var errs []error
	for _, o := range outcomes {
		if len(o.failures) > 0 {
			errs = append(errs, fmt.Errorf("hostile input %s: %s", o.input.name, strings.Join(o.failures, "; ")))
		}
	}
	return errors.Join(errs...)
}

func millis(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// loadAverage returns the first three fields of /proc/loadavg, or
// "unavailable" where there is none.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unavailable"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unavailable"
	}
	return strings.Join(fields[:3], " ")
}
