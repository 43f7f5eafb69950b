// Command auth measures the citizen account service against a real
// server on 127.0.0.1: logins per second, the latency of a page that
// checks the session, the latency of the mailbox listing, and the
// throughput of the sender API. It prints a Markdown table.
//
//	go run ./bench/auth -backend sqlite
//	go run ./bench/auth -backend postgres -database postgres://...
//
// The service runs in this process, on loopback listeners, with its
// production settings except plain HTTP (insecure mode on loopback).
// Clients send X-Forwarded-For with a distinct address per simulated
// citizen, as a reverse proxy would, so the per-address rate limits
// apply to each citizen and not to the benchmark as a whole.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/verbund/verbund/auth"
	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/federation"
)

// maxDuration caps each measurement, so a run stays within a few
// minutes on a shared machine.
const maxDuration = 30 * time.Second

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/auth:", err)
		os.Exit(1)
	}
}

type config struct {
	backend   string
	database  string
	sites     string
	duration  time.Duration
	citizens  int
	messages  int
	loginLoad int
	sendLoad  int
	// only names the one measurement to run, or is empty for all.
	only         string
	cpuProfile   string
	mutexProfile string
	blockProfile string
	memProfile   string
}

func parseFlags() (config, error) {
	var c config
	flag.StringVar(&c.backend, "backend", "sqlite", "store `backend`: sqlite or postgres")
	flag.StringVar(&c.database, "database", os.Getenv("VERBUND_TEST_POSTGRES"),
		"PostgreSQL `URL` for -backend postgres; a schema is created in it and dropped afterwards")
	flag.StringVar(&c.sites, "config", "sites.toml", "path of the federation's `sites.toml`")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "`time` each measurement runs, at most 30s")
	flag.IntVar(&c.citizens, "citizens", 50, "`number` of citizen accounts, one per concurrent client")
	flag.IntVar(&c.messages, "messages", 30, "`number` of messages in each citizen's mailbox")
	flag.IntVar(&c.loginLoad, "login-clients", 8, "concurrent `clients` of the login measurement")
	flag.IntVar(&c.sendLoad, "sender-clients", 8, "concurrent `clients` of the sender API measurement")
	flag.StringVar(&c.only, "only", "", "run only this `measurement`: login, page, mailbox or send")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the measurements to `file`")
	flag.StringVar(&c.mutexProfile, "mutexprofile", "", "write a profile of mutex contention during the measurements to `file`")
	flag.StringVar(&c.memProfile, "memprofile", "", "write a profile of the memory allocated during the measurements to `file`")
	flag.StringVar(&c.blockProfile, "blockprofile", "", "write a profile of blocking during the measurements to `file`")
	flag.Parse()

	switch {
	case c.backend != "sqlite" && c.backend != "postgres":
		return c, fmt.Errorf("invalid -backend %q: want sqlite or postgres", c.backend)
	case c.backend == "postgres" && c.database == "":
		return c, errors.New("-backend postgres needs -database or VERBUND_TEST_POSTGRES")
	case c.duration <= 0 || c.duration > maxDuration:
		return c, fmt.Errorf("invalid -duration %s: want more than 0 and at most %s", c.duration, maxDuration)
	case c.citizens < 50:
		return c, fmt.Errorf("invalid -citizens %d: the 50-client measurements need at least 50", c.citizens)
	}
	return c, nil
}

func run() error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	// The garbage collector runs with the setting verbund auth uses.
	auth.TuneGC()
	if cfg.memProfile != "" {
		// Sample only the allocations of the measurements, not those of
		// the setup, which hashes every citizen's password.
		runtime.MemProfileRate = 0
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	st, cleanup, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()

	env, err := startService(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer env.close()

	fmt.Fprintf(os.Stderr, "setting up %d citizens with %d messages each\n", cfg.citizens, cfg.messages)
	if err := env.setup(ctx, cfg); err != nil {
		return err
	}

	var results []result
	measure := func(r result, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s, %d clients: %.0f/s; %s (service and clients)\n",
			r.name, r.clients, r.rate(), r.perRequest())
		results = append(results, r)
		return nil
	}
	const page, mailbox = "session-checked page (GET /)", "mailbox listing (GET /postfach)"
	steps := []struct {
		kind string
		run  func() (result, error)
	}{
		{"login", func() (result, error) { return env.measureLogins(cfg.loginLoad, cfg.duration) }},
		{"page", func() (result, error) { return env.measurePage(page, "/", 1, cfg.duration) }},
		{"page", func() (result, error) { return env.measurePage(page, "/", 50, cfg.duration) }},
		{"mailbox", func() (result, error) { return env.measurePage(mailbox, "/postfach", 1, cfg.duration) }},
		{"mailbox", func() (result, error) { return env.measurePage(mailbox, "/postfach", 50, cfg.duration) }},
		{"send", func() (result, error) { return env.measureSend(cfg.sendLoad, cfg.duration) }},
	}

	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	stopProfiles := startProfiles(cfg)
	for _, s := range steps {
		if cfg.only != "" && s.kind != cfg.only {
			continue
		}
		if err := measure(s.run()); err != nil {
			return err
		}
	}
	if err := stopProfiles(); err != nil {
		return err
	}

	printReport(os.Stdout, cfg, env, results)
	return nil
}

// startProfiles turns on the memory, mutex and block profiles named in
// cfg and returns a function that writes them and turns them off.
func startProfiles(cfg config) func() error {
	if cfg.memProfile != "" {
		runtime.MemProfileRate = 512 << 10
	}
	if cfg.mutexProfile != "" {
		runtime.SetMutexProfileFraction(1)
	}
	if cfg.blockProfile != "" {
		runtime.SetBlockProfileRate(1)
	}
	return func() error {
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
		for _, p := range []struct{ name, file string }{
			{"mutex", cfg.mutexProfile}, {"block", cfg.blockProfile}, {"allocs", cfg.memProfile},
		} {
			if p.file == "" {
				continue
			}
			if err := writeProfile(p.name, p.file); err != nil {
				return err
			}
		}
		return nil
	}
}

func writeProfile(name, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("writing %s profile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing %s profile to %s: %w", name, file, err)
	}
	return f.Close()
}

// openStore opens a fresh store: a SQLite file in a temporary folder or
// a new schema in the PostgreSQL database.
func openStore(ctx context.Context, cfg config) (store.Store, func(), error) {
	if cfg.backend == "sqlite" {
		dir, err := os.MkdirTemp("", "verbund-bench-auth-")
		if err != nil {
			return nil, nil, err
		}
		st, err := store.OpenSQLite(ctx, dir+"/"+store.SQLiteFile)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return st, func() { st.Close(); os.RemoveAll(dir) }, nil
	}

	b := make([]byte, 6)
	rand.Read(b)
	schema := "verbund_bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", cfg.database)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("creating schema %s: %w", schema, err)
	}
	u, err := url.Parse(cfg.database)
	if err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("invalid -database: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := store.OpenPostgres(ctx, u.String())
	drop := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	if err != nil {
		drop()
		return nil, nil, err
	}
	return st, func() { st.Close(); drop() }, nil
}

// env is the running service and what the measurements share.
type env struct {
	svc        *auth.Service
	st         store.Store
	dataDir    string
	base       string
	senderBase string
	servers    []*http.Server
	transport  *http.Transport
	citizens   []*citizen
	token      string
	argon      auth.Argon2Params
	hashSlots  int
}

func startService(ctx context.Context, cfg config, st store.Store, log *slog.Logger) (*env, error) {
	fed, err := federation.Load(cfg.sites)
	if err != nil {
		return nil, fmt.Errorf("loading %s (run from the repository root or set -config): %w", cfg.sites, err)
	}
	citizensLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	senderLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		citizensLn.Close()
		return nil, err
	}
	// WebAuthn needs a host name as the account origin, so the origin
	// is localhost while clients connect to the IPv4 loopback address.
	_, port, _ := net.SplitHostPort(citizensLn.Addr().String())
	fed.Account.URL = "http://localhost:" + port

	dataDir, err := os.MkdirTemp("", "verbund-bench-data-")
	if err != nil {
		return nil, err
	}
	svc, err := auth.New(ctx, auth.Options{Config: fed, Addr: citizensLn.Addr().String(),
		DataDir: dataDir, Insecure: true, Logger: log, Store: st, ClientIPHeader: "X-Forwarded-For"})
	if err != nil {
		return nil, err
	}
	e := &env{svc: svc, st: st, dataDir: dataDir, base: "http://" + citizensLn.Addr().String(),
		senderBase: "http://" + senderLn.Addr().String(), argon: auth.DefaultArgon2,
		hashSlots: runtime.GOMAXPROCS(0),
		transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256,
			IdleConnTimeout: time.Minute}}
	for ln, h := range map[net.Listener]http.Handler{citizensLn: svc.Handler(), senderLn: svc.SenderHandler()} {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		e.servers = append(e.servers, srv)
		go srv.Serve(ln)
	}
	return e, nil
}

func (e *env) close() {
	for _, srv := range e.servers {
		srv.Close()
	}
	e.svc.Close()
	os.RemoveAll(e.dataDir)
}

// drain reads and closes a response body so the connection is reused.
func drain(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
