package search

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target percentage that TuneGC
// sets: the heap may grow by this percentage of the live heap before the
// next collection starts.
//
// The endpoint keeps about 9 MiB live, the vocabulary and display data
// of the index, and a search allocates some 80 KiB, so at Go's default
// of 100 it collects every hundred searches or so. A search that
// overlaps a collection waits for it, which shows in the 99th
// percentile of the response time. At 400 there are a quarter as many
// collections, for a heap of up to five times the live heap: some 45 MiB.
const GCPercent = 400

// TuneGC sets the garbage collector's target percentage to GCPercent
// unless the GOGC environment variable sets one. It changes the whole
// process, so only a program that runs the endpoint alone calls it.
func TuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(GCPercent)
}
