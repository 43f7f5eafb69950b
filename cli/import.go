package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/verbund/verbund/dldb"
	"github.com/verbund/verbund/federation"
)

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "dldb" {
		fmt.Fprintln(e.stderr, "Usage: verbund import dldb --services FILE --locations FILE --site ID [flags]")
		fmt.Fprintln(e.stderr, "\nFormats:\n  dldb  Dienstleistungsdatenbank JSON export (services and locations)")
		fmt.Fprintln(e.stderr, "\nverbund import dldb -h lists the flags.")
		if len(args) > 0 && isHelp(args[0]) {
			return flag.ErrHelp
		}
		return errUsage
	}
	return runImportDLDB(ctx, e, args[1:])
}

var siteID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func runImportDLDB(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import dldb", "import dldb --services FILE --locations FILE --site ID [--out DIR] [--category ID] [--config sites.toml]")
	services := fs.String("services", "", "the export's services `file` (services_de.json)")
	locations := fs.String("locations", "", "the export's locations `file` (locations_de.json)")
	site := fs.String("site", "", "`id` of the site in sites.toml the content is for")
	out := fs.String("out", "", "content `folder` to write; default content/<site>")
	category := fs.String("category", "verwaltung", "`id` of the category for services no rule places")
	config := fs.String("config", "sites.toml", "`path` of the federation's sites.toml, if it exists, to check that --site names a site of it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *services == "" || *locations == "" || !siteID.MatchString(*site) {
		fmt.Fprintln(e.stderr, "verbund import dldb: --services, --locations and a valid --site are required")
		fs.Usage()
		return errUsage
	}
	categories, err := checkSite(*config, *site)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join("content", *site)
	}

	sf, err := os.Open(*services)
	if err != nil {
		return fmt.Errorf("opening services: %w", err)
	}
	defer sf.Close()
	lf, err := os.Open(*locations)
	if err != nil {
		return fmt.Errorf("opening locations: %w", err)
	}
	defer lf.Close()

	files, warnings, err := dldb.Convert(dldb.Options{
		Services: sf, Locations: lf, DefaultCategory: *category, Categories: categories,
	})
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	report, err := dldb.Write(*out, files)
	if err != nil {
		return err
	}
	for _, path := range report.Kept {
		fmt.Fprintf(e.stderr, "kept %s: changed since the last import, so the new version was not written\n",
			filepath.Join(*out, filepath.FromSlash(path)))
	}
	fmt.Fprintf(e.stdout, "imported into %s: %s written, %d unchanged, %d kept (%s)\n", *out,
		count(len(report.Written), "file"), len(report.Unchanged), len(report.Kept), count(len(warnings), "warning"))
	if len(report.Kept) > 0 {
		return fmt.Errorf("kept %s changed since the last import: merge the new version by hand "+
			"(import with --out into an empty folder to see it), or delete or rename the page and import again",
			count(len(report.Kept), "page"))
	}
	return nil
}

// checkSite returns an error if the federation at config exists and has
// no site id, and otherwise the federation's category ids. Without the
// file, there is nothing to check against, and the ids are nil.
func checkSite(config, id string) ([]string, error) {
	if _, err := os.Stat(config); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	cfg, err := federation.Load(config)
	if err != nil {
		return nil, fmt.Errorf("checking --site against %s: %w", config, err)
	}
	ids := make([]string, len(cfg.Sites))
	for i, s := range cfg.Sites {
		ids[i] = s.ID
	}
	if !slices.Contains(ids, id) {
		return nil, fmt.Errorf("site %q not found in %s: use one of %s, or add the site to %s first",
			id, config, strings.Join(ids, ", "), config)
	}
	categories := make([]string, len(cfg.Categories))
	for i, c := range cfg.Categories {
		categories[i] = c.ID
	}
	return categories, nil
}
