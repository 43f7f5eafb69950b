package cli

import (
	"context"

	"github.com/verbund/verbund/preview"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [-config sites.toml] [-port 8100]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	host := fs.String("host", "127.0.0.1", "loopback `address` to listen on")
	port := fs.Int("port", 8100, "first `port`: search endpoint; the account service and the portals follow")
	work := fs.String("work", "", "`folder` for the built portals and account data; default .verbund beside sites.toml")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return preview.Run(ctx, preview.Options{
		ConfigPath: *config,
		Host:       *host,
		Port:       *port,
		WorkDir:    *work,
		Logger:     e.log,
	})
}
