package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bdocument "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/util"
	index "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"
)

// boltEntries returns every value of the bolt database at path as
// "bucket/.../key" = value, nested buckets as their path alone.
func boltEntries(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries := map[string]string{}
	var walk func(prefix string, b *bolt.Bucket) error
	walk = func(prefix string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			name := fmt.Sprintf("%s/%x", prefix, k)
			if v == nil {
				entries[name] = "bucket"
				return walk(name, b.Bucket(k))
			}
			entries[name] = fmt.Sprintf("%x", v)
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			entries[fmt.Sprintf("%x", name)] = "bucket"
			return walk(fmt.Sprintf("%x", name), b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// readFile returns the content of the file at path.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPartitionWriterMatchesOfflineBuilder writes one document with
// bleve's offline builder and with a partitionWriter. bleve's builder
// orders the documents of a segment at random, so one document is the
// largest index whose bytes it always writes the same.
func TestPartitionWriterMatchesOfflineBuilder(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	d := documents(testCorpus())[0]

	stock := filepath.Join(t.TempDir(), "stock")
	builder, err := bleve.NewBuilder(stock, m, map[string]any{"buildPathPrefix": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := builder.Index(d.id, d.fields); err != nil {
		t.Fatal(err)
	}
	if err := builder.Close(); err != nil {
		t.Fatal(err)
	}

	ours := filepath.Join(t.TempDir(), "ours")
	p, err := newPartitionWriter(ours)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := newDocumentMapper(m).analyzed(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.writeSegment(0, []index.Document{doc}); err != nil {
		t.Fatal(err)
	}
	mappingJSON, err := util.MarshalJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.finish(context.Background(), mappingJSON); err != nil {
		t.Fatal(err)
	}

	if !bytes.Equal(readFile(t, filepath.Join(stock, indexMetaFileName)), readFile(t, filepath.Join(ours, indexMetaFileName))) {
		t.Errorf("%s differs from the offline builder's", indexMetaFileName)
	}
	stockSegment := filepath.Join(stock, storeDirName, finalSegmentName)
	if err := sortSectionAddresses(stockSegment); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, stockSegment), readFile(t, filepath.Join(ours, storeDirName, finalSegmentName))) {
		t.Errorf("the segment differs from the offline builder's with sorted section addresses")
	}

	want := boltEntries(t, filepath.Join(stock, storeDirName, rootBoltFileName))
	got := boltEntries(t, filepath.Join(ours, storeDirName, rootBoltFileName))
	timeStamp := fmt.Sprintf("%x/%x/%x/%x", util.BoltSnapshotsBucket, snapshotKey, util.BoltMetaDataKey,
		util.BoltMetaDataTimeStamp)
	if _, ok := want[timeStamp]; !ok {
		t.Fatalf("the offline builder's root.bolt has no %s; entries: %v", timeStamp, slices.Sorted(maps.Keys(want)))
	}
	delete(want, timeStamp)
	wantTime, err := snapshotTime.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if got[timeStamp] != fmt.Sprintf("%x", wantTime) {
		t.Errorf("time stamp %s, want %x", got[timeStamp], wantTime)
	}
	delete(got, timeStamp)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("root.bolt %s = %q, want %q as the offline builder writes", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("root.bolt has %s, which the offline builder does not write", k)
		}
	}

	idx, err := bleve.Open(ours)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil || n != 1 {
		t.Errorf("DocCount = %d, %v, want 1", n, err)
	}
}

// TestBuildEmptyPartitions builds the small test corpus into more
// partitions than it has documents, so that some have none, and then
// updates one of those.
func TestBuildEmptyPartitions(t *testing.T) {
	const n = 16
	c := testCorpus()
	used := map[int]bool{}
	for _, d := range documents(c) {
		used[partitionOf(d.id, n)] = true
	}
	if len(used) == n {
		t.Fatal("every partition has documents; the test needs empty ones")
	}
	var dirs []string
	for range 2 {
		dir := t.TempDir()
		if err := build(context.Background(), dir, c, n); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	for i := range n {
		store := filepath.Join(indexDirName, fmt.Sprintf("%s%d", partitionDirPrefix, i), storeDirName)
		_, err := os.Stat(filepath.Join(dirs[0], store, finalSegmentName))
		if used[i] == os.IsNotExist(err) {
			t.Errorf("partition %d: segment file exists = %v, want %v", i, err == nil, used[i])
		}
		root := filepath.Join(store, rootBoltFileName)
		if !bytes.Equal(readFile(t, filepath.Join(dirs[0], root)), readFile(t, filepath.Join(dirs[1], root))) {
			t.Errorf("%s differs between two builds", root)
		}
	}

	ix, err := Open(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), Request{Query: "hundesteuer", Site: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Errorf("got %d hits, want the one service", len(res.Hits))
	}
	ix.Close()

	// An update puts a new page into an empty partition.
	var url string
	for i := 0; url == ""; i++ {
		if u := fmt.Sprintf("https://a.example/schwimmbad-%d/", i); !used[partitionOf(u, n)] {
			url = u
		}
	}
	updated := testCorpus()
	updated.Pages = append(updated.Pages, Page{Site: "a", URL: url, Title: "Schwimmbad", Kind: "service"})
	if err := UpdateDir(context.Background(), dirs[0], c, updated); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err = ix.Search(context.Background(), Request{Query: "schwimmbad"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].URL != url {
		t.Errorf("after the update got hits %+v, want the new page %s", res.Hits, url)
	}
}

// TestSortSectionsDamagedSegment sorts the section addresses of a
// segment and of damaged copies of it. The intact segment must sort and
// get a valid checksum, a segment shorter than the footer must fail, and
// no damaged copy may cause a panic.
func TestSortSectionsDamagedSegment(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	var docs []index.Document
	for _, d := range documents(testCorpus()) {
		doc, err := newDocumentMapper(m).analyzed(d)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	p, err := newPartitionWriter(filepath.Join(t.TempDir(), "part"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.writeSegment(0, docs); err != nil {
		t.Fatal(err)
	}
	segment := readFile(t, p.segments[0])

	if err := sortSectionAddresses(p.segments[0]); err != nil {
		t.Fatalf("sorting the intact segment: %v", err)
	}
	sorted := readFile(t, p.segments[0])
	n := len(sorted)
	if sum := crc32.ChecksumIEEE(sorted[:n-4]); binary.BigEndian.Uint32(sorted[n-4:]) != sum {
		t.Errorf("checksum %x after sorting, want %x", sorted[n-4:], sum)
	}

	sortCopy := func(data []byte) error {
		path := filepath.Join(t.TempDir(), "segment.zap")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return sortSectionAddresses(path)
	}
	if err := sortCopy(segment[:zapFooterSize-1]); err == nil {
		t.Error("a segment shorter than the footer sorted without error")
	}
	for cut := 1; cut < len(segment); cut += 7 {
		sortCopy(segment[cut:])
		damaged := slices.Clone(segment)
		damaged[len(damaged)-cut] ^= 0xff
		sortCopy(damaged)
	}
}

// TestDocumentMapperWritesSameSegment writes the documents of the test
// corpus once as a documentMapper maps and analyses them and once with
// bleve's MapDocument and Analyze. The segments must be the same bytes.
func TestDocumentMapperWritesSameSegment(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	dm := newDocumentMapper(m)
	var counted, analyzed []index.Document
	fields, direct, fallback := 0, 0, 0
	for _, d := range documents(testCorpus()) {
		if dm.mapText(d) != nil {
			direct++
		} else {
			fallback++
		}
		doc, err := dm.analyzed(d)
		if err != nil {
			t.Fatal(err)
		}
		counted = append(counted, doc)
		for _, f := range doc.Fields {
			if _, ok := f.(*countedField); ok {
				fields++
			}
		}
		plain := bdocument.NewDocument(d.id)
		if err := m.MapDocument(plain, d.fields); err != nil {
			t.Fatal(err)
		}
		plain.AddIDField()
		for _, f := range plain.Fields {
			if f.Options().IsIndexed() {
				f.Analyze()
			}
		}
		analyzed = append(analyzed, plain)
	}
	if fields == 0 {
		t.Error("the mapper counted no field of the test corpus")
	}
	if direct == 0 || fallback == 0 {
		t.Errorf("the mapper mapped %d documents itself and left %d to MapDocument, want some of each", direct, fallback)
	}
	write := func(docs []index.Document) []byte {
		p, err := newPartitionWriter(filepath.Join(t.TempDir(), "part"))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.writeSegment(0, docs); err != nil {
			t.Fatal(err)
		}
		// zap writes the addresses of its sections in map order.
		if err := sortSectionAddresses(p.segments[0]); err != nil {
			t.Fatal(err)
		}
		return readFile(t, p.segments[0])
	}
	if !bytes.Equal(write(counted), write(analyzed)) {
		t.Errorf("the segment of %d documents with %d counted fields differs from the one of bleve's analysis",
			len(counted), fields)
	}
}
