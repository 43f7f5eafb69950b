package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// scratch is memory that one search uses and a later search reuses: the
// arrays of its window and of its grouping. Searches allocate less this
// way, so the garbage collector runs less often.
type scratch struct {
	hits   []windowHit
	window []windowHit
	// matches has a pool of bleve's document matches for each partition.
	// A search returns most matches to the pool as it goes, so a later
	// search that reuses them allocates only the few that searchers hold
	// when they are closed.
	matches []*bsearch.DocumentMatchPool
	groupOf []int32
	groups  []group
	sites   []uint64
	order   []int32
	indexOf map[int]int32
}

var scratchPool = sync.Pool{New: func() any { return &scratch{indexOf: map[int]int32{}} }}

// grow returns s, or a new slice if s cannot hold n elements.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s
}

// windowHit is one of the best-scoring documents of a search. It has
// a copy of the document's rank, because comparing hits of equal score,
// which are common, would otherwise load each document.
type windowHit struct {
	score float64
	rank  int
	doc   *docInfo
	// slot is the document's position in Index.slots, -1 for a document
	// that is no service document.
	slot int32
}

// window returns the best windowSize documents that the plan (with
// filters) matches, best first, with their group values. It searches the
// partitions in parallel, each with a query of its own, because typo
// tolerance (when typos is true) expands words against each partition's
// vocabulary, as bleve's fuzzy query would.
func (ix *Index) window(ctx context.Context, plan *queryPlan, all, typos bool, filters []query.Query, sc *scratch) ([]windowHit, error) {
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, ix.termLimit)
	// Each partition keeps its best hits in its own part of one array.
	hits := grow(sc.hits[:0], windowSize*len(ix.partitions))
	sc.hits = hits
	found := make([][]windowHit, len(ix.partitions))
	for len(sc.matches) < len(ix.partitions) {
		sc.matches = append(sc.matches, bsearch.NewDocumentMatchPool(0, 0))
	}
	search := func(ctx context.Context, i int) error {
		p := &ix.partitions[i]
		var v vocabulary
		if typos {
			v = p.vocabulary
		}
		q := allOf(append([]query.Query{plan.query(all, v)}, filters...))
		var err error
		found[i], err = p.window(ctx, q, hits[i*windowSize:i*windowSize:(i+1)*windowSize], sc.matches[i])
		return err
	}
	if err := forEach(ctx, len(ix.partitions), len(ix.partitions), search); err != nil {
		return nil, err
	}

	sc.window = mergeHits(grow(sc.window[:0], windowSize), found, windowSize)
	return sc.window, nil
}

// mergeHits appends the best n hits of lists, each of which is sorted
// best first, to dst, best first. Each partition sorts its own hits on
// its own goroutine, so only this merge runs after them.
func mergeHits(dst []windowHit, lists [][]windowHit, n int) []windowHit {
	if len(lists) == 1 {
		return append(dst, lists[0][:min(n, len(lists[0]))]...)
	}
	next := make([]int, len(lists))
	for len(dst) < n {
		best := -1
		for i, l := range lists {
			if next[i] < len(l) && (best < 0 || compareHits(l[next[i]], lists[best][next[best]]) < 0) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		dst = append(dst, lists[best][next[best]])
		next[best]++
	}
	return dst
}

// window appends the best windowSize documents of the partition that q
// matches to dst, best first, and returns the result.
//
// The search runs q's searcher on the partition's reader and reads its
// matches directly. bleve's Index.Search and collector would open a
// reader, set up the collector and allocate a pool of matches for each
// search, and keep each hit as a DocumentMatch by default. The scores are
// the same, because the searcher gets the context values that
// Index.Search (bleve v2.6.3) gives it: the scoring model of the index
// mapping and a counter for the term searcher limit.
func (p *indexPartition) window(ctx context.Context, q query.Query, dst []windowHit, matches *bsearch.DocumentMatchPool) ([]windowHit, error) {
	ctx = context.WithValue(ctx, bsearch.GetScoringModelCallbackKey, p.scoringModel)
	ctx = bsearch.ContextWithTermSearchersCounter(ctx)
	s, err := q.Searcher(ctx, p.reader, p.bleve.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	top := &topHits{size: windowSize, docs: p.docs, ranks: p.ranks, firstSlot: p.firstSlot, heap: dst}
	err = top.collect(ctx, s, p.reader, matches)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}
	top.sort()
	return top.heap, nil
}

// checkContextEvery is the number of matches between two checks of the
// search's context, as in bleve's collector.
const checkContextEvery = 1024

// collect keeps the best size documents that s matches, taking document
// matches from pool. Each match goes back to the pool at once, so the
// pool needs only the matches that the searcher holds itself, and one
// more.
func (t *topHits) collect(ctx context.Context, s bsearch.Searcher, r index.IndexReader, pool *bsearch.DocumentMatchPool) error {
	sctx := &bsearch.SearchContext{DocumentMatchPool: pool, IndexReader: r}
	for n := 0; ; n++ {
		if n%checkContextEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if d == nil {
			return nil
		}
		err = t.keep(d, r)
		sctx.DocumentMatchPool.Put(d)
		if err != nil {
			return err
		}
	}
}

// topHits keeps the best size hits of a search in a heap whose root is
// the worst of them.
type topHits struct {
	size int
	// docs and ranks are the documents of the partition and their ranks
	// by document number (indexPartition).
	docs      []*docInfo
	ranks     []int
	firstSlot int
	heap      []windowHit
}

// keep adds the document of d if it is among the best so far.
func (t *topHits) keep(d *bsearch.DocumentMatch, r index.IndexReader) error {
	if t.full() && (t.size == 0 || d.Score < t.heap[0].score) {
		return nil
	}
	var doc *docInfo
	rank, slot := math.MaxInt, int32(-1)
	if n := d.IndexInternalID.Value(); n < uint64(len(t.docs)) {
		doc, rank = t.docs[n], t.ranks[n]
		if doc != nil {
			slot = int32(t.firstSlot + int(n))
		}
	}
	if t.full() && d.Score == t.heap[0].score && rank > t.heap[0].rank {
		// Many documents tie in score, and one of equal score and worse
		// rank than the worst kept hit cannot enter.
		return nil
	}
	if doc == nil {
		// Not a service document. Searches for services match no other,
		// but the hit is kept rather than dropped, in a group of such
		// hits.
		id, err := r.ExternalID(d.IndexInternalID)
		if err != nil {
			return fmt.Errorf("reading document ID: %w", err)
		}
		doc = &docInfo{id: id, groupID: -1, rank: math.MaxInt}
	}
	t.add(windowHit{score: d.Score, rank: rank, doc: doc, slot: slot})
	return nil
}

// sort orders the hits best first. They no longer form a heap then.
func (t *topHits) sort() { slices.SortFunc(t.heap, compareHits) }

// full reports whether t has size hits, so that a new hit must beat the
// worst of them.
func (t *topHits) full() bool { return len(t.heap) >= t.size }

// add keeps h if it is among the best size hits so far.
func (t *topHits) add(h windowHit) {
	if !t.full() {
		t.heap = append(t.heap, h)
		t.up(len(t.heap) - 1)
		return
	}
	if t.size == 0 || compareHits(h, t.heap[0]) >= 0 {
		return
	}
	t.heap[0] = h
	t.down(0)
}

// up and down restore the heap order, worst hit first, after the hit at
// i changed.
func (t *topHits) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if compareHits(t.heap[i], t.heap[parent]) <= 0 {
			return
		}
		t.heap[i], t.heap[parent] = t.heap[parent], t.heap[i]
		i = parent
	}
}

func (t *topHits) down(i int) {
	for {
		worst := i
		if left := 2*i + 1; left < len(t.heap) && compareHits(t.heap[left], t.heap[worst]) > 0 {
			worst = left
		}
		if right := 2*i + 2; right < len(t.heap) && compareHits(t.heap[right], t.heap[worst]) > 0 {
			worst = right
		}
		if worst == i {
			return
		}
		t.heap[i], t.heap[worst] = t.heap[worst], t.heap[i]
		i = worst
	}
}

// compareHits orders hits by score, best first, and hits of equal score
// by their documents' rank, which is the same in every build of the same
// content, and then by ID.
func compareHits(a, b windowHit) int {
	if a.score != b.score {
		return cmp.Compare(b.score, a.score)
	}
	if a.rank != b.rank {
		return cmp.Compare(a.rank, b.rank)
	}
	return strings.Compare(a.doc.id, b.doc.id)
}
