package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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
	m, err := newMapping()
	if err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".index-")
	if err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	defer os.RemoveAll(tmp)

	docs := documents(c)
	if n == 0 {
		n = partitionCount(len(docs))
	}
	parts := partition(docs, n)
	g, gctx := errgroup.WithContext(ctx)
	for i, docs := range parts {
		g.Go(func() error {
			return writeIndex(gctx, filepath.Join(tmp, partitionDirPrefix+strconv.Itoa(i)), m, docs)
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	info := federationInfo{Sites: c.Sites, Categories: c.Categories, Partitions: len(parts), Only: c.Only}
	if err := writeJSONFile(filepath.Join(tmp, federationFileName), info); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	if err := swapDir(tmp, filepath.Join(dir, indexDirName)); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	return nil
}

// partitionCount returns the number of partitions for n documents.
func partitionCount(n int) int {
	if n < minPartitionDocs {
		return 1
	}
	return maxPartitions
}

// partition splits docs into n parts of about the same amount of text:
// each document goes to the part with the least text so far.
func partition(docs []document, n int) [][]document {
	parts := make([][]document, n)
	size := make([]int, n)
	for _, d := range docs {
		i := 0
		for j := range size {
			if size[j] < size[i] {
				i = j
			}
		}
		parts[i] = append(parts[i], d)
		size[i] += d.textBytes()
	}
	return parts
}

// maxSegmentDocs is the most documents the builder analyses and holds
// in memory before it writes them as one segment; at the end it merges
// a partition's segments in one step. Analysed text takes several times
// the memory of the text, so this bounds the build's memory whatever the
// size of the federation. At 10,000 pages, segments of 1,000 documents
// took the build's peak memory from 750 to 520 MB against one segment
// per partition, for the same CPU time (bench/build.sh, 2 cores).
const maxSegmentDocs = 1000

// writeIndex writes docs into a new bleve index at path with bleve's
// offline builder. On error, writeIndex leaves files in path's folder,
// which the caller removes.
func writeIndex(ctx context.Context, path string, m *mapping.IndexMappingImpl, docs []document) error {
	if len(docs) == 0 {
		// The offline builder cannot write an index without documents.
		idx, err := bleve.New(path, m)
		if err != nil {
			return fmt.Errorf("creating empty index: %w", err)
		}
		return idx.Close()
	}
	builder, err := bleve.NewBuilder(path, m, map[string]interface{}{
		"batchSize":       min(len(docs), maxSegmentDocs),
		"buildPathPrefix": filepath.Dir(path),
		// Merge all segments at once: a merge rewrites every document
		// of the segments it merges, so merging in rounds costs more.
		"mergeMax": (len(docs) + maxSegmentDocs - 1) / maxSegmentDocs,
	})
	if err != nil {
		return fmt.Errorf("creating index builder: %w", err)
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := builder.Index(d.id, d.fields); err != nil {
			return fmt.Errorf("indexing %s: %w", d.id, err)
		}
	}
	if err := builder.Close(); err != nil {
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
