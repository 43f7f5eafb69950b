package generator

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// MinHeapHeadroom is the least memory, beyond the live heap, that a
// build's heap may grow by before the garbage collector starts.
//
// Go's default lets the heap grow by the size of the live heap. A build
// of 10,000 pages keeps about 50 MiB live and allocates about 1.3 GiB,
// so it would collect some 25 times. 128 MiB of headroom brought that
// down to 13 collections for a peak of 260 MiB. 160 MiB spares another
// 3 % of the CPU time for a peak of 285 MiB, and 192 MiB spares 4 % for
// a peak of 310 MiB. These figures come from alternating runs on a
// 2-core machine with a federation of 10,000 pages from bench/gencorpus.
const MinHeapHeadroom = 160 << 20

// liveGrowth is how many times its live heap a build's heap may grow by
// while it stays under MaxHeapTarget, where Go's default is once. At
// 100,000 pages, with about 350 MB live, collecting took 12 % of the CPU
// time with the default and 8 % with twice, for a peak of 1.3 GB.
const liveGrowth = 2

// MaxHeapTarget is the heap size up to which liveGrowth applies.
const MaxHeapTarget = 1 << 30

// largeLiveHeap is the live heap from which a build's heap may grow up
// to MaxHeapTarget. Only large builds keep that much live: 10,000 pages
// keep at most about 65 MB. At 100,000 pages, with 240 to 420 MB live,
// growing to MaxHeapTarget instead of three times the live heap took 3 %
// off the build. Peak memory rose from 1,270 to 1,380 MiB. These figures
// come from three alternating builds each on a 2-core machine.
const largeLiveHeap = 128 << 20

// TuneGC sets the garbage collector's target percentage after each
// collection. The heap may grow by MinHeapHeadroom, by twice the live
// heap up to MaxHeapTarget, or by the live heap, whichever is largest.
// A live heap of largeLiveHeap or more may grow up to MaxHeapTarget.
//
// TuneGC does nothing when the GOGC or GOMEMLIMIT environment variable
// is set. The setting applies to the whole process, so only a program
// that builds once and exits calls it.
// The returned function restores the previous setting.
func TuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	return tuneGC(MinHeapHeadroom).stop
}

// tuneGC starts a gcTuner with the given headroom.
func tuneGC(headroom uint64) *gcTuner {
	t := &gcTuner{headroom: headroom, sample: []metrics.Sample{{Name: liveHeapMetric}}}
	t.current = t.percent(0)
	t.previous = debug.SetGCPercent(t.current)
	t.arm()
	return t
}

// liveHeapMetric is the runtime metric of the heap that the last
// collection found live.
const liveHeapMetric = "/gc/heap/live:bytes"

// gcTuner sets the collector's target percentage after each collection.
type gcTuner struct {
	headroom uint64
	mu       sync.Mutex
	stopped  bool
	previous int
	current  int
	sample   []metrics.Sample
}

// gcSentinel is an object that only the next collection frees. Its
// cleanup runs after that collection and calls the tuner. It is too
// large to share a memory block with other small objects.
type gcSentinel struct{ _ [16]byte }

// arm registers a cleanup that runs after the next collection.
func (t *gcTuner) arm() {
	s := &gcSentinel{}
	runtime.AddCleanup(s, func(t *gcTuner) { t.collected() }, t)
}

// collected sets the target percentage for the live heap that the
// collection left, and waits for the next collection.
func (t *gcTuner) collected() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	metrics.Read(t.sample)
	live := uint64(0)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	if p := t.percent(live); p != t.current {
		t.current = p
		debug.SetGCPercent(p)
	}
	t.arm()
}

// percent returns the target percentage for a heap of live bytes (see
// TuneGC). Before the first collection, live is 0 and the percentage is
// that of a live heap of 4 MiB, Go's smallest heap target.
func (t *gcTuner) percent(live uint64) int {
	const minLive = 4 << 20
	live = max(live, minLive)
	growth := max(t.headroom, live)
	if live < MaxHeapTarget {
		allowed := liveGrowth * live
		if live >= largeLiveHeap {
			allowed = MaxHeapTarget
		}
		growth = max(growth, min(allowed, MaxHeapTarget-live))
	}
	return int(growth * 100 / live)
}

// stop restores the percentage that was set before TuneGC.
func (t *gcTuner) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	debug.SetGCPercent(t.previous)
}
