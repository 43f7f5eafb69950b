package search

import (
	"cmp"
	"slices"
)

// positionRange collects the documents of consecutive positions of a
// Writer until each position has arrived.
type positionRange struct {
	// number is the range's place among the ranges: it holds the
	// positions from number times its size on.
	number int
	// arrived marks the positions that have arrived, by offset in the
	// range, and missing counts the others.
	arrived []bool
	missing int
	// docs are the documents by partition, in the order they arrived.
	docs [][]positionedDoc
}

// positionedDoc is a document, its position, its index among the
// documents of that position, and its partition.
type positionedDoc struct {
	position, index, partition int
	doc                        document
}

func newPositionRange(number, size, partitions int) *positionRange {
	return &positionRange{
		number:  number,
		arrived: make([]bool, size),
		missing: size,
		docs:    make([][]positionedDoc, partitions),
	}
}

// add puts docs, the documents of the position at offset in the range,
// into the range. It returns false if that position has arrived before.
func (r *positionRange) add(offset int, docs []positionedDoc) bool {
	if r.arrived[offset] {
		return false
	}
	r.arrived[offset] = true
	r.missing--
	for _, d := range docs {
		r.docs[d.partition] = append(r.docs[d.partition], d)
	}
	return true
}

// takeDocs returns the documents of partition i ordered by position
// and, within a position, by index, and drops them from the range.
// Calls for different partitions may run at the same time.
func (r *positionRange) takeDocs(i int) []document {
	list := r.docs[i]
	r.docs[i] = nil
	slices.SortFunc(list, func(a, b positionedDoc) int {
		return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.index, b.index))
	})
	docs := make([]document, len(list))
	for j, d := range list {
		docs[j] = d.doc
	}
	return docs
}
