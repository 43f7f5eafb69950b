package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/util"
	index "github.com/blevesearch/bleve_index_api"
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
	// Each page's position is its place in c.Pages. The workers take the
	// pages in that order, so only the ranges of the pages in progress
	// are open (see Writer).
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range c.Pages {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return w.Add(i, p)
		})
	}
	err = g.Wait()
	if err == nil {
		// The loop stops early when ctx is cancelled.
		err = ctx.Err()
	}
	if err != nil {
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

// rangePositions is the number of positions (see Writer) whose
// documents the Writer holds before it analyses them and writes each
// partition's share as one segment. At the end it merges a partition's
// segments in one step. Analysed text takes several times the memory of
// the text, so this bounds the build's memory whatever the size of the
// federation. With bleve's offline builder, segments of 1,000 documents
// took the peak memory of a 10,000-page build from 750 to 520 MB against
// one segment per partition, for the same CPU time (bench/build.sh, 2
// cores). The Writer lets the other workers render while a range is
// written, so its ranges are smaller. The 10,000-page benchmark
// federation took 269 to 278 MB with ranges of 1,000 positions, 244 to
// 269 MB with 500, and 245 to 252 MB with that builder (3 to 6 builds
// each, 2 cores shared with other work).
const rangePositions = 500

// Writer builds a search index while the pages it indexes are rendered.
// Add takes each page's document at once and writes it with the others
// of its range, so the pages' text need not be held until the end.
// Close adds the documents of the base texts and the suggestions, which
// depend on every page, and puts the index in place, as Build does. Add
// may be called from several goroutines, in any order: the index is the
// same byte for byte (see also sortSectionAddresses and snapshotTime).
//
// Each document has a position, which orders the documents in the
// index, and the positions are cut into ranges of rangeSize. Once all
// positions of a range have arrived, the Add call that completes it
// analyses the range's documents and writes one segment of each
// partition. The positions come from the caller, which has the order of
// its pages before they render, so the Writer orders documents without
// waiting for an earlier one. A reorder buffer in front of the Writer
// would instead hold every document behind one slow page until that page
// arrives, where a range that misses a position holds only its own
// documents. With positions taken in order by a bounded number of
// workers, the ranges that miss positions are those of the positions in
// progress and the range after them.
type Writer struct {
	dir, tmp string
	mapping  *mapping.IndexMappingImpl
	mapper   *documentMapper
	// mappingJSON is the mapping as the index stores it.
	mappingJSON []byte
	bases       map[string]*Base
	parts       []*partitionWriter
	// rangeSize is the number of positions of a range, and segmentDocs
	// the number of shared documents of a partition's segment (Close).
	rangeSize, segmentDocs int

	mu sync.Mutex
	// ranges are the ranges that miss positions, by number.
	ranges map[int]*positionRange
	// written are the numbers of the ranges that Add wrote.
	written map[int]bool
	// lastRange is the highest range number that Add was given, -1
	// before the first.
	lastRange int
	// err is the first error of Add, or the reason the Writer takes no
	// more documents.
	err error
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
	mappingJSON, err := util.MarshalJSON(m)
	if err != nil {
		return nil, fmt.Errorf("building search index: encoding mapping: %w", err)
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
	w := &Writer{
		dir: dir, tmp: tmp, mapping: m, mapper: newDocumentMapper(m), mappingJSON: mappingJSON,
		bases: map[string]*Base{}, ranges: map[int]*positionRange{}, written: map[int]bool{}, lastRange: -1,
	}
	w.setRangeSize(rangePositions, n)
	for i := range bases {
		w.bases[bases[i].ID] = &bases[i]
	}
	for i := range n {
		part, err := newPartitionWriter(filepath.Join(tmp, partitionDirPrefix+strconv.Itoa(i)))
		if err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("building search index: %w", err)
		}
		w.parts = append(w.parts, part)
	}
	return w, nil
}

// setRangeSize sets the number of positions of a range, and the number
// of shared documents of a segment so that n partitions together
// analyse as many at a time.
func (w *Writer) setRangeSize(positions, n int) {
	w.rangeSize, w.segmentDocs = positions, max(1, positions/n)
}

// Add indexes the documents of pages, which take position in the order
// of the index's documents, after those of lower positions and in the
// order given. Positions count from 0, and Add takes each once, also a
// position without pages, because a range is written only when all its
// positions have arrived. A page that extends a base text needs it
// among the base texts given to NewWriter. After an error, Add and Close
// return an error.
func (w *Writer) Add(position int, pages ...Page) error {
	if position < 0 {
		return w.fail(fmt.Errorf("adding documents: invalid position %d", position))
	}
	docs := make([]positionedDoc, len(pages))
	for i, p := range pages {
		d := pageDocument(p, w.bases[p.Base])
		docs[i] = positionedDoc{position: position, index: i, partition: partitionOf(d.id, len(w.parts)), doc: d}
	}
	r, err := w.record(position, docs)
	if err != nil || r == nil {
		return err
	}
	// The range is complete. This goroutine writes it, one partition
	// after the other, while the other workers go on.
	for i := range w.parts {
		if err := w.indexSegment(i, r.number, r.takeDocs(i)); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// indexSegment analyses docs and writes them as the segment with key of
// partition i, unless docs is empty.
func (w *Writer) indexSegment(i, key int, docs []document) error {
	if len(docs) == 0 {
		return nil
	}
	analyzed := make([]index.Document, len(docs))
	for j, d := range docs {
		doc, err := w.mapper.analyzed(d)
		if err != nil {
			return fmt.Errorf("partition %d: %w", i, err)
		}
		analyzed[j] = doc
	}
	if err := w.parts[i].writeSegment(key, analyzed); err != nil {
		return fmt.Errorf("partition %d: %w", i, err)
	}
	return nil
}

// record puts docs at position into its range and returns the range if
// they complete it.
func (w *Writer) record(position int, docs []positionedDoc) (*positionRange, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return nil, w.err
	}
	n := position / w.rangeSize
	r := w.ranges[n]
	if r == nil && !w.written[n] {
		r = newPositionRange(n, w.rangeSize, len(w.parts))
		w.ranges[n] = r
	}
	if r == nil || !r.add(position-n*w.rangeSize, docs) {
		w.err = fmt.Errorf("adding documents: position %d added twice", position)
		return nil, w.err
	}
	w.lastRange = max(w.lastRange, n)
	if r.missing > 0 {
		return nil, nil
	}
	delete(w.ranges, n)
	w.written[n] = true
	return r, nil
}

// fail records err as the Writer's error, unless it has one, and
// returns err.
func (w *Writer) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
	return err
}

// Close adds the documents of c's base texts and suggestions, writes the
// index and swaps it with the previous one in dir. c lists every page
// given to Add, whose texts may be empty by now. Every call of Add must
// have returned. On error the previous index stays.
func (w *Writer) Close(ctx context.Context, c *Corpus) error {
	defer os.RemoveAll(w.tmp)
	w.mu.Lock()
	err := w.err
	w.err = errors.New("index writer closed")
	// A range that misses positions is complete now, because no more
	// documents come.
	open := slices.SortedFunc(maps.Values(w.ranges), func(a, b *positionRange) int {
		return cmp.Compare(a.number, b.number)
	})
	w.ranges = nil
	// The shared documents come after every page.
	firstShared := w.lastRange + 1
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("building search index: %w", err)
	}

	shared := make([][]document, len(w.parts))
	for _, d := range sharedDocuments(c) {
		i := partitionOf(d.id, len(w.parts))
		shared[i] = append(shared[i], d)
	}
	g, gctx := errgroup.WithContext(ctx)
	for i := range w.parts {
		g.Go(func() error { return w.finishPartition(gctx, i, open, firstShared, shared[i]) })
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

// finishPartition writes the segments of partition i: its documents of
// the ranges that Add left open, then its shared documents in segments
// of segmentDocs from key firstShared on. It then merges them.
func (w *Writer) finishPartition(ctx context.Context, i int, open []*positionRange, firstShared int,
	shared []document) error {
	for _, r := range open {
		if err := w.indexSegment(i, r.number, r.takeDocs(i)); err != nil {
			return err
		}
	}
	key := firstShared
	for docs := range slices.Chunk(shared, w.segmentDocs) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.indexSegment(i, key, docs); err != nil {
			return err
		}
		key++
	}
	if err := w.parts[i].finish(ctx, w.mappingJSON); err != nil {
		return fmt.Errorf("partition %d: %w", i, err)
	}
	return nil
}

// Abort removes what the Writer wrote and leaves the previous index.
// Every call of Add must have returned.
func (w *Writer) Abort() {
	w.mu.Lock()
	w.err = errors.New("index writer aborted")
	w.ranges = nil
	w.mu.Unlock()
	os.RemoveAll(w.tmp)
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
