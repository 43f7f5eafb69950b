package generator

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestGCTunerPercent(t *testing.T) {
	tuner := &gcTuner{headroom: 128 << 20}
	tests := []struct {
		live uint64
		want int
	}{
		{0, 3200},        // before the first collection: a 4 MiB heap
		{1 << 20, 3200},  // below Go's smallest heap target
		{4 << 20, 3200},  // Go's smallest heap target itself
		{32 << 20, 400},  // 128 MiB of headroom on 32 MiB live
		{50 << 20, 256},  // 128 MiB on 50 MiB
		{60 << 20, 213},  // 128 MiB on 60 MiB, rounded down
		{64 << 20, 200},  // the headroom is twice the live heap
		{100 << 20, 200}, // twice the live heap is more than 128 MiB
		{127 << 20, 200}, // just under largeLiveHeap
		{128 << 20, 700}, // a large live heap grows up to MaxHeapTarget
		{300 << 20, 241}, // up to MaxHeapTarget, rounded down
		{400 << 20, 156}, // growth up to MaxHeapTarget, rounded down
		{512 << 20, 100}, // MaxHeapTarget is twice the live heap
		{600 << 20, 100}, // more than half of MaxHeapTarget live
		{2 << 30, 100},   // more live than MaxHeapTarget
	}
	for _, tt := range tests {
		if got := tuner.percent(tt.live); got != tt.want {
			t.Errorf("percent(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

// TestTuneGC checks that a collection sets the percentage for the live
// heap it leaves, and that restoring sets the previous one again.
func TestTuneGC(t *testing.T) {
	before := gcPercent()
	tuner := tuneGC(128 << 20)
	// stop may run twice: it sets the same percentage again.
	defer tuner.stop()

	// Keep 40 MiB live, so the target is at most 320 %, and above 200 %
	// while the test binary keeps less than 64 MiB live.
	live := make([]byte, 40<<20)
	for i := range live {
		live[i] = byte(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		// The lock keeps the tuner from setting the percentage while
		// gcPercent reads it.
		tuner.mu.Lock()
		got := gcPercent()
		tuner.mu.Unlock()
		if got > liveGrowth*100 && got <= 320 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("target percentage after collections with 40 MiB live = %d, want %d to 320", got, liveGrowth*100+1)
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)

	tuner.stop()
	if p := gcPercent(); p != before {
		t.Errorf("percentage after stop = %d, want %d as before", p, before)
	}
}

// gcPercent returns the collector's target percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
