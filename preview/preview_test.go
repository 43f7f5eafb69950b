package preview

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/internal/syncbuf"
)

var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}()

// waitLimit bounds every wait for a rebuild; it only catches a hang.
const waitLimit = 60 * time.Second

type harness struct {
	t       *testing.T
	dir     string
	port    int
	portals map[string]string
	builds  atomic.Int64
	mu      sync.Mutex
	lastErr error
	// logs collects what the server logs.
	logs syncbuf.Buffer
	// stop ends the preview server, and stopped is closed when Run has
	// returned.
	stop    context.CancelFunc
	stopped chan struct{}
}

// start writes the small test federation of the generator's tests into a
// new folder and runs the preview server on it.
func start(t *testing.T) *harness {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join(repoRoot, "generator", "testdata", "federation.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: t.TempDir(), stopped: make(chan struct{})}
	for _, f := range a.Files {
		h.write(f.Name, string(f.Data))
	}
	ready := make(chan map[string]string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	done := make(chan error, 1)
	port := freePort(t)
	h.port = port
	go func() {
		defer close(h.stopped)
		done <- Run(ctx, Options{
			ConfigPath: filepath.Join(h.dir, "sites.toml"),
			ThemeDir:   filepath.Join(repoRoot, "themes", "default"),
			Port:       port,
			Logger:     slog.New(slog.NewTextHandler(&h.logs, nil)),
			OnBuild: func(err error) {
				h.mu.Lock()
				h.lastErr = err
				h.mu.Unlock()
				h.builds.Add(1)
			},
			Ready: func(p map[string]string) { ready <- p },
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-h.stopped:
		case <-time.After(waitLimit):
			t.Error("the preview server did not stop")
		}
	})
	select {
	case h.portals = <-ready:
	case err := <-done:
		t.Fatalf("the preview server stopped: %v", err)
	case <-time.After(waitLimit):
		t.Fatal("the preview server did not start")
	}
	return h
}

func TestStartLogsAddresses(t *testing.T) {
	h := start(t)
	logs := h.logs.String()
	search := fmt.Sprintf("msg=search url=http://127.0.0.1:%d/suche", h.port)
	if !strings.Contains(logs, search) {
		t.Errorf("the log lacks %q:\n%s", search, logs)
	}
	if len(h.portals) == 0 {
		t.Fatal("the server reported no portals")
	}
	for id, url := range h.portals {
		if !strings.Contains(logs, "msg=portal site="+id+" url="+url+"/") {
			t.Errorf("the log lacks the address of portal %s:\n%s", id, logs)
		}
	}
}

// freePort returns the first of a run of free ports on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		ok := base+10 < 65535
		for p := base; ok && p < base+6; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

func (h *harness) write(name, data string) {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) get(site, path string) (int, string) {
	h.t.Helper()
	resp, err := http.Get(h.portals[site] + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitFor polls until ok holds for the page, or fails after waitLimit.
func (h *harness) waitFor(site, path, what string, ok func(status int, body string) bool) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if ok(h.get(site, path)) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	status, _ := h.get(site, path)
	h.t.Fatalf("%s%s: %s did not happen (status %d)", site, path, what, status)
}

// settle waits until no build has finished for a second and returns the
// number of builds so far.
func (h *harness) settle() int64 {
	n := h.builds.Load()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		m := h.builds.Load()
		if m == n {
			return n
		}
		n = m
	}
	h.t.Fatal("builds did not settle")
	return 0
}

func page(title, body string) string {
	return "+++\ntitle = \"" + title + "\"\n+++\n" + body + "\n"
}

func TestPreviewFollowsChanges(t *testing.T) {
	h := start(t)
	if status, body := h.get("nordstadt", "/notdienste/"); status != 200 || !strings.Contains(body, "112") {
		t.Fatalf("first build: status %d", status)
	}

	t.Run("edit", func(t *testing.T) {
		h.write("content/nordstadt/pages/notdienste.md", page("Notdienste", "Giftnotruf: 0551 19240"))
		h.waitFor("nordstadt", "/notdienste/", "the edit", func(s int, b string) bool {
			return strings.Contains(b, "Giftnotruf")
		})
	})

	t.Run("save by rename", func(t *testing.T) {
		tmp := filepath.Join(h.dir, "content", "nordstadt", "pages", "notdienste.md.tmp")
		if err := os.WriteFile(tmp, []byte(page("Notdienste", "Tierarzt am Wochenende")), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(h.dir, "content", "nordstadt", "pages", "notdienste.md")); err != nil {
			t.Fatal(err)
		}
		h.waitFor("nordstadt", "/notdienste/", "the renamed save", func(s int, b string) bool {
			return strings.Contains(b, "Tierarzt")
		})
	})

	t.Run("new nested folders", func(t *testing.T) {
		h.write("content/suedheim/pages/ferienpass.md", page("Ferienpass", "Angebote für Kinder."))
		h.waitFor("suedheim", "/ferienpass/", "the page in a new folder", func(s int, b string) bool {
			return s == 200 && strings.Contains(b, "Angebote für Kinder")
		})
		// A folder created after the first one must be watched too.
		h.write("content/suedheim/pages/ferienpass.md", page("Ferienpass", "Anmeldung ab Mai."))
		h.waitFor("suedheim", "/ferienpass/", "the edit in the new folder", func(s int, b string) bool {
			return strings.Contains(b, "Anmeldung ab Mai")
		})
	})

	t.Run("rename page", func(t *testing.T) {
		from := filepath.Join(h.dir, "content", "suedheim", "pages", "ferienpass.md")
		to := filepath.Join(h.dir, "content", "suedheim", "pages", "sommerferien.md")
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
		h.waitFor("suedheim", "/sommerferien/", "the renamed page", func(s int, b string) bool { return s == 200 })
		if status, _ := h.get("suedheim", "/ferienpass/"); status != 404 {
			t.Errorf("the old address answers %d, want 404", status)
		}
	})

	t.Run("delete page", func(t *testing.T) {
		if err := os.Remove(filepath.Join(h.dir, "content", "suedheim", "pages", "sommerferien.md")); err != nil {
			t.Fatal(err)
		}
		h.waitFor("suedheim", "/sommerferien/", "the deletion", func(s int, b string) bool { return s == 404 })
	})

	t.Run("burst is one rebuild", func(t *testing.T) {
		before := h.settle()
		for i := range 300 {
			h.write(fmt.Sprintf("content/nordstadt/pages/seite-%03d.md", i), page(fmt.Sprintf("Seite %d", i), "Text."))
		}
		h.waitFor("nordstadt", "/seite-299/", "the burst", func(s int, b string) bool { return s == 200 })
		if n := h.settle() - before; n != 1 {
			t.Errorf("300 new files caused %d rebuilds, want 1", n)
		}
	})

	t.Run("error keeps last good output", func(t *testing.T) {
		events := h.subscribe(t, "nordstadt")
		h.write("content/nordstadt/pages/notdienste.md", "+++\ntitle = \n+++\n")
		select {
		case ev := <-events:
			if !strings.HasPrefix(ev, "error:") || !strings.Contains(ev, "notdienste.md:2") {
				t.Errorf("event %q, want an error naming the file and line", ev)
			}
		case <-time.After(waitLimit):
			t.Fatal("no event after a broken save")
		}
		if status, body := h.get("nordstadt", "/notdienste/"); status != 200 || !strings.Contains(body, "Tierarzt") {
			t.Errorf("the last good page is gone: status %d", status)
		}
		_, status := h.get("nordstadt", statusPath)
		if !strings.Contains(status, "notdienste.md") {
			t.Errorf("status lacks the error: %s", status)
		}

		h.write("content/nordstadt/pages/notdienste.md", page("Notdienste", "Wieder gut."))
		select {
		case ev := <-events:
			if ev != "reload:" {
				t.Errorf("event %q, want reload", ev)
			}
		case <-time.After(waitLimit):
			t.Fatal("no reload after the fix")
		}
	})
}

// subscribe opens the portal's event stream and sends "name:data" for
// each event.
func (h *harness) subscribe(t *testing.T, site string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.portals[site]+eventsPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan string, 8)
	connected := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		name, data := "", []string{}
		first := true
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case first && strings.HasPrefix(line, ":"):
				first = false
				close(connected)
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case line == "" && name != "":
				out <- name + ":" + strings.TrimSpace(strings.Join(data, "\n"))
				name, data = "", nil
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(waitLimit):
		t.Fatal("the event stream did not open")
	}
	return out
}

// TestPreviewStopsWithLiveReloadOpen stops the preview server while a
// page's live-reload stream, which never ends by itself, is open.
func TestPreviewStopsWithLiveReloadOpen(t *testing.T) {
	h := start(t)
	resp, err := http.Get(h.portals["nordstadt"] + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	stream := bufio.NewReader(resp.Body)
	// The stream starts with a comment, so it is open once that arrives.
	if _, err := stream.ReadString('\n'); err != nil {
		t.Fatalf("reading the live-reload stream: %v", err)
	}
	ended := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, stream)
		close(ended)
	}()

	h.stop()
	select {
	case <-h.stopped:
	case <-time.After(waitLimit):
		t.Fatal("the preview server did not stop")
	}
	select {
	case <-ended:
	case <-time.After(waitLimit):
		t.Fatal("the live-reload stream stayed open after the server stopped")
	}
}

// planSVG returns a small SVG drawing whose square has the color fill.
func planSVG(fill string) string {
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="` + fill + `"/></svg>`
}

// TestPreviewFollowsFiles adds, changes and deletes a file that a page
// shows: the preview serves the file with the headers of the portal's
// _headers, follows each change, and shows the error of the page once the
// file is gone.
func TestPreviewFollowsFiles(t *testing.T) {
	h := start(t)
	h.write("content/nordstadt/files/plan.svg", planSVG("#1d4f91"))
	h.write("content/nordstadt/pages/notdienste.md", page("Notdienste", "![Lageplan der Feuerwache](/dateien/plan.svg)"))
	h.waitFor("nordstadt", "/notdienste/", "the page with the image", func(s int, b string) bool {
		return strings.Contains(b, `<img src="/dateien/plan.svg" alt="Lageplan der Feuerwache">`)
	})

	resp, err := http.Get(h.portals["nordstadt"] + "/dateien/plan.svg")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "#1d4f91") {
		t.Fatalf("the file: status %d, body %q", resp.StatusCode, body)
	}
	for name, want := range map[string]string{
		"Content-Type":            "image/svg+xml",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	h.write("content/nordstadt/files/plan.svg", planSVG("#c01c28"))
	h.waitFor("nordstadt", "/dateien/plan.svg", "the changed file", func(s int, b string) bool {
		return strings.Contains(b, "#c01c28")
	})

	if err := os.Remove(filepath.Join(h.dir, "content", "nordstadt", "files", "plan.svg")); err != nil {
		t.Fatal(err)
	}
	want := `notdienste.md:4:28: broken image \"/dateien/plan.svg\": portal \"nordstadt\" has no file plan.svg`
	h.waitFor("nordstadt", statusPath, "the error of the page", func(s int, b string) bool {
		return strings.Contains(b, want)
	})
	// The last good output stays until the error is fixed.
	if status, b := h.get("nordstadt", "/dateien/plan.svg"); status != http.StatusOK || !strings.Contains(b, "#c01c28") {
		t.Errorf("the last good file is gone: status %d", status)
	}

	h.write("content/nordstadt/pages/notdienste.md", page("Notdienste", "Ohne Lageplan."))
	h.waitFor("nordstadt", "/dateien/plan.svg", "the removal of the file", func(s int, b string) bool {
		return s == http.StatusNotFound
	})
	if _, b := h.get("nordstadt", statusPath); strings.Contains(b, "error") {
		t.Errorf("the status still has an error: %s", b)
	}
}
