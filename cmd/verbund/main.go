// Command verbund builds and serves the portals of a federation of
// municipal administrations. Run it without arguments for a list of
// commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/verbund/verbund/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
