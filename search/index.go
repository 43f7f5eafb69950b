package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/verbund/verbund/search/german"
)

// Index is a search index opened read-only by Open. It is safe for
// concurrent use; many processes may open the same index.
type Index struct {
	bleve      bleve.Index
	sites      []Site
	siteByID   map[string]*Site
	siteOrder  map[string]int
	categories map[string]string
	analyzer   *german.Analyzer
	prefix     *german.Analyzer
	synonyms   *german.Synonyms
	layouts    map[string]layout
}

// Open opens the index that Build wrote into dir, read-only, together
// with the page layouts in dir/layouts.
func Open(dir string) (*Index, error) {
	if err := german.Register(); err != nil {
		return nil, fmt.Errorf("opening search index: registering analyzers: %w", err)
	}
	indexDir := filepath.Join(dir, indexDirName)
	data, err := os.ReadFile(filepath.Join(indexDir, federationFileName))
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	var info federationInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("opening search index: decoding %s: %w", federationFileName, err)
	}
	layouts, err := loadLayouts(filepath.Join(dir, LayoutsDirName))
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	b, err := bleve.OpenUsing(filepath.Join(indexDir, bleveDirName), map[string]interface{}{
		"read_only": true,
	})
	if err != nil {
		return nil, fmt.Errorf("opening search index %s: %w", indexDir, err)
	}
	ix := &Index{
		bleve:      b,
		sites:      info.Sites,
		siteByID:   map[string]*Site{},
		siteOrder:  map[string]int{},
		categories: map[string]string{},
		analyzer:   german.IndexAnalyzer(),
		prefix:     german.PrefixAnalyzer(),
		synonyms:   german.DefaultSynonyms(),
		layouts:    layouts,
	}
	for i := range ix.sites {
		ix.siteByID[ix.sites[i].ID] = &ix.sites[i]
		ix.siteOrder[ix.sites[i].ID] = i
	}
	for _, c := range info.Categories {
		ix.categories[c.ID] = c.Title
	}
	return ix, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	return ix.bleve.Close()
}

// Sites returns the portals of the federation, in the order of the
// corpus the index was built from.
func (ix *Index) Sites() []Site {
	return slices.Clone(ix.sites)
}

// responsibleSites returns site and the sites above it, nearest first:
// the portals whose pages a citizen of site should see first.
func (ix *Index) responsibleSites(site string) []string {
	var chain []string
	for s := ix.siteByID[site]; s != nil && len(chain) <= len(ix.sites); s = ix.siteByID[s.Parent] {
		chain = append(chain, s.ID)
	}
	return chain
}

// siteRank returns the position of a site in the federation's order;
// unknown sites come last.
func (ix *Index) siteRank(id string) int {
	if i, ok := ix.siteOrder[id]; ok {
		return i
	}
	return len(ix.sites)
}

func (ix *Index) siteName(id string) string {
	if s := ix.siteByID[id]; s != nil && s.Name != "" {
		return s.Name
	}
	return id
}

// isTooBroad reports whether err is bleve's error for a query that
// expands to more term searchers than the limit allows. Bleve reports it
// as a plain error, so its text is the only way to tell.
func isTooBroad(err error) bool {
	return err != nil && strings.Contains(err.Error(), "TooManyTermSearchers")
}

// isDeadline reports whether err comes from a search that ran out of
// time or was cancelled.
func isDeadline(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
