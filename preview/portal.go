package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/verbund/verbund/generator"
)

// Paths the preview server adds to every portal.
const (
	eventsPath = "/_verbund/events"
	scriptPath = "/_verbund/reload.js"
	statusPath = "/_verbund/status"
)

// reloadScript reloads the page when a build succeeds and shows the
// errors of a failed build on top of the page, which keeps showing the
// last good output.
const reloadScript = `(function () {
  "use strict";
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;" +
        "background:#fff;color:#1a1a1a;border-top:4px solid #b00020;padding:1rem;" +
        "font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    box.textContent = "Der letzte Build ist fehlgeschlagen. Angezeigt wird der letzte fehlerfreie Stand.\n\n" + text;
  }
  fetch("` + statusPath + `").then(function (r) { return r.json(); }).then(function (s) {
    if (s.error) { show(s.error); }
  }).catch(function () {});
  var events = new EventSource("` + eventsPath + `");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("error", function (e) { if (e.data) { show(e.data); } });
})();
`

// portalHandler serves the built folder of one portal, with the reload
// script added to every HTML page.
func (s *server) portalHandler(site string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+eventsPath, s.events.serve)
	mux.HandleFunc("GET "+scriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, reloadScript)
	})
	mux.HandleFunc("GET "+statusPath, func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		err := s.lastErr
		s.mu.RUnlock()
		status := map[string]string{}
		if err != nil {
			status["error"] = errorText(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(status)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.servePortalFile(w, r, site)
	})
	return mux
}

func (s *server) servePortalFile(w http.ResponseWriter, r *http.Request, site string) {
	dir := filepath.Join(s.out, site)
	clean := path.Clean("/" + r.URL.Path)
	file := filepath.Join(dir, filepath.FromSlash(clean))
	if strings.HasSuffix(r.URL.Path, "/") || clean == "/" {
		file = filepath.Join(file, "index.html")
	} else if info, err := os.Stat(file); err == nil && info.IsDir() {
		http.Redirect(w, r, clean+"/", http.StatusMovedPermanently)
		return
	}
	status := http.StatusOK
	if !exists(file) {
		status = http.StatusNotFound
		file = filepath.Join(dir, "404.html")
	}
	w.Header().Set("Cache-Control", "no-store")
	if !strings.HasSuffix(file, ".html") {
		if status == http.StatusNotFound {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(clean, generator.FilesPath) {
			setFileHeaders(w.Header(), path.Base(clean))
		}
		http.ServeFile(w, r, file)
		return
	}
	page, err := os.ReadFile(file)
	if err != nil {
		http.Error(w, "page not built yet", http.StatusServiceUnavailable)
		return
	}
	tag := []byte(`<script src="` + scriptPath + `" defer></script></head>`)
	page = bytes.Replace(page, []byte("</head>"), tag, 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(page)
}

// setFileHeaders sets the headers that the portal's _headers file gives
// the published file name, except the caching, and its Content-Type,
// which does not depend on the machine's table of media types.
func setFileHeaders(h http.Header, name string) {
	h.Set("X-Content-Type-Options", "nosniff")
	if t, ok := generator.FileContentType(name); ok {
		h.Set("Content-Type", t)
	}
	if csp := generator.FileContentSecurityPolicy(name); csp != "" {
		h.Set("Content-Security-Policy", csp)
	}
}

// broker sends server-sent events to every open page.
type broker struct {
	mu      sync.Mutex
	clients map[chan event]bool
}

type event struct{ name, data string }

func newBroker() *broker {
	return &broker{clients: map[chan event]bool{}}
}

// send delivers an event to every client that is ready for it. A client
// that still has an event pending misses this one, because it reloads
// anyway.
func (b *broker) send(name, data string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.clients {
		select {
		case c <- event{name, data}:
		default:
		}
	}
}

func (b *broker) serve(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	c := make(chan event, 1)
	b.mu.Lock()
	b.clients[c] = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.clients, c)
		b.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": verbund preview\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-c:
			fmt.Fprintf(w, "event: %s\n", ev.name)
			for _, line := range strings.Split(ev.data, "\n") {
				fmt.Fprintf(w, "data: %s\n", line)
			}
			fmt.Fprint(w, "\n")
			flusher.Flush()
		}
	}
}
