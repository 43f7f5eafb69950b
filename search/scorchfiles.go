package search

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/util"
	zap "github.com/blevesearch/zapx/v17"
	bolt "go.etcd.io/bbolt"
)

// The files of a partition's bleve index that the Writer writes itself,
// laid out as bleve's offline builder (bleve.NewBuilder, bleve v2.6.3)
// lays them out, so that bleve.Open reads them as an index of its own.
const (
	// indexMetaFileName names the index type and its storage.
	indexMetaFileName = "index_meta.json"
	// storeDirName is the folder of the scorch index inside the
	// partition's folder.
	storeDirName = "store"
	// rootBoltFileName is scorch's database of index snapshots.
	rootBoltFileName = "root.bolt"
	// finalSegmentName is the file of the merged segment: scorch names
	// segments by their ID in 12 hexadecimal digits, and its offline
	// builder gives the final segment ID 2.
	finalSegmentName = "000000000002.zap"
	// snapshotEpoch and segmentID are the epoch of the one snapshot and
	// the ID of its segment that the offline builder writes.
	snapshotEpoch = 3
	segmentID     = 0
)

// Bolt keys of the snapshot and of its segment. scorch encodes an epoch
// or segment ID v up to 109 as the one byte 136 + v, so that the keys
// sort as the numbers do.
var (
	snapshotKey = []byte{136 + snapshotEpoch}
	segmentKey  = []byte{136 + segmentID}
)

// segmentPlugin writes the segments of the index: zap version 17,
// scorch's default in bleve v2.6.3.
var segmentPlugin = &zap.ZapPlugin{}

// snapshotTime is the time stored with the index snapshot. scorch stores
// the time it wrote the snapshot, and uses it only to choose which older
// snapshots an index opened for writing keeps. A fixed value keeps
// root.bolt the same in every build.
var snapshotTime = time.Unix(0, 0).UTC()

// rootBoltPageSize is the page size of root.bolt. bbolt takes the
// operating system's page size by default, which differs between
// machines.
const rootBoltPageSize = 4096

// writeIndexMeta writes the index_meta.json of a scorch index into dir.
func writeIndexMeta(dir string) error {
	meta := struct {
		Storage   string `json:"storage"`
		IndexType string `json:"index_type"`
	}{Storage: scorch.Name, IndexType: scorch.Name}
	data, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", indexMetaFileName, err)
	}
	if err := os.WriteFile(filepath.Join(dir, indexMetaFileName), data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", indexMetaFileName, err)
	}
	return nil
}

// writeRootBolt writes the root.bolt of a scorch index into the store
// folder dir: one snapshot with the index mapping mappingJSON and the
// segment in the file segmentFile, or no segment when segmentFile is
// empty. It writes what the offline builder writes, with snapshotTime in
// place of the current time.
func writeRootBolt(dir string, mappingJSON []byte, segmentFile string) error {
	path := filepath.Join(dir, rootBoltFileName)
	// The build writes its files without syncing them to the disk, and
	// root.bolt is no different. Only zap's merge syncs its segment.
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: rootBoltPageSize, NoSync: true})
	if err != nil {
		return fmt.Errorf("creating %s: %w", rootBoltFileName, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return putSnapshot(tx, mappingJSON, segmentFile)
	})
	if closeErr := db.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", rootBoltFileName, err)
	}
	return nil
}

// putSnapshot puts the buckets and values of the snapshot into tx.
func putSnapshot(tx *bolt.Tx, mappingJSON []byte, segmentFile string) error {
	snapshots, err := tx.CreateBucket(util.BoltSnapshotsBucket)
	if err != nil {
		return err
	}
	snapshot, err := snapshots.CreateBucket(snapshotKey)
	if err != nil {
		return err
	}

	meta, err := snapshot.CreateBucket(util.BoltMetaDataKey)
	if err != nil {
		return err
	}
	// scorch writes the version into a buffer of binary.MaxVarintLen32
	// bytes and stores all of it, and reads the first four.
	version := make([]byte, binary.MaxVarintLen32)
	binary.BigEndian.PutUint32(version, segmentPlugin.Version())
	timeStamp, err := snapshotTime.MarshalText()
	if err != nil {
		return err
	}
	values := []struct{ key, value []byte }{
		{util.BoltMetaDataSegmentTypeKey, []byte(segmentPlugin.Type())},
		{util.BoltMetaDataSegmentVersionKey, version},
		// No file callbacks (index.WriterHook) are set, so the ID of
		// the file writer is empty.
		{util.BoltMetaDataFileWriterIDKey, []byte{}},
		{util.BoltMetaDataTimeStamp, timeStamp},
	}
	for _, v := range values {
		if err := meta.Put(v.key, v.value); err != nil {
			return err
		}
	}

	internal, err := snapshot.CreateBucket(util.BoltInternalKey)
	if err != nil {
		return err
	}
	if err := internal.Put(util.MappingInternalKey, mappingJSON); err != nil {
		return err
	}
	if segmentFile == "" {
		return nil
	}
	segment, err := snapshot.CreateBucket(segmentKey)
	if err != nil {
		return err
	}
	return segment.Put(util.BoltPathKey, []byte(segmentFile))
}
