package main

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/verbund/verbund/auth"
)

// result is one measurement.
type result struct {
	name      string
	clients   int
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
	// cpu, allocated and gcCycles are what the whole process, service
	// and clients together, used during the measurement.
	cpu       time.Duration
	allocated uint64
	gcCycles  uint32
}

func (r result) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// percentile returns the p-th percentile (0 < p <= 100) of the sorted
// latencies.
func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// load runs clients closed loops of op for d and collects the latencies
// of successful requests. A worker stops at its first error.
func load(name string, clients int, d time.Duration, op func(worker int) error) (result, error) {
	var mu sync.Mutex
	res := result{name: name, clients: clients}
	var firstErr error

	before := takeUsage()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := op(w); err != nil {
					mu.Lock()
					res.errors++
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					break
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()

	res.elapsed = time.Since(start)
	after := takeUsage()
	res.cpu = after.cpu - before.cpu
	res.allocated = after.allocated - before.allocated
	res.gcCycles = after.gcCycles - before.gcCycles
	res.requests = len(res.latencies)
	slices.Sort(res.latencies)
	if firstErr != nil {
		return res, fmt.Errorf("%s with %d clients: %w", name, clients, firstErr)
	}
	return res, nil
}

// usage is the process's CPU time and the Go heap's counters.
type usage struct {
	cpu       time.Duration
	allocated uint64
	gcCycles  uint32
}

func takeUsage() usage {
	var u usage
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u.allocated, u.gcCycles = ms.TotalAlloc, ms.NumGC
	return u
}

// perRequest describes the CPU time and memory one request cost, for
// comparing changes on a machine whose load varies.
func (r result) perRequest() string {
	if r.requests == 0 {
		return "no requests"
	}
	n := float64(r.requests)
	return fmt.Sprintf("%.3f ms CPU and %.1f KB allocated per request, %d GC cycles",
		float64(r.cpu.Microseconds())/1000/n, float64(r.allocated)/1024/n, r.gcCycles)
}

// measureLogins logs citizens in with their password from new browsers,
// so each login hashes once and creates a session.
func (e *env) measureLogins(clients int, d time.Duration) (result, error) {
	var mu sync.Mutex
	n := 0
	return load("login with password (POST /anmelden)", clients, d, func(w int) error {
		c := e.citizens[w%len(e.citizens)]
		mu.Lock()
		n++
		// Every login comes from a new address, as many citizens would,
		// so the per-address rate limit does not throttle the benchmark.
		ip := fmt.Sprintf("127.2.%d.%d", n/250%250, n%250+1)
		mu.Unlock()
		who := &citizen{email: c.email, ip: ip}
		resp, err := e.post(who, e.newBrowser(), "/anmelden",
			url.Values{"email": {c.email}, "password": {password}})
		if err != nil {
			return err
		}
		drain(resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			return fmt.Errorf("login of %s: status %d, Location %q", c.email, resp.StatusCode,
				resp.Header.Get("Location"))
		}
		return nil
	})
}

// measurePage requests path with each client's own session.
func (e *env) measurePage(name, path string, clients int, d time.Duration) (result, error) {
	return load(name, clients, d, func(w int) error {
		c := e.citizens[w]
		resp, err := e.get(c, c.client, path)
		if err != nil {
			return err
		}
		drain(resp)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s as %s: status %d", path, c.email, resp.StatusCode)
		}
		return nil
	})
}

// measureSend posts messages with a PDF attachment through the sender
// API, each acknowledged only after its commit.
func (e *env) measureSend(clients int, d time.Duration) (result, error) {
	var mu sync.Mutex
	n := 0
	return load("sender API (POST /v1/messages, 1 PDF)", clients, d, func(int) error {
		mu.Lock()
		c := e.citizens[n%len(e.citizens)]
		n++
		mu.Unlock()
		return e.sendOne(c, true)
	})
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000)
}

// printReport writes the machine, the settings and the results as
// Markdown.
func printReport(w io.Writer, cfg config, e *env, results []result) {
	fmt.Fprintf(w, "## Account service, %s backend\n\n", cfg.backend)
	fmt.Fprintf(w, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %s, GOMAXPROCS %d, %s\n", machine(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(w, "- argon2id: m=%d KiB, t=%d, p=%d; at most %d hashes at once\n",
		e.argon.Memory, e.argon.Time, e.argon.Threads, e.hashSlots)
	fmt.Fprintf(w, "- %d citizens, %d messages in each mailbox before the sender measurement, "+
		"%s per measurement\n", len(e.citizens), cfg.messages, cfg.duration)
	fmt.Fprintf(w, "- GOGC %s; peak resident memory of the process (service and clients) %s\n\n",
		cmp.Or(os.Getenv("GOGC"), strconv.Itoa(auth.GCPercent)), peakRSS())
	fmt.Fprintln(w, "| measurement | clients | requests | per second | p50 ms | p99 ms | errors |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %s | %s | %d |\n", r.name, r.clients, r.requests,
			r.rate(), ms(r.percentile(50)), ms(r.percentile(99)), r.errors)
	}
}

// peakRSS returns the process's peak resident memory as getrusage
// reports it, in MiB.
func peakRSS() string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return "unknown"
	}
	// Linux reports ru_maxrss in KiB.
	return fmt.Sprintf("%d MiB", ru.Maxrss/1024)
}

// machine describes the processor count and memory, as nproc and free
// report them.
func machine() string {
	nproc, _ := exec.Command("nproc").Output()
	free, _ := exec.Command("free", "-h").Output()
	mem := "memory unknown"
	for line := range strings.Lines(string(free)) {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Mem:" {
			mem = f[1] + " memory"
		}
	}
	return strings.TrimSpace(string(nproc)) + " CPUs, " + mem
}
