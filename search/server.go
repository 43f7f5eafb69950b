package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/verbund/verbund/federation"
)

// Defaults of Config.
const (
	defaultTimeout = 2 * time.Second
	// maxRawQueryBytes bounds the query string of a request URL.
	maxRawQueryBytes = 2048
	// maxBodyBytes bounds request bodies; no endpoint reads one.
	maxBodyBytes = 1024
)

// Config configures the HTTP endpoint.
type Config struct {
	// Logger receives one record per request. Nil means slog.Default().
	Logger *slog.Logger
	// Origins are origins ("https://portal.example") that may call the
	// JSON API from a browser, besides the origins of the federation's
	// site URLs, which always may. They and the Origin header of a request
	// are compared as federation.ParseOrigin normalises them.
	Origins []string
	// MaxConcurrent is the number of searches that run at once; more
	// requests get 503 at once. Zero means four per CPU.
	MaxConcurrent int
	// Timeout is the time a search may take. Zero means two seconds.
	Timeout time.Duration
}

// Server serves an Index over HTTP. Create it with NewServer.
type Server struct {
	index   *Index
	log     *slog.Logger
	origins map[string]bool
	// siteOrigins are the origins of the portals by site ID, from which
	// a results page's layout loads its style sheet, script and icon.
	siteOrigins map[string]string
	slots       chan struct{}
	timeout     time.Duration
	mux         *http.ServeMux

	// iconURL is the /favicon.ico of the county's portal, to which the
	// endpoint redirects requests for its own /favicon.ico, and
	// iconOrigin that portal's origin. Both are empty when no portal has
	// a URL.
	iconURL, iconOrigin string
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a server for ix. It returns an error for an origin
// in cfg, or a site URL in ix, that federation.ParseOrigin rejects.
func NewServer(ix *Index, cfg Config) (*Server, error) {
	s := &Server{
		index:       ix,
		log:         cfg.Logger,
		origins:     map[string]bool{},
		siteOrigins: map[string]string{},
		timeout:     cfg.Timeout,
		mux:         http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.timeout <= 0 {
		s.timeout = defaultTimeout
	}
	slots := cfg.MaxConcurrent
	if slots <= 0 {
		slots = 4 * runtime.GOMAXPROCS(0)
	}
	s.slots = make(chan struct{}, slots)
	for _, site := range ix.sites {
		if site.URL == "" {
			continue
		}
		origin, err := federation.ParseOrigin(site.URL)
		if err != nil {
			return nil, fmt.Errorf("site %q of the search index: %w: correct its url in sites.toml and build again",
				site.ID, err)
		}
		s.origins[origin] = true
		s.siteOrigins[site.ID] = origin
	}
	if site := iconSite(ix.sites, s.siteOrigins); site != nil {
		s.iconOrigin = s.siteOrigins[site.ID]
		s.iconURL = s.iconOrigin + "/favicon.ico"
	}
	for _, o := range cfg.Origins {
		origin, err := federation.ParseOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("CORS origins: %w", err)
		}
		s.origins[origin] = true
	}
	s.routes()
	return s, nil
}

// allowedOrigin returns the origin of an Origin header value, in the form
// of the keys of s.origins, if the federation's pages may read the
// server's JSON responses from it.
func (s *Server) allowedOrigin(header string) (string, bool) {
	if header == "" {
		return "", false
	}
	origin, err := federation.ParseOrigin(header)
	if err != nil || !s.origins[origin] {
		return "", false
	}
	return origin, true
}

func (s *Server) routes() {
	s.mux.Handle("GET /api/search", s.api(s.serveSearch))
	s.mux.Handle("GET /api/suggest", s.api(s.serveSuggest))
	s.mux.HandleFunc("OPTIONS /api/", s.servePreflight)
	s.mux.HandleFunc("/api/", s.serveUnknownAPI)
	s.mux.Handle("GET /suche", s.page(s.serveResultsPage))
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	s.mux.HandleFunc("GET /favicon.ico", s.serveFavicon)
}

// serveUnknownAPI handles the requests under /api/ that no other route
// matches: 405 for an endpoint that exists, 404 for any other path.
// Without it, the preflight route would make the mux return 405 for
// every path under /api/.
func (s *Server) serveUnknownAPI(w http.ResponseWriter, r *http.Request) {
	s.setCORS(w, r)
	switch r.URL.Path {
	case "/api/search", "/api/suggest":
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	default:
		writeError(w, http.StatusNotFound, "not found")
	}
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s }

// HTTPServer returns an http.Server for addr with s as handler and
// timeouts and header limits suited to a public endpoint.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      s.timeout + 10*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// ServeHTTP logs each request with its method, path, status and latency,
// and bounds its body. It never logs the query string or the client's
// address.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	switch {
	case r.ContentLength > maxBodyBytes:
		writeError(rec, http.StatusRequestEntityTooLarge, "request body too large")
	case len(r.URL.RawQuery) > maxRawQueryBytes:
		writeError(rec, http.StatusRequestURITooLong, "query string too long")
	default:
		r.Body = http.MaxBytesReader(rec, r.Body, maxBodyBytes)
		rec.Header().Set("X-Content-Type-Options", "nosniff")
		s.mux.ServeHTTP(rec, r)
	}
	level := slog.LevelInfo
	if rec.status >= 500 {
		level = slog.LevelError
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", truncate(r.URL.Path, 100)),
		slog.Int("status", rec.status),
		slog.Duration("latency", time.Since(start)),
	}
	if rec.err != nil {
		attrs = append(attrs, slog.String("error", rec.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// statusRecorder remembers the status a handler wrote and the internal
// error it failed with.
type statusRecorder struct {
	http.ResponseWriter
	status int
	err    error
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// handlerFunc is a handler that returns its error; api and page write
// the response for it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

var (
	errOverloaded = errors.New("too many concurrent searches")
	errTimeout    = errors.New("search timed out")
)

// api adapts a JSON API handler: CORS headers, a concurrency slot, a
// deadline, and errors written as JSON.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setCORS(w, r)
		if err := s.limited(h)(w, r); err != nil {
			s.writeFailure(w, r, err, false)
		}
	})
}

// page adapts an HTML handler like api, without CORS.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.limited(h)(w, r); err != nil {
			s.writeFailure(w, r, err, true)
		}
	})
}

// limited runs h in a concurrency slot with a deadline.
func (s *Server) limited(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			return errOverloaded
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
		defer cancel()
		err := h(w, r.WithContext(ctx))
		if err != nil && (isDeadline(err) || ctx.Err() != nil) {
			return errTimeout
		}
		return err
	}
}

// writeFailure maps err to a status and writes it: 400 for a rejected
// query, 503 when overloaded or out of time, else 500.
func (s *Server) writeFailure(w http.ResponseWriter, r *http.Request, err error, html bool) {
	status, message := http.StatusInternalServerError, "internal error"
	var qe *QueryError
	switch {
	case errors.As(err, &qe):
		status, message = http.StatusBadRequest, qe.Error()
	case errors.Is(err, errOverloaded), errors.Is(err, errTimeout):
		status, message = http.StatusServiceUnavailable, err.Error()
		w.Header().Set("Retry-After", "1")
	default:
		if rec, ok := w.(*statusRecorder); ok {
			rec.err = err
		}
	}
	if html {
		s.writeErrorPage(w, r, status, err)
		return
	}
	writeError(w, status, message)
}

// writeError writes a JSON error body {"error": message}.
func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

// jsonAppender is a value that appends itself to a byte slice as JSON,
// as json.Marshal would encode it, without reflection.
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// writeJSON writes v as JSON with a final newline. The body is encoded
// into a pooled buffer first, so that it goes out with a Content-Length
// in one write, and a value that fails to encode becomes a 500. A
// jsonAppender encodes itself, any other value goes through
// encoding/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(buf)
	buf.Reset()
	if a, ok := v.(jsonAppender); ok {
		buf.Write(append(a.appendJSON(buf.AvailableBuffer()), '\n'))
	} else if err := json.NewEncoder(buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// jsonBuffers are the buffers of writeJSON. A page of results of the
// benchmark federation is 12 to 20 KB.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledJSONBuffer is the largest buffer that writeJSON returns to
// the pool, so that one large response does not stay in memory.
const maxPooledJSONBuffer = 256 << 10

func putJSONBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledJSONBuffer {
		jsonBuffers.Put(buf)
	}
}
