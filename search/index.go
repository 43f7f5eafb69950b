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
	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/search/german"
)

// Index is a search index opened read-only by Open. It is safe for
// concurrent use; many processes may open the same index.
type Index struct {
	// bleve searches all partitions: the one index, or an alias of them.
	bleve      bleve.Index
	partitions []indexPartition
	// slots are the group values of the documents of all partitions.
	slots      docSlots
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
// with the page layouts in dir/layouts. It searches the index of the
// whole federation in dir/index and the parts in dir/parts, which
// builds of some portals write, as one. A portal whose pages two of them
// contain is an error.
func Open(dir string) (*Index, error) {
	return open(dir, true)
}

func open(dir string, readOnly bool) (*Index, error) {
	if err := german.Register(); err != nil {
		return nil, fmt.Errorf("opening search index: registering analyzers: %w", err)
	}
	folders, err := ListFolders(dir)
	if err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	if len(folders) == 0 {
		if nested := filepath.Join(dir, "_search"); hasIndex(nested) {
			return nil, fmt.Errorf("opening search index: %s contains no index, but %s does; give that folder", dir, nested)
		}
		return nil, fmt.Errorf("opening search index: %s contains no index; build the federation first", dir)
	}
	if !readOnly && len(folders) > 1 {
		return nil, fmt.Errorf("opening search index: updates need the index of the whole federation, not parts")
	}
	info := folders[0].info
	for _, f := range folders[1:] {
		if !sameSites(info.Sites, f.info.Sites) {
			return nil, fmt.Errorf("opening search index: %s and %s come from different federations; build every part from the same sites.toml",
				folders[0].Path, f.Path)
		}
	}
	if err := checkDisjoint(folders); err != nil {
		return nil, fmt.Errorf("opening search index: %w", err)
	}
	var partitions []indexPartition
	for _, f := range folders {
		ps, err := openPartitions(f.indexDir, f.info.Partitions, len(partitions), readOnly)
		if err != nil {
			for _, p := range partitions {
				p.close()
			}
			return nil, fmt.Errorf("opening search index: %w; the index files are damaged or incomplete: "+
				"build the federation again, or copy the whole %s folder again", err, dir)
		}
		partitions = append(partitions, ps...)
	}
	layouts, err := loadLayouts(filepath.Join(dir, LayoutsDirName))
	if err != nil {
		for _, p := range partitions {
			p.close()
		}
		return nil, fmt.Errorf("opening search index: %w", err)
	}

	ix := &Index{
		bleve:      partitions[0].bleve,
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
		indexes := make([]bleve.Index, len(partitions))
		for i, p := range partitions {
			indexes[i] = p.bleve
		}
		ix.bleve = bleve.NewIndexAlias(indexes...)
	}
	for i := range ix.sites {
		ix.siteByID[ix.sites[i].ID] = &ix.sites[i]
		ix.siteOrder[ix.sites[i].ID] = i
	}
	for _, c := range info.Categories {
		ix.categories[c.ID] = c.Title
	}
	ix.indexDocuments()
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

// Folder is an index that Open searches: the index of the whole
// federation or a part of it.
type Folder struct {
	// Path is the folder: dir/index for the index of the whole federation,
	// dir/parts/<name> for a part. Deleting it removes the index.
	Path string
	// Sites are the IDs of the portals whose pages the index contains.
	Sites []string
	// indexDir is the folder of federation.json and the partitions.
	indexDir string
	info     federationInfo
}

// FederationSites returns the IDs of the portals of the federation that
// the index was built from, in the order of its sites.toml.
func (f Folder) FederationSites() []string {
	ids := make([]string, len(f.info.Sites))
	for i, s := range f.info.Sites {
		ids[i] = s.ID
	}
	return ids
}

// ListFolders reads the federation.json of the index of the whole
// federation in dir/index and of every part in dir/parts, which Open
// searches together. It returns none when dir does not exist.
func ListFolders(dir string) ([]Folder, error) {
	var folders []Folder
	if _, err := os.Stat(filepath.Join(dir, indexDirName)); err == nil {
		path := filepath.Join(dir, indexDirName)
		folders = append(folders, Folder{Path: path, indexDir: path})
	}
	parts, err := os.ReadDir(filepath.Join(dir, PartsDirName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, p := range parts {
		// Hidden folders are those that a build moves aside while it
		// replaces a part.
		if p.IsDir() && !strings.HasPrefix(p.Name(), ".") {
			path := filepath.Join(dir, PartsDirName, p.Name())
			folders = append(folders, Folder{Path: path, indexDir: filepath.Join(path, indexDirName)})
		}
	}
	for i := range folders {
		f := &folders[i]
		info, err := readFederationInfo(filepath.Join(f.indexDir, federationFileName))
		if err != nil {
			return nil, err
		}
		f.info = info
		f.Sites = info.Only
		if len(f.Sites) == 0 {
			f.Sites = f.FederationSites()
		}
	}
	return folders, nil
}

// checkDisjoint returns an error for the first portal whose pages two
// of folders contain, because a search would show them twice.
func checkDisjoint(folders []Folder) error {
	covered := map[string]string{}
	for _, f := range folders {
		for _, s := range f.Sites {
			// A part of an earlier version may name a portal twice.
			if other, dup := covered[s]; dup && other != f.Path {
				return fmt.Errorf("the pages of %s are in %s and in %s; keep one of them", s, other, f.Path)
			}
			covered[s] = f.Path
		}
	}
	return nil
}

// sameSites reports whether two indexes describe the same portals.
func sameSites(a, b []Site) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			return false
		}
	}
	return true
}

// openPartitions opens the n bleve indexes of indexDir, which come at
// position first and after among the partitions of the Index.
func openPartitions(indexDir string, n, first int, readOnly bool) ([]indexPartition, error) {
	if n < 1 {
		return nil, fmt.Errorf("%s: invalid number of partitions %d", federationFileName, n)
	}
	// Each partition is read into memory on a goroutine of its own.
	partitions := make([]indexPartition, n)
	opened := make([]bool, n)
	var g errgroup.Group
	for i := range n {
		g.Go(func() error {
			path := filepath.Join(indexDir, partitionDirPrefix+strconv.Itoa(i))
			p, err := openPartitionAt(path, first+i, readOnly)
			partitions[i], opened[i] = p, err == nil
			return err
		})
	}
	if err := g.Wait(); err != nil {
		for i := range partitions {
			if opened[i] {
				partitions[i].close()
			}
		}
		return nil, err
	}
	return partitions, nil
}

// hasIndex reports whether dir holds a search index that Open can open.
func hasIndex(dir string) bool {
	folders, err := ListFolders(dir)
	return err == nil && len(folders) > 0
}

// HasLayouts reports whether the index has a page layout of any portal,
// without which the results page is unthemed.
func (ix *Index) HasLayouts() bool { return len(ix.layouts) > 0 }

// MissingLayouts returns the IDs of the federation's portals that have
// no page layout, in the federation's order. A search from such a
// portal gets a results page without the portal's theme.
func (ix *Index) MissingLayouts() []string {
	var missing []string
	for _, s := range ix.sites {
		if _, ok := ix.layouts[s.ID]; !ok {
			missing = append(missing, s.ID)
		}
	}
	return missing
}

// Close closes the index.
func (ix *Index) Close() error {
	var errs []error
	if len(ix.partitions) > 1 {
		errs = append(errs, ix.bleve.Close())
	}
	for _, p := range ix.partitions {
		errs = append(errs, p.close())
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
