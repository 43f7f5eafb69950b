package search

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// indexPartition is one of the bleve indexes that an Index searches
// together, with what searches need from it in memory, read when it is
// opened. Searches run on an index opened read-only (Open), whose data
// never change, so the memory stays current. An index opened for an
// update (UpdateDir) is not searched.
type indexPartition struct {
	bleve bleve.Index
	// reader is the snapshot that the memory was read from.
	reader index.IndexReader
	// vocabulary expands words with typos.
	vocabulary vocabulary
	// docs are the service documents by their document number, the value
	// of the internal ID that a search's hits carry, nil for the others.
	docs []*docInfo
	// ranks are the ranks of docs, math.MaxInt for nil, in an array of
	// their own. A search reads the rank of every document that enters
	// its window, and reading it from scattered docInfo values cost more
	// than the rest of keeping the hit.
	ranks []int
	// firstSlot is the slot (Index.slots) of the partition's document
	// number 0.
	firstSlot int
	// segments are the segments of reader, which storedText reads the
	// text from.
	segments []docSegment
	// scoringModel returns the scoring model of the index mapping, which
	// the term searchers of a search read from its context.
	scoringModel bsearch.GetScoringModelCallbackFn
}

// docInfo is the part of a service document that searches need: its doc
// values, which grouping needs, and the stored fields that results show.
type docInfo struct {
	id string
	// group is the key that joins the hits of one service, and groupID
	// its number, the same for the same key in every partition.
	group   string
	groupID int
	// siteList is the doc value with the IDs of the sites that offer
	// the service, separated by spaces. sites has the positions of those
	// sites in the federation's list, ascending, and otherSites the IDs
	// of any sites that the list lacks.
	siteList   string
	sites      []int
	otherSites []string
	category   string
	// rank is the document's place among all documents of the index
	// ordered by group, site list, category and ID. It orders hits of
	// equal score.
	rank int
	// partition is the position of the document's partition, and number
	// its document number there.
	partition int
	number    uint64

	// The stored fields that results show, but the text, which is large
	// and read only for snippets (storedText).
	name, url, site, kind, abstract string
	// offers are "site url" of each page that offers a base text.
	offers []string
}

// openPartitionAt opens the bleve index at path, the partition at
// position i. Opened read-only, for searches, it reads its vocabulary and
// documents.
func openPartitionAt(path string, i int, readOnly bool) (indexPartition, error) {
	b, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": readOnly})
	if err != nil {
		return indexPartition{}, fmt.Errorf("opening %s: %w", path, err)
	}
	p := indexPartition{bleve: b}
	if !readOnly {
		// An index opened for an update is not searched, so it needs
		// nothing in memory.
		return p, nil
	}
	model := scoringModelOf(b.Mapping())
	p.scoringModel = func() string { return model }
	advanced, err := b.Advanced()
	if err == nil {
		p.reader, err = advanced.Reader()
	}
	if err == nil {
		p.segments = segmentsOf(p.reader)
		p.vocabulary, err = readVocabulary(p.reader)
	}
	if err == nil {
		p.docs, err = readDocInfo(p.reader, i)
	}
	if err != nil {
		return p, errors.Join(fmt.Errorf("opening %s: %w", path, err), p.close())
	}
	return p, nil
}

// scoringModelOf returns the scoring model that bleve's Index.Search
// uses with mapping m: BM25 if the mapping sets it, else tf-idf.
func scoringModelOf(m mapping.IndexMapping) string {
	if impl, ok := m.(*mapping.IndexMappingImpl); ok && impl.ScoringModel == index.BM25Scoring {
		return index.BM25Scoring
	}
	return index.DefaultScoringModel
}

// close closes the reader and the index.
func (p *indexPartition) close() error {
	var errs []error
	if p.reader != nil {
		errs = append(errs, p.reader.Close())
	}
	return errors.Join(append(errs, p.bleve.Close())...)
}

// maxDocNumber bounds the document numbers of a partition, and so the
// length of its docs. bleve's scorch index numbers the documents from 0
// upwards, segment after segment.
const maxDocNumber = 1 << 30

// readDocInfo reads the group values and the small stored fields of
// every service document of r, the partition at position partition.
// Doc values are compressed in chunks of documents, so reading them in
// the order of the documents decompresses each chunk once. Reading them
// for each search's hits instead, in the order of their scores, cost more
// than the rest of the search.
func readDocInfo(r index.IndexReader, partition int) ([]*docInfo, error) {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("reading doc values: %w", err)
	}
	defer ids.Close()
	dv, err := r.DocValueReader([]string{fieldGroup, fieldSiteList, fieldCategory})
	if err != nil {
		return nil, fmt.Errorf("reading doc values: %w", err)
	}
	// Many documents share a group, a site or a category, so they share
	// one copy of its string.
	interned := map[string]string{}
	intern := func(b []byte) string {
		if s, ok := interned[string(b)]; ok {
			return s
		}
		s := string(b)
		interned[s] = s
		return s
	}

	var docs []*docInfo
	for {
		id, err := ids.Next()
		if err != nil {
			return nil, fmt.Errorf("reading doc values: %w", err)
		}
		if id == nil {
			return docs, nil
		}
		d := docInfo{partition: partition}
		err = dv.VisitDocValues(id, func(field string, term []byte) {
			switch field {
			case fieldGroup:
				d.group = intern(term)
			case fieldSiteList:
				d.siteList = intern(term)
			case fieldCategory:
				d.category = intern(term)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("reading doc values: %w", err)
		}
		if d.group == "" {
			// Suggestions have no group, and no search for services
			// finds them.
			continue
		}
		if d.id, err = r.ExternalID(id); err != nil {
			return nil, fmt.Errorf("reading document ID: %w", err)
		}
		if err := readStoredFields(r, &d); err != nil {
			return nil, err
		}
		n := id.Value()
		d.number = n
		if n >= maxDocNumber {
			return nil, fmt.Errorf("reading documents: document number %d out of range", n)
		}
		if n >= uint64(len(docs)) {
			docs = slices.Grow(docs, int(n)+1-len(docs))[:n+1]
		}
		docs[n] = &d
	}
}

// readStoredFields sets the stored fields of d but the text.
func readStoredFields(r index.IndexReader, d *docInfo) error {
	doc, err := r.Document(d.id)
	if err != nil {
		return fmt.Errorf("reading document %s: %w", d.id, err)
	}
	if doc == nil {
		return fmt.Errorf("reading document %s: not found", d.id)
	}
	// A field with several values is visited once for each value. Of
	// all but the offers, the first value counts.
	first := func(dst *string, f index.Field) {
		if *dst == "" {
			*dst = string(f.Value())
		}
	}
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldName:
			first(&d.name, f)
		case fieldURL:
			first(&d.url, f)
		case fieldSite:
			first(&d.site, f)
		case fieldKind:
			first(&d.kind, f)
		case fieldAbstract:
			first(&d.abstract, f)
		case fieldOffers:
			d.offers = append(d.offers, string(f.Value()))
		}
	})
	return nil
}

// storedText returns the stored text of d. It reads the text field alone
// from d's segment, where reader.Document would copy every stored field
// of the document and look its number up by its ID first.
func (ix *Index) storedText(d *docInfo) (string, error) {
	p := &ix.partitions[d.partition]
	if len(p.segments) == 0 {
		return p.documentText(d)
	}
	i := sort.Search(len(p.segments), func(i int) bool { return p.segments[i].first > d.number }) - 1
	if i < 0 {
		return "", fmt.Errorf("loading text of %s: document number %d not in any segment", d.id, d.number)
	}
	var text string
	found := false
	seg := p.segments[i]
	err := seg.snapshot.VisitDocument(d.number-seg.first, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fieldText {
			text, found = string(value), true
		}
		return !found
	})
	if err != nil {
		return "", fmt.Errorf("loading text of %s: %w", d.id, err)
	}
	return text, nil
}

// documentText returns the stored text of d through the reader's
// Document, for a reader that is no scorch snapshot.
func (p *indexPartition) documentText(d *docInfo) (string, error) {
	doc, err := p.reader.Document(d.id)
	if err != nil {
		return "", fmt.Errorf("loading text of %s: %w", d.id, err)
	}
	var text string
	if doc != nil {
		doc.VisitFields(func(f index.Field) {
			if f.Name() == fieldText && text == "" {
				text = string(f.Value())
			}
		})
	}
	return text, nil
}

// docSegment is a segment of a partition's snapshot and the number of
// its first document. scorch numbers the documents of a snapshot from 0
// upwards, segment after segment, counting deleted documents too.
type docSegment struct {
	snapshot *scorch.SegmentSnapshot
	first    uint64
}

// segmentsOf returns the segments of r, or nil if r is no scorch
// snapshot.
func segmentsOf(r index.IndexReader) []docSegment {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	var segments []docSegment
	var first uint64
	for _, s := range snap.Segments() {
		segments = append(segments, docSegment{snapshot: s, first: first})
		first += s.Segment().Count()
	}
	return segments
}

// indexDocuments sets what the documents of all partitions need from
// the whole index: their rank, the number of their group and the
// positions of their sites. It also fills each partition's ranks and
// the index's slots.
func (ix *Index) indexDocuments() {
	var all []*docInfo
	for _, p := range ix.partitions {
		for _, d := range p.docs {
			if d != nil {
				all = append(all, d)
			}
		}
	}
	slices.SortFunc(all, func(a, b *docInfo) int {
		return cmp.Or(
			cmp.Compare(a.group, b.group),
			cmp.Compare(a.siteList, b.siteList),
			cmp.Compare(a.category, b.category),
			cmp.Compare(a.id, b.id),
		)
	})
	groupIDs := map[string]int{}
	for i, d := range all {
		d.rank = i
		id, ok := groupIDs[d.group]
		if !ok {
			id = len(groupIDs)
			groupIDs[d.group] = id
		}
		d.groupID = id
		for _, s := range strings.Fields(d.siteList) {
			if pos, ok := ix.siteOrder[s]; ok {
				d.sites = append(d.sites, pos)
			} else if !slices.Contains(d.otherSites, s) {
				d.otherSites = append(d.otherSites, s)
			}
		}
		slices.Sort(d.sites)
		d.sites = slices.Compact(d.sites)
	}
	ix.slots = docSlots{words: (len(ix.sites) + 63) / 64, categoryIndex: map[string]int32{}}
	for i := range ix.partitions {
		p := &ix.partitions[i]
		p.ranks = make([]int, len(p.docs))
		p.firstSlot = len(ix.slots.groups)
		for n, d := range p.docs {
			p.ranks[n] = math.MaxInt
			if d != nil {
				p.ranks[n] = d.rank
			}
			ix.slots.add(d)
		}
	}
}

// docSlots are the group values of the service documents of all
// partitions in arrays by slot, the position of a partition's first
// document plus the document number. Grouping a search's window reads
// them for 500 documents, and reading them from the scattered docInfo
// values missed the CPU cache for each.
type docSlots struct {
	// groups are the documents' group numbers, -1 for a slot without a
	// service document.
	groups []int32
	// sites has words bits for each slot, one for each site of the
	// federation that offers the document, at the site's position.
	sites []uint64
	words int
	// other is true for a document offered by sites that the federation's
	// list lacks (docInfo.otherSites).
	other []bool
	// category is the document's category as a position in categories,
	// the distinct categories of the documents, and -1 for none.
	category   []int32
	categories []string
	// categoryIndex has the positions in categories while add fills it.
	categoryIndex map[string]int32
}

// add appends the slot of d, which may be nil.
func (s *docSlots) add(d *docInfo) {
	group, other, category := int32(-1), false, int32(-1)
	s.sites = slices.Grow(s.sites, s.words)[:len(s.sites)+s.words]
	if d != nil {
		group, other = int32(d.groupID), len(d.otherSites) > 0
		bits := s.sites[len(s.sites)-s.words:]
		for _, site := range d.sites {
			bits[site/64] |= 1 << (site % 64)
		}
		if d.category != "" {
			var ok bool
			if category, ok = s.categoryIndex[d.category]; !ok {
				category = int32(len(s.categories))
				s.categories = append(s.categories, d.category)
				s.categoryIndex[d.category] = category
			}
		}
	}
	s.groups = append(s.groups, group)
	s.other = append(s.other, other)
	s.category = append(s.category, category)
}
