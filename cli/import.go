package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/verbund/verbund/dldb"
)

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "dldb" {
		fmt.Fprintln(e.stderr, "Usage: verbund import dldb --services FILE --locations FILE --site ID [--out DIR]")
		fmt.Fprintln(e.stderr, "\nFormats:\n  dldb  Dienstleistungsdatenbank JSON export (services and locations)")
		return errUsage
	}
	return runImportDLDB(ctx, e, args[1:])
}

var siteID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func runImportDLDB(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import dldb", "import dldb --services FILE --locations FILE --site ID [--out DIR]")
	services := fs.String("services", "", "the export's services `file` (services_de.json)")
	locations := fs.String("locations", "", "the export's locations `file` (locations_de.json)")
	site := fs.String("site", "", "`id` of the site in sites.toml the content is for")
	out := fs.String("out", "", "content `folder` to write; default content/<site>")
	category := fs.String("category", "verwaltung", "`id` of the category for services no rule places")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *services == "" || *locations == "" || !siteID.MatchString(*site) {
		fmt.Fprintln(e.stderr, "verbund import dldb: --services, --locations and a valid --site are required")
		fs.Usage()
		return errUsage
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

	files, warnings, err := dldb.Convert(dldb.Options{Services: sf, Locations: lf, DefaultCategory: *category})
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if err := dldb.Write(*out, files); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d files into %s (%d warnings)\n", len(files), *out, len(warnings))
	return nil
}
