package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/verbund/verbund/publish"
)

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "diff", "diff [-format text|json] OLD NEW")
	format := fs.String("format", "text", "output `format`: text for people, json for scripts")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() != 2 || (*format != "text" && *format != "json") {
		fs.Usage()
		return errUsage
	}
	old, err := publish.ReadManifests(fs.Arg(0))
	if err != nil {
		return err
	}
	cur, err := publish.ReadManifests(fs.Arg(1))
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		return fmt.Errorf("no build in %s: run verbund build first", fs.Arg(1))
	}
	changes := publish.Diff(old, cur)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"sites": changes})
	}
	for _, c := range changes {
		switch {
		case c.Removed:
			fmt.Fprintf(e.stdout, "%s: removed from the federation, delete %d files\n", c.Site, len(c.Delete))
		case len(c.Upload) == 0 && len(c.Delete) == 0:
			fmt.Fprintf(e.stdout, "%s: unchanged (%d files)\n", c.Site, c.Unchanged)
			continue
		default:
			fmt.Fprintf(e.stdout, "%s: upload %d, delete %d, unchanged %d\n",
				c.Site, len(c.Upload), len(c.Delete), c.Unchanged)
		}
		for _, p := range c.Upload {
			fmt.Fprintf(e.stdout, "  upload %s\n", p)
		}
		for _, p := range c.Delete {
			fmt.Fprintf(e.stdout, "  delete %s\n", p)
		}
	}
	return nil
}
