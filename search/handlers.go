package search

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/verbund/verbund/federation"
)

// setCORS allows the request's origin to read the response if it is an
// origin of the federation. Responses vary by origin either way, so
// caches keep them apart.
func (s *Server) setCORS(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	if origin, ok := s.allowedOrigin(r.Header.Get("Origin")); ok {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
}

// servePreflight handles CORS preflight requests for the API. It allows
// only GET, and only from the federation's origins.
func (s *Server) servePreflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	w.Header().Add("Vary", "Access-Control-Request-Method")
	origin, ok := s.allowedOrigin(r.Header.Get("Origin"))
	if !ok || r.Header.Get("Access-Control-Request-Method") != http.MethodGet {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Methods", "GET")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// iconSite returns the portal whose icon the endpoint shows as its own:
// the county's, or the first portal with an origin when no county has
// one. It returns nil when no portal has an origin.
func iconSite(sites []Site, origins map[string]string) *Site {
	var first *Site
	for i := range sites {
		if origins[sites[i].ID] == "" {
			continue
		}
		if sites[i].Kind == federation.KindCounty {
			return &sites[i]
		}
		if first == nil {
			first = &sites[i]
		}
	}
	return first
}

// serveFavicon redirects to the /favicon.ico of the county's portal,
// which browsers request for a page that links no icon, such as the
// results page without a layout. The endpoint so shows the federation's
// icon, whichever theme and icon the build gave the county.
func (s *Server) serveFavicon(w http.ResponseWriter, r *http.Request) {
	if s.iconURL == "" {
		http.NotFound(w, r)
		return
	}
	// A day in caches, but no permanent redirect, so that a new county
	// URL reaches browsers.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, s.iconURL, http.StatusFound)
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request) error {
	req, err := parseRequest(r)
	if err != nil {
		return err
	}
	res, err := s.index.Search(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// suggestResponse is the body of /api/suggest.
type suggestResponse struct {
	Query       string   `json:"query"`
	Suggestions []string `json:"suggestions"`
}

func (s *Server) serveSuggest(w http.ResponseWriter, r *http.Request) error {
	params, err := parseParams(r)
	if err != nil {
		return err
	}
	limit := MaxSuggestions
	if raw := params.Get("limit"); raw != "" {
		var ok bool
		if limit, ok = parsePositive(raw); !ok {
			return &QueryError{Reason: "limit must be a positive number", Param: "limit"}
		}
	}
	q := params.Get("q")
	suggestions, err := s.index.Suggest(r.Context(), q, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, suggestResponse{Query: q, Suggestions: suggestions})
	return nil
}

// parseParams parses the query string strictly: a malformed one is a
// QueryError, where url.Values would drop the bad pairs silently.
func parseParams(r *http.Request) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &QueryError{Reason: "malformed query string"}
	}
	return params, nil
}

// parseRequest reads a search Request from the parameters q, site,
// commune, category and page.
func parseRequest(r *http.Request) (Request, error) {
	params, err := parseParams(r)
	if err != nil {
		return Request{}, err
	}
	req := Request{
		Query:    strings.TrimSpace(params.Get("q")),
		Site:     params.Get("site"),
		Commune:  params.Get("commune"),
		Category: params.Get("category"),
	}
	if raw := params.Get("page"); raw != "" {
		page, ok := parsePositive(raw)
		if !ok {
			return Request{}, &QueryError{Reason: "page must be a number from 1", Param: "page"}
		}
		req.Page = page
	}
	return req, nil
}

// parsePositive parses a number of at most 9 decimal digits, without
// sign or spaces, that is at least 1. strconv.Atoi alone would also take
// "+1".
func parsePositive(raw string) (int, bool) {
	if raw == "" || len(raw) > 9 {
		return 0, false
	}
	for _, c := range []byte(raw) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(raw)
	return n, err == nil && n >= 1
}
