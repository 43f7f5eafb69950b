package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/search/german"
)

// Names inside the index directory.
const (
	// indexDirName is the folder that Build replaces on every run.
	indexDirName = "index"
	// bleveDirName is the bleve index inside indexDirName.
	bleveDirName = "bleve"
	// federationFileName stores the sites and categories next to the
	// bleve index.
	federationFileName = "federation.json"
	// LayoutsDirName is the folder of per-site page layouts that the
	// generator writes; Build leaves it alone.
	LayoutsDirName = "layouts"
)

// federationInfo is the content of federationFileName.
type federationInfo struct {
	Sites      []Site     `json:"sites"`
	Categories []Category `json:"categories"`
}

// Build writes a fresh search index of c into dir. It builds the index
// in a temporary folder inside dir and then swaps it with the previous
// index in dir/index, so a failed build leaves the previous index intact.
// Other entries of dir, such as the layouts folder, are left alone.
func Build(ctx context.Context, dir string, c *Corpus) error {
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

	if err := writeIndex(ctx, filepath.Join(tmp, bleveDirName), m, documents(c)); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	info := federationInfo{Sites: c.Sites, Categories: c.Categories}
	if err := writeJSONFile(filepath.Join(tmp, federationFileName), info); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	if err := swapDir(tmp, filepath.Join(dir, indexDirName)); err != nil {
		return fmt.Errorf("building search index: %w", err)
	}
	return nil
}

// maxSegmentDocs is the most documents the builder holds in memory
// before it writes them as one segment. Indexes of up to this many
// documents are written as a single segment, with nothing to merge.
const maxSegmentDocs = 50_000

// writeIndex writes docs into a new bleve index at path with bleve's
// offline builder. The builder maps and analyses documents on one
// goroutine, so workers first analyse every text in parallel to fill
// the analyzers' word caches; the builder then mostly finds its words
// there. On error, writeIndex leaves files in path's folder, which the
// caller removes.
func writeIndex(ctx context.Context, path string, m *mapping.IndexMappingImpl, docs []document) error {
	if len(docs) == 0 {
		// The offline builder cannot write an index without documents.
		idx, err := bleve.New(path, m)
		if err != nil {
			return fmt.Errorf("creating empty index: %w", err)
		}
		return idx.Close()
	}
	if err := warmAnalyzers(ctx, docs); err != nil {
		return err
	}
	builder, err := bleve.NewBuilder(path, m, map[string]interface{}{
		"batchSize":       min(len(docs), maxSegmentDocs),
		"buildPathPrefix": filepath.Dir(path),
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

// warmAnalyzers runs the analyzers of the index over the text fields of
// docs on one goroutine per CPU.
func warmAnalyzers(ctx context.Context, docs []document) error {
	index, prefix := german.IndexAnalyzer(), german.PrefixAnalyzer()
	g, ctx := errgroup.WithContext(ctx)
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		g.Go(func() error {
			for i := w; i < len(docs); i += workers {
				if err := ctx.Err(); err != nil {
					return err
				}
				for name, value := range docs[i].fields {
					a := index
					switch name {
					case fieldTitle, fieldKeywords, fieldSummary, fieldText:
					case fieldSuggest:
						a = prefix
					default:
						continue
					}
					switch v := value.(type) {
					case string:
						a.Warm(v)
					case []string:
						for _, s := range v {
							a.Warm(s)
						}
					}
				}
			}
			return nil
		})
	}
	return g.Wait()
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
