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
		{32 << 20, 400},  // 128 MiB of headroom on 32 MiB live
		{100 << 20, 128}, // 128 MiB on 100 MiB
		{128 << 20, 100}, // the headroom equals the live heap
		{1 << 30, 100},   // a large heap keeps Go's default
		{200 << 20, 100}, // more live than headroom
		{120 << 20, 106}, // 128 MiB on 120 MiB, rounded down
		{64 << 20, 200},  // twice the live heap
		{4 << 20, 3200},  // Go's smallest heap target itself
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

	// Keep 64 MiB live, so the target is at most 200 %, and above 100 %
	// while the test binary keeps less than 128 MiB live in all.
	live := make([]byte, 64<<20)
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
		if got > 100 && got <= 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("target percentage after collections with 64 MiB live = %d, want 101 to 200", got)
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
