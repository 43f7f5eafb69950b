package search

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bdocument "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/verbund/verbund/search/german"
)

// partitionWriter writes the bleve index of one partition in place of
// bleve's offline builder, whose segments hold their documents in a
// random order. Its segments hold the documents in the order they are
// given, and finish merges the segments in the order of their keys.
type partitionWriter struct {
	// path is the partition's index folder, and segmentDir the folder of
	// its segments until the merge.
	path, segmentDir string

	mu sync.Mutex
	// segments are the paths of the written segments by key.
	segments map[int]string
}

func newPartitionWriter(path string) (*partitionWriter, error) {
	p := &partitionWriter{path: path, segmentDir: path + ".segments", segments: map[int]string{}}
	if err := os.MkdirAll(p.segmentDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating segment folder: %w", err)
	}
	return p, nil
}

// documentMapper maps and analyses documents for a segment. It maps a
// document itself when every field is a string or a list of strings with
// a text field mapping, which is faster than bleve's MapDocument with its
// reflection. Other documents go to MapDocument.
type documentMapper struct {
	m *mapping.IndexMappingImpl
	// textFields are the text fields of each document type by name.
	textFields map[string]map[string]textFieldMapping
}

// textFieldMapping is the indexing options and analyzer of a text field.
type textFieldMapping struct {
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
}

// newDocumentMapper returns a documentMapper for the documents of m.
func newDocumentMapper(m *mapping.IndexMappingImpl) *documentMapper {
	dm := &documentMapper{m: m, textFields: map[string]map[string]textFieldMapping{}}
	for typ, docMapping := range m.TypeMapping {
		if !docMapping.Enabled {
			continue
		}
		fields := map[string]textFieldMapping{}
		for name, property := range docMapping.Properties {
			// A field with a name of its own, several mappings or
			// sub-fields goes through MapDocument.
			if len(property.Fields) != 1 || len(property.Properties) > 0 || !property.Enabled {
				continue
			}
			f := property.Fields[0]
			if f.Type != "text" || f.Name != "" && f.Name != name || f.Analyzer == "" {
				continue
			}
			a := m.AnalyzerNamed(f.Analyzer)
			if a == nil {
				continue
			}
			fields[name] = textFieldMapping{options: f.Options(), analyzer: a}
		}
		dm.textFields[typ] = fields
	}
	return dm
}

// analyzed maps d, as bleve's Index does, and analyses its indexed
// fields, as scorch does before it writes a segment.
func (dm *documentMapper) analyzed(d document) (*bdocument.Document, error) {
	if d.id == "" {
		return nil, errors.New("mapping document: missing ID")
	}
	doc := dm.mapText(d)
	if doc == nil {
		doc = bdocument.NewDocument(d.id)
		if err := dm.m.MapDocument(doc, d.fields); err != nil {
			return nil, fmt.Errorf("mapping %s: %w", d.id, err)
		}
	}
	// scorch composes the _all field and indexes nested documents, both
	// of which our mapping lacks, so this writer does neither.
	if doc.HasComposite() || len(doc.NestedDocuments) > 0 {
		return nil, fmt.Errorf("mapping %s: composite fields and nested documents are not supported", d.id)
	}
	// MapDocument adds the fields of a map in Go's random map order. That
	// order does not change the segment, because zap numbers the fields
	// by name and writes each field's data in turn.
	doc.AddIDField()
	for i, f := range doc.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		if cf := countedFieldOf(f); cf != nil {
			doc.Fields[i] = cf
			continue
		}
		f.Analyze()
	}
	return doc, nil
}

// mapText returns d mapped as MapDocument maps it, or nil if d has a
// field that is not a string or list of strings with a text field
// mapping of its type.
func (dm *documentMapper) mapText(d document) *bdocument.Document {
	typ, _ := d.fields[dm.m.TypeField].(string)
	mappings := dm.textFields[typ]
	if mappings == nil {
		return nil
	}
	n := 1 // the ID field
	for name, value := range d.fields {
		if name == dm.m.TypeField {
			continue
		}
		if _, ok := mappings[name]; !ok {
			return nil
		}
		switch v := value.(type) {
		case string:
			n++
		case []string:
			n += len(v)
		default:
			return nil
		}
	}
	doc := bdocument.NewDocument(d.id)
	doc.Fields = make([]bdocument.Field, 0, n)
	for name, value := range d.fields {
		if name == dm.m.TypeField {
			continue
		}
		f := mappings[name]
		switch v := value.(type) {
		case string:
			// MapDocument gives a field outside a list empty, not nil,
			// array positions.
			doc.AddField(bdocument.NewTextFieldCustom(name, []uint64{}, []byte(v), f.options, f.analyzer))
		case []string:
			for i, s := range v {
				positions := []uint64{uint64(i)}
				doc.AddField(bdocument.NewTextFieldCustom(name, positions, []byte(s), f.options, f.analyzer))
			}
		}
	}
	doc.SetIndexed()
	return doc
}

// countedField is a text field that a German analyzer has analysed with
// Frequencies instead of Analyze. zap reads the same from it as from a
// bleve TextField after its Analyze.
type countedField struct {
	*bdocument.TextField
	length int
	freqs  index.TokenFrequencies
}

// countedFieldOf analyses f with Frequencies if it is a text field of a
// German analyzer without term vectors, and returns nil otherwise.
func countedFieldOf(f bdocument.Field) *countedField {
	tf, ok := f.(*bdocument.TextField)
	if !ok || tf.Options().IncludeTermVectors() {
		return nil
	}
	a, ok := tf.Analyzer().(*german.Analyzer)
	if !ok {
		return nil
	}
	freqs, length := a.Frequencies(tf.Value(), !tf.Options().SkipFreqNorm())
	return &countedField{TextField: tf, length: length, freqs: freqs}
}

// Analyze does nothing, because countedFieldOf analysed the field.
func (f *countedField) Analyze() {}

func (f *countedField) AnalyzedLength() int { return f.length }

func (f *countedField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

func (f *countedField) Size() int { return f.TextField.Size() + f.freqs.Size() }

// writeSegment writes docs as the segment with key. Keys are unique
// and order the segments in the final index.
func (p *partitionWriter) writeSegment(key int, docs []index.Document) error {
	seg, _, err := segmentPlugin.New(docs)
	if err != nil {
		return fmt.Errorf("creating segment: %w", err)
	}
	// The segment is written as its Persist writes it, without the
	// sync to the disk, like the other files of a build.
	persistable, ok := seg.(io.WriterTo)
	if !ok {
		return fmt.Errorf("creating segment: %T cannot be written to a file", seg)
	}
	path := filepath.Join(p.segmentDir, fmt.Sprintf("%09d.zap", key))
	err = writeSegmentFile(path, persistable)
	if closeErr := seg.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing segment: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.segments[key]; ok {
		return fmt.Errorf("writing segment: key %d written twice", key)
	}
	p.segments[key] = path
	return nil
}

// writeSegmentFile writes seg to a new file at path.
func writeSegmentFile(path string, seg io.WriterTo) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	_, err = seg.WriteTo(w)
	if err == nil {
		err = w.Flush()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// finish merges the segments into the partition's one segment, removes
// the segment folder and writes the files that make the partition's
// folder a bleve index with the mapping mappingJSON. No segment may be
// written meanwhile.
func (p *partitionWriter) finish(ctx context.Context, mappingJSON []byte) error {
	store := filepath.Join(p.path, storeDirName)
	if err := os.MkdirAll(store, 0o700); err != nil {
		return fmt.Errorf("creating index folder: %w", err)
	}
	keys := slices.Sorted(maps.Keys(p.segments))
	paths := make([]string, len(keys))
	for i, k := range keys {
		paths[i] = p.segments[k]
	}
	final := filepath.Join(store, finalSegmentName)
	segmentFile := finalSegmentName
	switch len(paths) {
	case 0:
		// A partition without documents is an index without segments.
		segmentFile = ""
	case 1:
		if err := os.Rename(paths[0], final); err != nil {
			return fmt.Errorf("moving segment: %w", err)
		}
	default:
		if err := mergeSegments(ctx, paths, final); err != nil {
			return err
		}
	}
	if segmentFile != "" {
		if err := sortSectionAddresses(final); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(p.segmentDir); err != nil {
		return fmt.Errorf("removing segment folder: %w", err)
	}
	if err := writeRootBolt(store, mappingJSON, segmentFile); err != nil {
		return err
	}
	return writeIndexMeta(p.path)
}

// mergeSegments merges the segment files at paths, in their order, into
// one at dst. A merge rewrites every document of the segments it
// merges, so all segments are merged at once.
func mergeSegments(ctx context.Context, paths []string, dst string) (err error) {
	segments := make([]segment.Segment, 0, len(paths))
	defer func() {
		for _, s := range segments {
			err = errors.Join(err, s.Close())
		}
	}()
	for _, path := range paths {
		s, err := segmentPlugin.Open(path)
		if err != nil {
			return fmt.Errorf("opening segment for merge: %w", err)
		}
		segments = append(segments, s)
	}
	// zap stops a merge when the channel it is given closes.
	cancel := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(cancel) })
	defer stop()
	// No document is dropped.
	drops := make([]*roaring.Bitmap, len(segments))
	if _, _, err := segmentPlugin.Merge(segments, drops, dst, cancel, nil); err != nil {
		return fmt.Errorf("merging %d segments: %w", len(segments), cmp.Or(ctx.Err(), err))
	}
	return nil
}
