package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/verbund/verbund/search/german"
)

// Index is a search index opened read-only by Open. It is safe for
// concurrent use; many processes may open the same index.
type Index struct {
	// bleve searches all partitions: the one index, or an alias of them.
	bleve      bleve.Index
	partitions []bleve.Index
	sites      []Site
	siteByID   map[string]*Site
	siteOrder  map[string]int
	categories map[string]string
	analyzer   *german.Analyzer
	prefix     *german.Analyzer
	synonyms   *german.Synonyms
	layouts    map[string]layout
	// termLimit bounds the term searchers of one search (maxTermSearchers).
	termLimit int
}

// Open opens the index that Build wrote into dir, read-only, together
// with the page layouts in dir/layouts.
func Open(dir string) (*Index, error) {
	if err := german.Register(); err != nil {
		return nil, fmt.Errorf("opening search index: registering analyzers: %w", err)
	}
	indexDir := filepath.Join(dir, indexDirName)
	info, err := readFederationInfo(filepath.Join(indexDir, federationFileName))
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	layouts, err := loadLayouts(filepath.Join(dir, LayoutsDirName))
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	partitions, err := openPartitions(indexDir, info.Partitions)
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}

	ix := &Index{
		bleve:      partitions[0],
		partitions: partitions,
		sites:      info.Sites,
		siteByID:   map[string]*Site{},
		siteOrder:  map[string]int{},
		categories: map[string]string{},
		analyzer:   german.IndexAnalyzer(),
		prefix:     german.PrefixAnalyzer(),
		synonyms:   german.DefaultSynonyms(),
		layouts:    layouts,
		termLimit:  maxTermSearchers,
	}
	if len(partitions) > 1 {
		ix.bleve = bleve.NewIndexAlias(partitions...)
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

func readFederationInfo(path string) (federationInfo, error) {
	var info federationInfo
	data, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("decoding %s: %w", path, err)
	}
	return info, nil
}

// openPartitions opens the n bleve indexes of indexDir read-only.
func openPartitions(indexDir string, n int) ([]bleve.Index, error) {
	if n < 1 {
		return nil, fmt.Errorf("%s: invalid number of partitions %d", federationFileName, n)
	}
	var partitions []bleve.Index
	for i := range n {
		path := filepath.Join(indexDir, partitionDirPrefix+strconv.Itoa(i))
		b, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
		if err != nil {
			for _, p := range partitions {
				p.Close()
			}
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		partitions = append(partitions, b)
	}
	return partitions, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	var errs []error
	if len(ix.partitions) > 1 {
		errs = append(errs, ix.bleve.Close())
	}
	for _, p := range ix.partitions {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
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
// expands to more term searchers than the limit allows. Bleve v2.6.3
// returns it as a plain error starting with "TooManyTermSearchers", so
// its text is the only way to tell.
func isTooBroad(err error) bool {
	return err != nil && strings.Contains(err.Error(), "TooManyTermSearchers")
}

// isDeadline reports whether err comes from a search that ran out of
// time or was cancelled.
func isDeadline(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
