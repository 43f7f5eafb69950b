package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// bench is the endpoint serving an index on 127.0.0.1, the same index
// opened with bleve alone, and the citizen queries for both.
type bench struct {
	index    *search.Index
	server   *http.Server
	served   chan error
	endpoint endpointClient
	bare     *bareIndex
	fed      federation
	requests []search.Request
}

// startBench opens indexDir twice, with the search package and with
// bleve alone, and starts the endpoint on a free port of 127.0.0.1. The
// endpoint logs only warnings and errors, to log.
func startBench(indexDir string, seed uint64, log *slog.Logger) (*bench, error) {
	b := &bench{served: make(chan error, 1)}
	if err := b.start(indexDir, seed, log); err != nil {
		b.close(log)
		return nil, err
	}
	return b, nil
}

func (b *bench) start(indexDir string, seed uint64, log *slog.Logger) error {
	var err error
	if b.fed, err = readFederation(indexDir); err != nil {
		return err
	}
	if b.index, err = search.Open(indexDir); err != nil {
		return err
	}
	if b.bare, err = openBare(indexDir, b.fed.Partitions); err != nil {
		return err
	}
	labels, err := readLabels(context.Background(), b.bare)
	if err != nil {
		return err
	}
	b.requests = citizenRequests(citizenTexts(labels), b.fed, seed)

	quiet := slog.New(&levelHandler{Handler: log.Handler(), min: slog.LevelWarn})
	srv, err := search.NewServer(b.index, search.Config{Logger: quiet})
	if err != nil {
		return fmt.Errorf("creating search server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening on 127.0.0.1: %w", err)
	}
	b.server = srv.HTTPServer(ln.Addr().String())
	go func() { b.served <- b.server.Serve(ln) }()
	b.endpoint = endpointClient{client: newHTTPClient(maxClients), base: "http://" + ln.Addr().String()}
	log.Info("search endpoint started", "addr", ln.Addr().String(), "queries", len(b.requests))
	return nil
}

// close stops the endpoint and closes both views of the index, logging
// what fails.
func (b *bench) close(log *slog.Logger) {
	if b.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.server.Shutdown(ctx); err != nil {
			log.Error("stopping search endpoint", "error", err)
		}
		if err := <-b.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("search endpoint stopped", "error", err)
		}
		b.endpoint.client.CloseIdleConnections()
	}
	if b.bare != nil {
		if err := b.bare.Close(); err != nil {
			log.Error("closing bleve index", "error", err)
		}
	}
	if b.index != nil {
		if err := b.index.Close(); err != nil {
			log.Error("closing search index", "error", err)
		}
	}
}

// bareSearcher returns the searcher of the bare bleve queries.
func (b *bench) bareSearcher() bareSearcher {
	return bareSearcher{index: b.bare, sites: len(b.fed.Sites)}
}

// warmUp runs every query once against both, so the measurements start
// with open connections and a read index. It returns an error unless the
// endpoint returns 200 for each query.
func (b *bench) warmUp(ctx context.Context) error {
	for _, r := range b.requests {
		if _, err := b.endpoint.Search(ctx, r); err != nil {
			return fmt.Errorf("warming up with q=%q site=%s category=%s: %w", r.Query, r.Site, r.Category, err)
		}
		if _, err := b.bareSearcher().Search(ctx, r); err != nil {
			return fmt.Errorf("warming up with q=%q: %w", r.Query, err)
		}
	}
	return nil
}

// maxSearchesPerRun bounds the searches of one measurement, because
// RunLoad records a latency for each in advance (9 MiB at this bound).
// A target faster than about 100,000 searches per second ends a 10 s
// measurement early, and its rate is still right.
const maxSearchesPerRun = 1 << 20

// measure runs the requests against s from clients goroutines for d.
func measure(ctx context.Context, s searchtest.Searcher, requests []search.Request, clients int, d time.Duration) (searchtest.LoadResult, error) {
	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	res, err := searchtest.RunLoad(runCtx, finishing{s}, requests, clients, maxSearchesPerRun)
	if err == nil {
		// The measurement was cut short when ctx itself ended.
		err = ctx.Err()
	}
	if err != nil {
		return res, fmt.Errorf("measuring %d clients: %w", clients, err)
	}
	return res, nil
}

// finishing lets the searches under way finish when a measurement ends.
// RunLoad stops handing out searches when its context ends, and searches
// that shared that context would fail with it and count as errors.
type finishing struct {
	searchtest.Searcher
}

func (f finishing) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	return f.Searcher.Search(context.WithoutCancel(ctx), r)
}

// SearchTimed returns the latency that the searcher measures when it is
// a searchtest.TimedSearcher, and that of Search otherwise.
func (f finishing) SearchTimed(ctx context.Context, r search.Request) (time.Duration, error) {
	ctx = context.WithoutCancel(ctx)
	if ts, ok := f.Searcher.(searchtest.TimedSearcher); ok {
		return ts.SearchTimed(ctx, r)
	}
	start := time.Now()
	_, err := f.Searcher.Search(ctx, r)
	return time.Since(start), err
}

// levelHandler drops records below min.
type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h *levelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.Handler.Enabled(ctx, level)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}
