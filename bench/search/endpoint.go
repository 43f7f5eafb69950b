package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/verbund/verbund/search"
)

// maxBodyBytes bounds the response bodies the client reads. A page of
// ten results is a few kilobytes.
const maxBodyBytes = 1 << 20

// newHTTPClient returns a client that keeps a connection alive for each
// of up to clients concurrent requests.
func newHTTPClient(clients int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			IdleConnTimeout:     time.Minute,
		},
		Timeout: 30 * time.Second,
	}
}

// endpointClient sends searches to GET /api/search of a server at base
// ("http://127.0.0.1:port"). It implements searchtest.Searcher.
type endpointClient struct {
	client *http.Client
	base   string
}

// Search sends r and decodes the result. Any status but 200 is an error.
func (c endpointClient) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	_, res, err := c.searchOK(ctx, r)
	return res, err
}

// SearchTimed sends r and returns the time until the whole response
// arrived, which is the endpoint's latency. Decoding the JSON comes after
// and is not counted, because that is work of the client, as rendering a
// page of results would be. The result is still decoded and checked.
func (c endpointClient) SearchTimed(ctx context.Context, r search.Request) (time.Duration, error) {
	latency, _, err := c.searchOK(ctx, r)
	return latency, err
}

// searchOK is search with any status but 200 as an error.
func (c endpointClient) searchOK(ctx context.Context, r search.Request) (time.Duration, *search.Result, error) {
	latency, status, res, err := c.search(ctx, r)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET /api/search: status %d", status)
	}
	return latency, res, err
}

// search sends r and returns the time until the whole response arrived,
// the status and, for 200, the decoded result.
func (c endpointClient) search(ctx context.Context, r search.Request) (time.Duration, int, *search.Result, error) {
	start := time.Now()
	status, body, err := c.get(ctx, r)
	latency := time.Since(start)
	if err != nil || status != http.StatusOK {
		return latency, status, nil, err
	}
	var res search.Result
	if err := json.Unmarshal(body, &res); err != nil {
		return latency, status, nil, fmt.Errorf("GET /api/search: decoding result: %w", err)
	}
	return latency, status, &res, nil
}

// get sends r and returns the status and the body. It reads each body to
// the end, so the connection is reused.
func (c endpointClient) get(ctx context.Context, r search.Request) (int, []byte, error) {
	params := url.Values{"q": {r.Query}}
	if r.Site != "" {
		params.Set("site", r.Site)
	}
	if r.Category != "" {
		params.Set("category", r.Category)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/search?"+params.Encode(), nil)
	if err != nil {
		return 0, nil, fmt.Errorf("GET /api/search: %w", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("GET /api/search: %w", err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return 0, nil, fmt.Errorf("GET /api/search: reading body: %w", err)
	}
	return resp.StatusCode, body, nil
}
