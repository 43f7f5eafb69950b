package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/internal/suggest"
)

// maxSlug is the maximum length in bytes of the slug that NewService
// derives from a title. It keeps file names and URLs readable and far
// below the 255-byte limit of common file systems.
const maxSlug = 80

// titleSlug returns the file name of a standalone page, without .md: the
// title's slug, shortened at a hyphen to at most maxSlug bytes.
func titleSlug(title string) (string, error) {
	slug := generator.Slugify(title)
	if slug == "" {
		return "", fmt.Errorf("title %q gives an empty file name: "+
			"the file name keeps only Latin letters and digits, so write the title with some of them", title)
	}
	if len(slug) <= maxSlug {
		return slug, nil
	}
	// Slugs are ASCII, so any byte offset is a character boundary.
	cut := slug[:maxSlug]
	if strings.HasPrefix(slug[maxSlug:], "-") {
		return cut, nil
	}
	if i := strings.LastIndexByte(cut, '-'); i > 0 {
		return cut[:i], nil
	}
	return cut, nil
}

// checkBase returns an error unless base names a base text that a page of
// site may extend: one that exists and, unless site is the county, one
// that the commune tier delivers. The build applies the same rule.
func checkBase(cfg *federation.Config, site *federation.Site, base string) error {
	dir := filepath.Join(cfg.ContentDir, generator.SharedDir, "services")
	ids, err := baseIDs(dir)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, base) {
		return fmt.Errorf("unknown base text %q: name a file of %s without .md%s", base, dir, suggest.Hint(base, ids))
	}
	path := filepath.Join(dir, base+".md")
	tier, err := baseTier(path)
	if err != nil {
		return fmt.Errorf("reading base text %s: %w", path, err)
	}
	if tier == generator.TierCounty && site.Kind != federation.KindCounty {
		return fmt.Errorf("base text %q is delivered by the county: the county's portal publishes it and "+
			"commune portals link there, so site %q cannot extend it "+
			"(for a local service of its own, write a standalone page with --title and --category)", base, site.ID)
	}
	return nil
}

// baseIDs returns the ids of the base texts in dir, sorted.
func baseIDs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing base texts: %w", err)
	}
	var ids []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".") {
			ids = append(ids, strings.TrimSuffix(name, ".md"))
		}
	}
	return ids, nil
}

// baseTier returns the tier key of the front matter of the base text at
// path, or "" when it has none.
func baseTier(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "+++\n")
	if !ok {
		return "", errors.New("no TOML front matter between +++ lines")
	}
	matter, _, ok := strings.Cut("\n"+rest, "\n+++")
	if !ok {
		return "", errors.New("no closing +++ line after the front matter")
	}
	var values struct {
		Tier string `toml:"tier"`
	}
	if _, err := toml.Decode(matter, &values); err != nil {
		return "", fmt.Errorf("parsing front matter: %w", err)
	}
	return values.Tier, nil
}
