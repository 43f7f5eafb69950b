package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/search"
)

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "search", "search [-config sites.toml] [-index folder] [-addr host:port]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`, for the defaults of -index and -addr")
	index := fs.String("index", "", "search index `folder` written by verbund build; default <output>/_search")
	addr := fs.String("addr", "", "listen `address`; default the [search] addr of sites.toml")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *index == "" || *addr == "" {
		cfg, err := federation.Load(*config)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w; give -index and -addr, or -config", err)
			}
			return err
		}
		if *index == "" {
			*index = filepath.Join(cfg.OutputDir, generator.IndexDir)
		}
		if *addr == "" {
			*addr = cfg.Search.Addr
		}
	}

	search.TuneGC()
	ix, err := search.Open(*index)
	if err != nil {
		return err
	}
	defer ix.Close()
	layouts := filepath.Join(*index, search.LayoutsDirName)
	if !ix.HasLayouts() {
		e.log.Warn("the search index has no page layouts, so the results page shows without the portals' theme; "+
			"copy the layouts folder that the build writes next to the index", "folder", layouts)
	} else if missing := ix.MissingLayouts(); len(missing) > 0 {
		e.log.Warn("some portals have no page layout, so their results page shows without the portal's theme; "+
			"copy their layouts from the builds of those portals into the folder",
			"portals", strings.Join(missing, ","), "folder", layouts)
	}
	srv, err := search.NewServer(ix, search.Config{Logger: e.log})
	if err != nil {
		return err
	}
	return serve(ctx, e, srv.HTTPServer(*addr), "search endpoint")
}

// serve runs hs until ctx ends, then shuts it down gracefully. It logs
// that hs listens only once it does.
func serve(ctx context.Context, e *env, hs *http.Server, what string) error {
	addr := hs.Addr
	if addr == "" {
		addr = ":http"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("starting the %s: %w", what, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	e.log.Info(what+" listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serving the %s: %w", what, err)
	case <-ctx.Done():
	}
	e.log.Info(what+" stopping", "addr", hs.Addr)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stopping the %s: %w", what, err)
	}
	return nil
}
