package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/scaffold"
)

func runNew(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "service":
			return runNewService(e, args[1:])
		case "site":
			return runNewSite(e, args[1:])
		}
	}
	fmt.Fprintln(e.stderr, "Usage: verbund new service --site ID [--base ID | --title T --category ID]")
	fmt.Fprintln(e.stderr, "       verbund new site --id ID --name NAME --kind gemeinde|samtgemeinde|kreis --key KEY --url URL")
	if len(args) > 0 && isHelp(args[0]) {
		return flag.ErrHelp
	}
	return errUsage
}

func runNewService(e *env, args []string) error {
	fs := newFlags(e, "new service", "new service --site ID [--base ID | --title T --category ID]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	site := fs.String("site", "", "`id` of the site the page belongs to")
	base := fs.String("base", "", "`id` of the base text the page extends")
	title := fs.String("title", "", "`title` of a page without base text")
	category := fs.String("category", "", "category `id` of a page without base text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *site == "" {
		fs.Usage()
		return errUsage
	}
	cfg, err := federation.LoadDraft(*config)
	if err != nil {
		return err
	}
	path, err := scaffold.NewService(cfg, scaffold.ServiceOptions{
		Site: *site, Base: *base, Title: *title, Category: *category,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", path)
	return nil
}

func runNewSite(e *env, args []string) error {
	fs := newFlags(e, "new site", "new site --id ID --name NAME --kind KIND --key KEY --url URL [--parent ID]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	var o scaffold.SiteOptions
	fs.StringVar(&o.ID, "id", "", "`id` of the new site: lower-case letters, digits and hyphens")
	fs.StringVar(&o.Name, "name", "", "short `name`, such as \"Lingen (Ems)\"")
	fs.StringVar(&o.Kind, "kind", "gemeinde", "`kind`: kreis, gemeinde or samtgemeinde")
	fs.StringVar(&o.Key, "key", "", "official `key`: the AGS of 5 or 8 digits of a county or gemeinde, the regional key of 9 digits of a samtgemeinde")
	fs.StringVar(&o.URL, "url", "", "public origin of the portal, such as https://www.lingen.de")
	fs.StringVar(&o.Parent, "parent", "", "`id` of the site one tier up; default the county")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := federation.LoadDraft(*config)
	if err != nil {
		return err
	}
	paths, err := scaffold.NewSite(*config, cfg, o)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "wrote %s\n", p)
	}
	fmt.Fprintf(e.stdout, "fill in the empty values of site %q in %s ([site.legal], [site.privacy] and "+
		"[site.accessibility]) and the address in %s: until then, verbund build and verbund check report them\n",
		o.ID, paths[0], paths[2])
	return nil
}
