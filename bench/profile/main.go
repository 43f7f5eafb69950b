// Command profile builds a federation like `verbund build` and writes a
// CPU profile and a heap profile of the build for `go tool pprof`.
//
// Usage:
//
//	go run ./bench/profile -config bench/out/10000/verbund/sites.toml -cpu cpu.prof -heap heap.prof
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/verbund/verbund/generator"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(os.Args[1:], log); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			log.Error("profiling the build failed", "err", err)
		}
		os.Exit(1)
	}
}

func run(args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	config := fs.String("config", "", "path of the federation's sites.toml; required")
	cpuPath := fs.String("cpu", "cpu.prof", "file for the CPU profile")
	heapPath := fs.String("heap", "", "file for the heap profile of live and allocated memory at the end; none when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *config == "" {
		fs.Usage()
		return errors.New("invalid arguments: -config is required")
	}

	cpu, err := os.Create(*cpuPath)
	if err != nil {
		return fmt.Errorf("creating CPU profile: %w", err)
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return fmt.Errorf("starting CPU profile: %w", err)
	}
	res, err := generator.Build(context.Background(), generator.Options{ConfigPath: *config, Logger: log})
	pprof.StopCPUProfile()
	if err != nil {
		return fmt.Errorf("building %s: %w", *config, err)
	}
	log.Info("profiled build", "pages", res.Pages, "cpu_profile", *cpuPath)

	if *heapPath == "" {
		return nil
	}
	heap, err := os.Create(*heapPath)
	if err != nil {
		return fmt.Errorf("creating heap profile: %w", err)
	}
	defer heap.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(heap, 0); err != nil {
		return fmt.Errorf("writing heap profile: %w", err)
	}
	return nil
}
