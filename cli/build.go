package cli

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/generator"
)

func runBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "build", "build [-config sites.toml] [-out folder] [-site id,...]...")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	output := fs.String("out", "", "write the output to `folder` instead of the output folder of sites.toml")
	var sites portalIDs
	fs.Var(&sites, "site", "build only the portals `id,...` and their part of the search index, leaving the rest of the output folder as it is. "+
		"Spaces around an id are ignored and an empty id is an error. Repeat the flag to add portals")
	withSearch := fs.Bool("search", true, "build the search index; -search=false builds the portals alone")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to `file`, for go tool pprof")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of the build to `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *memProfile != "" {
		defer writeHeapProfile(e, *memProfile)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("creating CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("starting CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	opts := generator.Options{ConfigPath: *config, OutputDir: *output, Logger: e.debugLog(), SkipIndex: !*withSearch,
		Sites: sites}
	if p := newProgress(e.stderr); p != nil && !e.verbose {
		opts.Progress = p.update
		defer p.done()
	}
	// The process builds once and exits, so the collector may use more
	// memory for less work.
	defer generator.TuneGC()()
	res, err := generator.Build(ctx, opts)
	if list, ok := diag.AsList(err); ok {
		for _, d := range list {
			fmt.Fprintln(e.stderr, d.Error())
		}
		return fmt.Errorf("%s, so the output folder is unchanged", count(len(list), "error"))
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stderr, w.Error())
	}
	fmt.Fprintf(e.stdout, "built %s, %s in %s to %s\n",
		count(res.Sites, "portal"), count(res.Pages, "page"), res.Duration.Round(1e6), res.Output)
	return nil
}

func writeHeapProfile(e *env, path string) {
	f, err := os.Create(path)
	if err != nil {
		e.log.Error("creating heap profile", "err", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		e.log.Error("writing heap profile", "err", err)
	}
}

// count returns n and noun, with the plural s unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
