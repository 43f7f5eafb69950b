package search

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Layout of the end of a zap segment file, version 17 (zapx v17.2.5,
// write.go): the field records, the sections index, then the footer.
const (
	// zapFooterSize is the size of the footer without the file writer
	// ID: the ID's length, the number of documents, the stored index
	// offset and the sections index offset, the chunk mode, the version
	// and the CRC-32 of everything before the CRC.
	zapFooterSize = 4 + 8 + 8 + 8 + 4 + 4 + 4
	// zapSectionEntrySize is the size of one entry of a field's list of
	// section addresses: the section type in 2 bytes and the address of
	// the field's data in that section in 8.
	zapSectionEntrySize = 2 + 8
)

// sortSectionAddresses puts the section addresses of each field of the
// zap segment file at path in the order of their section type, and
// updates the file's checksum. zapx writes each list in the random order
// of a Go map, so the same documents give different bytes. Readers look
// the addresses up by section type, and the lists keep their length, so
// nothing else in the file changes.
func sortSectionAddresses(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sorting section addresses: %w", err)
	}
	// Like the pages of a build, the index files are not synced to the
	// disk, because a build that does not finish is run again. Only zap's
	// merge syncs the segment it writes.
	err = sortSections(f)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("sorting section addresses of %s: %w", filepath.Base(path), err)
	}
	return nil
}

var errZapLayout = errors.New("unexpected zap segment layout")

// maxZapFields bounds the fields of a segment: zap numbers them with 16
// bits.
const maxZapFields = 1 << 16

// sortSections sorts the section addresses in the segment file f and
// sets its checksum. It reads and writes the field records and the end
// of the file, and reads the rest once for the checksum.
func sortSections(f *os.File) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	sectionsIndex, footerStart, err := readZapFooter(f, size)
	if err != nil {
		return err
	}

	index := make([]byte, footerStart-sectionsIndex)
	if _, err := f.ReadAt(index, int64(sectionsIndex)); err != nil {
		return err
	}
	starts, err := fieldRecordStarts(index)
	if err != nil {
		return err
	}
	first := sectionsIndex
	for _, start := range starts {
		if start >= sectionsIndex {
			return errZapLayout
		}
		first = min(first, start)
	}
	records := make([]byte, sectionsIndex-first)
	if _, err := f.ReadAt(records, int64(first)); err != nil {
		return err
	}
	for _, start := range starts {
		if err := sortFieldSections(records[start-first:]); err != nil {
			return err
		}
	}
	if _, err := f.WriteAt(records, int64(first)); err != nil {
		return err
	}

	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(f, 0, size-4)); err != nil {
		return err
	}
	_, err = f.WriteAt(crc.Sum(nil), size-4)
	return err
}

// readZapFooter reads the footer of the segment file f of size bytes and
// returns the offset of the sections index and of the footer.
func readZapFooter(f *os.File, size int64) (sectionsIndex, footerStart uint64, err error) {
	if size < zapFooterSize {
		return 0, 0, errZapLayout
	}
	footer := make([]byte, zapFooterSize)
	if _, err := f.ReadAt(footer, size-zapFooterSize); err != nil {
		return 0, 0, err
	}
	if version := binary.BigEndian.Uint32(footer[zapFooterSize-8:]); version != segmentPlugin.Version() {
		return 0, 0, fmt.Errorf("zap version %d, want %d", version, segmentPlugin.Version())
	}
	idLen := int64(binary.BigEndian.Uint32(footer))
	if idLen > size-zapFooterSize {
		return 0, 0, errZapLayout
	}
	footerStart = uint64(size - zapFooterSize - idLen)
	sectionsIndex = binary.BigEndian.Uint64(footer[zapFooterSize-20:])
	if sectionsIndex >= footerStart || footerStart-sectionsIndex > binary.MaxVarintLen64+8*maxZapFields {
		return 0, 0, errZapLayout
	}
	return sectionsIndex, footerStart, nil
}

// fieldRecordStarts returns the file offsets of the field records that
// the sections index lists: the number of fields, then the offset of
// each field's record in 8 bytes, 0 for a field without one.
func fieldRecordStarts(index []byte) ([]uint64, error) {
	count, size := binary.Uvarint(index)
	if size <= 0 || count > uint64(len(index)-size)/8 {
		return nil, errZapLayout
	}
	var starts []uint64
	for i := range count {
		if start := binary.BigEndian.Uint64(index[size+8*int(i):]); start != 0 {
			starts = append(starts, start)
		}
	}
	return starts, nil
}

// sortFieldSections sorts the section addresses of the field record at
// the start of record: the length of the field name, the name, the
// field's options, the number of addresses and the addresses.
func sortFieldSections(record []byte) error {
	pos := 0
	next := func() (uint64, bool) {
		v, size := binary.Uvarint(record[pos:])
		pos += size
		return v, size > 0
	}

	nameLen, ok := next()
	if !ok || nameLen > uint64(len(record)-pos) {
		return errZapLayout
	}
	pos += int(nameLen)
	if _, ok := next(); !ok {
		return errZapLayout
	}
	count, ok := next()
	if !ok || count > uint64(len(record)-pos)/zapSectionEntrySize {
		return errZapLayout
	}

	list := record[pos : pos+int(count)*zapSectionEntrySize]
	entries := make([][]byte, count)
	for i := range entries {
		entries[i] = slices.Clone(list[i*zapSectionEntrySize : (i+1)*zapSectionEntrySize])
	}
	// The section type leads each entry in big-endian order, so the
	// byte order of the entries is the order of their types.
	slices.SortFunc(entries, bytes.Compare)
	for i, e := range entries {
		copy(list[i*zapSectionEntrySize:], e)
	}
	return nil
}
