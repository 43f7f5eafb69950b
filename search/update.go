package search

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"

	"github.com/blevesearch/bleve/v2"
)

// bleveBatch is a partition's batch of an update and its operations.
type bleveBatch struct {
	b *bleve.Batch
	n int
}

// update changes an index opened for writing from the documents of old
// to those of c: documents that are gone are deleted, and new or changed
// ones are indexed. The sites and categories of c must be those of old.
func (ix *Index) update(ctx context.Context, old, c *Corpus) error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("updating search index: invalid content: %w", err)
	}
	upsert, remove := changes(old, c, suggestions(old), suggestions(c))
	batches := make([]*bleveBatch, len(ix.partitions))
	for i, p := range ix.partitions {
		batches[i] = &bleveBatch{b: p.bleve.NewBatch()}
	}
	for _, d := range upsert {
		// A changed document may sit in any partition; it is deleted
		// from all of them and indexed into the one its ID picks.
		home := partitionOf(d.id, len(batches))
		for i, b := range batches {
			if i == home {
				if err := b.b.Index(d.id, d.fields); err != nil {
					return fmt.Errorf("updating search index: indexing %s: %w", d.id, err)
				}
			} else {
				b.b.Delete(d.id)
			}
			b.n++
		}
	}
	for _, id := range remove {
		for _, b := range batches {
			b.b.Delete(id)
			b.n++
		}
	}
	for i, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		if b.n == 0 {
			continue
		}
		if err := ix.partitions[i].bleve.Batch(b.b); err != nil {
			return fmt.Errorf("updating search index: %w", err)
		}
	}
	return nil
}

// changes returns the documents of c that are new or differ from those
// of old, and the IDs of old's documents that c lacks, given the
// suggestions of both. It builds the documents of changed pages and base
// texts only.
func changes(old, c *Corpus, before, after *suggestionSet) (upsert []document, remove []string) {
	oldBases, newBases := basesByID(old), basesByID(c)
	oldPages, newPages := pagesByURL(old), pagesByURL(c)
	changedBases := map[string]bool{}
	for id, b := range newBases {
		if o, ok := oldBases[id]; !ok || !reflect.DeepEqual(*o, *b) {
			changedBases[id] = true
		}
	}
	for id := range oldBases {
		if _, ok := newBases[id]; !ok {
			changedBases[id] = true
		}
	}
	// Base documents list the pages that offer them, so a page that
	// comes, goes or changes touches its base text's document too.
	touched := maps.Clone(changedBases)
	offers := map[string][]Page{}
	for _, p := range c.Pages {
		if p.Base != "" {
			offers[p.Base] = append(offers[p.Base], p)
		}
		o, had := oldPages[p.URL]
		if had && reflect.DeepEqual(*o, p) && !changedBases[p.Base] {
			continue
		}
		if had {
			touched[o.Base] = true
		}
		touched[p.Base] = true
		upsert = append(upsert, pageDocument(p, newBases[p.Base]))
	}
	for url, p := range oldPages {
		if _, ok := newPages[url]; !ok {
			remove = append(remove, url)
			touched[p.Base] = true
		}
	}
	for id := range touched {
		if id == "" {
			continue
		}
		if b := newBases[id]; b != nil && len(offers[id]) > 0 {
			d := baseDocument(b, offers[id])
			d.id = baseDocID(c, id)
			upsert = append(upsert, d)
		} else {
			remove = append(remove, baseDocID(old, id))
		}
	}

	for _, d := range after.documents() {
		key := d.id[len(suggestionIDPrefix):]
		if before.labels[key] != after.labels[key] || before.weight[key] != after.weight[key] {
			upsert = append(upsert, d)
		}
	}
	for _, key := range before.order {
		if _, ok := after.labels[key]; !ok {
			remove = append(remove, suggestionIDPrefix+key)
		}
	}
	return upsert, remove
}

func basesByID(c *Corpus) map[string]*Base {
	m := make(map[string]*Base, len(c.Bases))
	for i := range c.Bases {
		m[c.Bases[i].ID] = &c.Bases[i]
	}
	return m
}

func pagesByURL(c *Corpus) map[string]*Page {
	m := make(map[string]*Page, len(c.Pages))
	for i := range c.Pages {
		m[c.Pages[i].URL] = &c.Pages[i]
	}
	return m
}

// UpdateDir changes the index that Build wrote into dir from the
// documents of old to those of c: documents that are gone are deleted,
// and new or changed ones are indexed. The sites and categories of c
// must be those of old. No other process may have the index open.
func UpdateDir(ctx context.Context, dir string, old, c *Corpus) error {
	ix, err := open(dir, false)
	if err != nil {
		return err
	}
	if err := ix.update(ctx, old, c); err != nil {
		ix.Close()
		return err
	}
	return ix.Close()
}

// partitionOf returns the partition of n that a new document with ID id
// goes into.
func partitionOf(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// CopyIndex copies the index that Build or UpdateDir wrote into src to
// dst, in place of the index there, which stays whole until the copy is
// complete. Segment files are linked where the file system allows it.
// The page layouts in dst are left alone.
func CopyIndex(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("copying search index: %w", err)
	}
	tmp, err := os.MkdirTemp(dst, ".index-")
	if err != nil {
		return fmt.Errorf("copying search index: %w", err)
	}
	defer os.RemoveAll(tmp)
	from := filepath.Join(src, indexDirName)
	err = filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		to := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		// bleve writes a segment file once and never changes it, so a
		// second link to it is as good as a copy and writes nothing.
		// Other files, such as the root.bolt database, are copied.
		if filepath.Ext(p) == ".zap" && os.Link(p, to) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("copying search index: %w", err)
	}
	if err := swapDir(tmp, filepath.Join(dst, indexDirName)); err != nil {
		return fmt.Errorf("copying search index: %w", err)
	}
	return nil
}
