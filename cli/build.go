package cli

import (
	"context"
	"fmt"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/generator"
)

func runBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "build", "build [-config sites.toml]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	res, err := generator.Build(ctx, generator.Options{ConfigPath: *config, Logger: e.log})
	if list, ok := diag.AsList(err); ok {
		for _, d := range list {
			fmt.Fprintln(e.stderr, d.Error())
		}
		return fmt.Errorf("%d errors; the previous output is unchanged", len(list))
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(e.stderr, w.Error())
	}
	fmt.Fprintf(e.stdout, "built %d portals, %d pages in %s to %s\n",
		res.Sites, res.Pages, res.Duration.Round(1e6), res.Output)
	return nil
}
