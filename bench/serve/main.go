// Command serve measures how long the development servers of verbund and
// Hugo take from saving a service file to the rebuilt page on disk, on
// the same generated federation in the same run. For verbund it also
// measures the time to the reload event that open browser tabs receive.
//
// Usage:
//
//	go run ./bench/serve -corpus bench/out/10000 [-edits 10] [-site emsbueren]
//
// The corpus folder is one that bench/build.sh generated, with the
// federation in verbund/ and the same pages as a Hugo site in hugo/.
// Both servers listen on 127.0.0.1 only.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	corpus := flag.String("corpus", "bench/out/10000", "`folder` with the generated federation in verbund/ and hugo/")
	edits := flag.Int("edits", 10, "number of saves to time per server")
	site := flag.String("site", "emsbueren", "`site` whose first service page is edited")
	bin := flag.String("verbund", "", "verbund `binary`; built from this repository when empty")
	port := flag.Int("port", 18100, "first `port` of verbund serve; Hugo uses port-1")
	skipHugo := flag.Bool("skip-hugo", false, "time verbund alone")
	pause := flag.Duration("pause", 2*time.Second, "`time` between saves, as an editor pauses between them")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*corpus, *site, *bin, *edits, *port, *skipHugo, *pause); err != nil {
		log.Fatalf("serve: %v", err)
	}
}

func run(corpus, site, bin string, edits, port int, skipHugo bool, pause time.Duration) error {
	work, err := os.MkdirTemp("", "verbund-serve-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if bin == "" {
		bin = filepath.Join(work, "verbund")
		build := exec.Command("go", "build", "-o", bin, "./cmd/verbund")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building verbund: %w", err)
		}
	}
	vdir, hdir := filepath.Join(corpus, "verbund"), filepath.Join(corpus, "hugo")
	services := filepath.Join(vdir, "content", site, "services")
	entries, err := os.ReadDir(services)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return fmt.Errorf("%s has no service pages", services)
	}
	slug := strings.TrimSuffix(entries[0].Name(), ".md")

	fmt.Printf("machine: %d cores; page edited: %s, service %s; %d saves each, %s apart\n\n",
		runtime.NumCPU(), site, slug, edits, pause)
	fmt.Println("| server | first build | save to page on disk p50 / max | save to reload event p50 / max |")
	fmt.Println("|---|--:|---|---|")

	v, err := timeVerbund(bin, vdir, work, site, slug, edits, port, pause)
	if err != nil {
		return fmt.Errorf("verbund: %w", err)
	}
	fmt.Printf("| verbund serve | %s | %s / %s | %s / %s |\n", round(v.first),
		round(median(v.disk)), round(slices.Max(v.disk)), round(median(v.event)), round(slices.Max(v.event)))
	if skipHugo {
		return nil
	}
	h, err := timeHugo(hdir, work, site, slug, edits, port-1, pause)
	if err != nil {
		return fmt.Errorf("hugo: %w", err)
	}
	fmt.Printf("| hugo server --renderToDisk | %s | %s / %s | |\n", round(h.first),
		round(median(h.disk)), round(slices.Max(h.disk)))
	fmt.Printf("\nratio of the medians, page on disk: Hugo ÷ verbund = %.1f\n",
		median(h.disk).Seconds()/median(v.disk).Seconds())
	return nil
}

// timings are the measurements of one server.
type timings struct {
	first       time.Duration
	disk, event []time.Duration
}

func timeVerbund(bin, dir, work, site, slug string, edits, port int, pause time.Duration) (*timings, error) {
	src := filepath.Join(dir, "content", site, "services", slug+".md")
	restore, err := keep(src)
	if err != nil {
		return nil, err
	}
	defer restore()
	vwork := filepath.Join(work, "verbund-work")
	page := filepath.Join(vwork, "public", site, "leistungen", slug, "index.html")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "-config", filepath.Join(dir, "sites.toml"),
		"-port", strconv.Itoa(port), "-work", vwork)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); _ = cmd.Wait() }()

	// The portal of the first site listens on port+2; every portal gets
	// the reload events.
	events, err := subscribe(ctx, fmt.Sprintf("http://127.0.0.1:%d/_verbund/events", port+2), 10*time.Minute)
	if err != nil {
		return nil, err
	}
	if err := waitFor(page, "", 10*time.Minute); err != nil {
		return nil, err
	}
	t := &timings{first: time.Since(start)}
	time.Sleep(time.Second)
	drain(events)
	for i := range edits {
		marker := fmt.Sprintf("Messpunkt%dv", i)
		t0, err := appendLine(src, marker)
		if err != nil {
			return nil, err
		}
		if err := waitFor(page, marker, time.Minute); err != nil {
			return nil, err
		}
		t.disk = append(t.disk, time.Since(t0))
		select {
		case at := <-events:
			t.event = append(t.event, at.Sub(t0))
		case <-time.After(time.Minute):
			return nil, errors.New("no reload event within a minute")
		}
		time.Sleep(pause)
		drain(events)
	}
	return t, nil
}

func timeHugo(dir, work, site, slug string, edits, port int, pause time.Duration) (*timings, error) {
	src := filepath.Join(dir, "content", site, "leistungen", slug+".md")
	restore, err := keep(src)
	if err != nil {
		return nil, err
	}
	defer restore()

	dest := filepath.Join(work, "hugo-public")
	page := filepath.Join(dest, site, "leistungen", slug, "index.html")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, "hugo", "server", "--source", dir, "--renderToDisk",
		"--destination", dest, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--minify")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); _ = cmd.Wait() }()

	if err := waitFor(page, "", 10*time.Minute); err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/", port), 10*time.Minute); err != nil {
		return nil, err
	}
	t := &timings{first: time.Since(start)}
	time.Sleep(time.Second)
	for i := range edits {
		marker := fmt.Sprintf("Messpunkt%dh", i)
		t0, err := appendLine(src, marker)
		if err != nil {
			return nil, err
		}
		if err := waitFor(page, marker, time.Minute); err != nil {
			return nil, err
		}
		t.disk = append(t.disk, time.Since(t0))
		time.Sleep(pause)
	}
	return t, nil
}

// keep saves the file at p and returns a function that writes it back.
func keep(p string) (func(), error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return func() { _ = os.WriteFile(p, data, 0o644) }, nil
}

// appendLine saves p with a paragraph holding marker added, as an editor
// does, and returns when the save was done.
func appendLine(p, marker string) (time.Time, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return time.Time{}, err
	}
	data = append(data, []byte("\n\nDiese Seite wurde geändert: "+marker+".\n")...)
	t0 := time.Now()
	return t0, os.WriteFile(p, data, 0o644)
}

// waitFor polls the file p until it exists and, when text is not empty,
// contains text.
func waitFor(p, text string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(p)
		if err == nil && (text == "" || bytes.Contains(data, []byte(text))) {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s: %q did not appear within %s", p, text, limit)
}

func waitHTTP(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not respond within %s", url, limit)
}

// subscribe connects to the server-sent events at url, retrying until
// the server listens, and sends the arrival time of every reload event.
func subscribe(ctx context.Context, url string, limit time.Duration) (<-chan time.Time, error) {
	deadline := time.Now().Add(limit)
	var resp *http.Response
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		r, err := http.DefaultClient.Do(req)
		if err == nil && r.StatusCode == http.StatusOK {
			resp = r
			break
		}
		if err == nil {
			r.Body.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s did not respond within %s", url, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ch := make(chan time.Time, 64)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "event: reload" {
				select {
				case ch <- time.Now():
				default:
				}
			}
		}
	}()
	return ch, nil
}

func drain(ch <-chan time.Time) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
	}
}
