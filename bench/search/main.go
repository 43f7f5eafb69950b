// Command search measures the search endpoint against bleve alone. It
// builds a federation, or takes a built index, and serves the index with
// the real endpoint on 127.0.0.1 in this process. It runs the same
// citizen queries over HTTP against GET /api/search and as a bare bleve
// query on the same index folder, at 1 and at 8 concurrent clients. Then
// it sends hostile input to the endpoint and fails if any of it gets a
// 5xx response or results that the input's plain words do not give.
//
//	go run ./bench/search -config bench/out/10000/verbund/sites.toml
//	go run ./bench/search -index public/_search -duration 5s
//	go run ./bench/search -index public/_search -cpuprofile cpu.prof
//
// The process uses the garbage collector setting of verbund search
// (search.TuneGC) unless GOGC is set. The report is Markdown on standard
// output; progress goes to standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/verbund/verbund/search"
)

// maxDuration caps each measurement, so a run stays within a few minutes
// on a shared machine.
const maxDuration = time.Minute

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, log)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		log.Error("search benchmark failed", "error", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	config   string
	theme    string
	index    string
	duration time.Duration
	clients  []int
	seed     uint64
	// cpuProfile is the file for a CPU profile of the measurements, or
	// empty for none.
	cpuProfile string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var clients string
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "`path` of the federation's sites.toml to build into a temporary folder")
	fs.StringVar(&o.theme, "theme", "", "theme `folder` for the build (default themes/default beside sites.toml)")
	fs.StringVar(&o.index, "index", "", "search index `folder` of a finished build (<output>/_search); skips the build")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measurement, at most 1m")
	fs.StringVar(&clients, "clients", "1,8", "comma-separated numbers of concurrent clients")
	fs.Uint64Var(&o.seed, "seed", 1, "seed that picks each query's portal and category")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measurements (endpoint, its clients and bleve) to `file`")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if (o.config == "") == (o.index == "") {
		return o, errors.New("set exactly one of -config and -index")
	}
	if o.duration <= 0 || o.duration > maxDuration {
		return o, fmt.Errorf("invalid -duration %v: want more than 0 and at most %v", o.duration, maxDuration)
	}
	var err error
	if o.clients, err = parseClients(clients); err != nil {
		return o, err
	}
	return o, nil
}

// maxClients bounds -clients. The endpoint returns 503 beyond four
// searches per CPU anyway.
const maxClients = 64

func parseClients(list string) ([]int, error) {
	var clients []int
	for field := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 || n > maxClients {
			return nil, fmt.Errorf("invalid -clients entry %q: want a number from 1 to %d", field, maxClients)
		}
		clients = append(clients, n)
	}
	return clients, nil
}

// run builds or opens the index, measures the endpoint and bleve, checks
// hostile input and writes the report to stdout.
func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	opts, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	indexDir := opts.index
	if indexDir == "" {
		tmp, err := os.MkdirTemp("", "bench-search-")
		if err != nil {
			return fmt.Errorf("creating build folder: %w", err)
		}
		defer os.RemoveAll(tmp)
		if indexDir, err = buildFederation(ctx, opts, tmp, log); err != nil {
			return err
		}
	}

	// The process serves the endpoint as verbund search does, with its
	// garbage collector setting, which the bare queries share.
	search.TuneGC()
	b, err := startBench(indexDir, opts.seed, log)
	if err != nil {
		return err
	}
	defer b.close(log)
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				log.Error("writing CPU profile", "file", opts.cpuProfile, "error", err)
			}
		}()
	}
	return b.report(ctx, stdout, opts, log)
}

// startCPUProfile starts a CPU profile into the file at path and returns
// the function that stops it and closes the file.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting CPU profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
