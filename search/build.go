package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"golang.org/x/sync/errgroup"
)

// Names inside the index directory.
const (
	// indexDirName is the folder that Build replaces on every run.
	indexDirName = "index"
	// partitionDirPrefix names the bleve index of each partition inside
	// indexDirName: part-0, part-1 and so on.
	partitionDirPrefix = "part-"
	// federationFileName stores the sites and categories next to the
	// bleve index.
	federationFileName = "federation.json"
	// LayoutsDirName is the folder of per-site page layouts that the
	// generator writes; Build leaves it alone.
	LayoutsDirName = "layouts"
	// PartsDirName is the folder of index parts: each folder in it holds
	// the index of some portals, as Build writes it, and Open searches
	// all parts and the index of the whole federation as one.
	PartsDirName = "parts"
)

// federationInfo is the content of federationFileName.
type federationInfo struct {
	Sites      []Site     `json:"sites"`
	Categories []Category `json:"categories"`
	// Partitions is the number of bleve indexes the documents are split
	// into.
	Partitions int `json:"partitions"`
	// Only names the sites whose pages the index holds, when it is a part
	// of the federation's index; empty means all.
	Only []string `json:"only,omitempty"`
}

const (
	// minPartitionDocs is the number of documents from which Build splits
	// the index into maxPartitions partitions, built in parallel and
	// searched together. Each partition scores with its own BM25
	// statistics, which differ little from those of the whole only when
	// partitions are large, so smaller federations get one index.
	minPartitionDocs = 4000
	// maxPartitions is the number of partitions of a large index. It is a
	// constant, not the number of CPUs, so that the same content gives the
	// same index on every machine.
	maxPartitions = 2
)

// Build writes a fresh search index of c into dir. It builds the index
// in a temporary folder inside dir and then swaps it with the previous
// index in dir/index, so a failed build leaves the previous index intact.
// Other entries of dir, such as the layouts folder, are left alone.
func Build(ctx context.Context, dir string, c *Corpus) error {
	return build(ctx, dir, c, 0)
}

// build is Build with n partitions, or as many as partitionCount
// chooses when n is 0.
func build(ctx context.Context, dir string, c *Corpus, n int) error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("building search index: invalid content: %w", err)
	}
	w, err := newWriter(dir, c.Bases, len(c.Pages), n)
	if err != nil {
		return err
	}
	// Each partition's pages are indexed by a goroutine of their own, so
	// the partitions are built in parallel.
	parts := make([][]Page, len(w.parts))
	for _, p := range c.Pages {
		i := partitionOf(p.URL, len(parts))
		parts[i] = append(parts[i], p)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, pages := range parts {
		g.Go(func() error {
			for _, p := range pages {
				if err := gctx.Err(); err != nil {
					return err
				}
				if err := w.Add(p); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		w.Abort()
		return fmt.Errorf("building search index: %w", err)
	}
	return w.Close(ctx, c)
}

// partitionCount returns the number of partitions for n documents.
func partitionCount(n int) int {
	if n < minPartitionDocs {
		return 1
	}
	return maxPartitions
}

// maxSegmentDocs is the most documents the builder analyses and holds
// in memory before it writes them as one segment. At the end it merges
// a partition's segments in one step. Analysed text takes several times
// the memory of the text, so this bounds the build's memory whatever the
// size of the federation. At 10,000 pages, segments of 1,000 documents
// took the build's peak memory from 750 to 520 MB against one segment
// per partition, for the same CPU time (bench/build.sh, 2 cores).
const maxSegmentDocs = 1000

// Writer builds a search index while the pages it indexes are rendered.
// Add indexes each page's own document at once, so the pages' text need
// not be held until the end. Close adds the documents of the base texts
// and the suggestions, which depend on every page, and puts the index in
// place, as Build does. Add may be called from several goroutines.
type Writer struct {
	dir, tmp string
	mapping  *mapping.IndexMappingImpl
	bases    map[string]*Base
	parts    []*writerPart
}

// writerPart is a partition of the index that a Writer builds.
type writerPart struct {
	mu   sync.Mutex
	path string
	// builder is created with the partition's first document, because
	// bleve's builder cannot write an index without one.
	builder bleve.Builder
	err     error
}

// NewWriter returns a Writer that builds a fresh index into dir for a
// federation with the given base texts. pageCount, about the number of
// pages, decides the number of partitions.
func NewWriter(dir string, bases []Base, pageCount int) (*Writer, error) {
	return newWriter(dir, bases, pageCount, 0)
}

func newWriter(dir string, bases []Base, pages, n int) (*Writer, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("building search index: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("building search index: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".index-")
	if err != nil {
		return nil, fmt.Errorf("building search index: %w", err)
	}
	if n == 0 {
		n = partitionCount(pages + len(bases))
	}
	w := &Writer{dir: dir, tmp: tmp, mapping: m, bases: map[string]*Base{}}
	for i := range bases {
		w.bases[bases[i].ID] = &bases[i]
	}
	for i := range n {
		w.parts = append(w.parts, &writerPart{path: filepath.Join(tmp, partitionDirPrefix+strconv.Itoa(i))})
	}
	return w, nil
}

// Add indexes the document of page p. A page that extends a base text
// needs it among the base texts given to NewWriter.
func (w *Writer) Add(p Page) error {
	return w.index(pageDocument(p, w.bases[p.Base]))
}

// index adds d to its partition.
func (w *Writer) index(d document) error {
	part := w.parts[partitionOf(d.id, len(w.parts))]
	part.mu.Lock()
	defer part.mu.Unlock()
	if part.err != nil {
		return part.err
	}
	if part.builder == nil {
		part.builder, part.err = bleve.NewBuilder(part.path, w.mapping, map[string]interface{}{
			"batchSize":       maxSegmentDocs,
			"buildPathPrefix": filepath.Dir(part.path),
			// Merge all segments at once, because a merge rewrites every
			// document of the segments it merges.
			"mergeMax": math.MaxInt32,
		})
		if part.err != nil {
			part.err = fmt.Errorf("creating index builder: %w", part.err)
			return part.err
		}
	}
	if err := part.builder.Index(d.id, d.fields); err != nil {
		part.err = fmt.Errorf("indexing %s: %w", d.id, err)
	}
	return part.err
}

// Close adds the documents of c's base texts and suggestions, writes the
// index and swaps it with the previous one in dir. c lists every page
// given to Add, whose texts may be empty by now. On error the previous
// index stays.
func (w *Writer) Close(ctx context.Context, c *Corpus) error {
	defer os.RemoveAll(w.tmp)
	for _, d := range sharedDocuments(c) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.index(d); err != nil {
			return fmt.Errorf("building search index: %w", err)
		}
	}
	var g errgroup.Group
	for _, part := range w.parts {
		g.Go(func() error { return part.close(w.mapping) })
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	info := federationInfo{Sites: c.Sites, Categories: c.Categories, Partitions: len(w.parts), Only: c.Only}
	if err := writeJSONFile(filepath.Join(w.tmp, federationFileName), info); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	if err := swapDir(w.tmp, filepath.Join(w.dir, indexDirName)); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	return nil
}

// Abort removes what the Writer wrote and leaves the previous index.
func (w *Writer) Abort() {
	for _, part := range w.parts {
		part.mu.Lock()
		part.err = errors.New("index writer aborted")
		part.mu.Unlock()
	}
	os.RemoveAll(w.tmp)
}

// close writes the partition's index, an empty one with mapping m when
// it has no documents.
func (p *writerPart) close(m *mapping.IndexMappingImpl) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	if p.builder == nil {
		// A partition without documents.
		idx, err := bleve.New(p.path, m)
		if err != nil {
			return fmt.Errorf("creating empty index: %w", err)
		}
		return idx.Close()
	}
	if err := p.builder.Close(); err != nil {
		return fmt.Errorf("writing index: %w", err)
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return nil
}

// swapDir moves the folder src to dst, replacing a previous dst. The
// previous folder is first renamed aside, so dst is never half-written.
func swapDir(src, dst string) error {
	old := ""
	if _, err := os.Stat(dst); err == nil {
		old = dst + ".old"
		if err := os.RemoveAll(old); err != nil {
			return err
		}
		if err := os.Rename(dst, old); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		if old != "" {
			err = errors.Join(err, os.Rename(old, dst))
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
