package preview

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// watchFolder starts a watcher on a new folder and returns the folder and
// the channel of batches.
func watchFolder(t *testing.T) (string, <-chan batch) {
	t.Helper()
	dir := t.TempDir()
	w, err := newWatcher(slog.New(slog.DiscardHandler), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out := make(chan batch)
	go w.run(ctx, out)
	return dir, out
}

func nextBatch(t *testing.T, batches <-chan batch) batch {
	t.Helper()
	select {
	case b := <-batches:
		return b
	case <-time.After(waitLimit):
		t.Fatal("no batch")
	}
	return batch{}
}

func TestWatcherReportsSave(t *testing.T) {
	dir, batches := watchFolder(t)
	p := filepath.Join(dir, "seite.md")
	start := time.Now()
	if err := os.WriteFile(p, []byte("+++\ntitle = \"Seite\"\n+++\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := nextBatch(t, batches)
	if !slices.Equal(b.paths, []string{p}) {
		t.Errorf("batch %v, want [%s]", b.paths, p)
	}
	// The bound only catches a batch that waited for quietPeriod.
	if d := time.Since(start); d >= quietPeriod {
		t.Errorf("a save was reported after %s, want less than %s", d, quietPeriod)
	}
}

func TestWatcherWaitsForEmptiedFile(t *testing.T) {
	dir, batches := watchFolder(t)
	p := filepath.Join(dir, "seite.md")
	if err := os.WriteFile(p, []byte("alt"), 0o644); err != nil {
		t.Fatal(err)
	}
	nextBatch(t, batches)

	// Empty the file, pause longer than saveQuiet as a descheduled
	// editor may, then write the content.
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * saveQuiet)
	if err := os.WriteFile(p, []byte("neu"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := nextBatch(t, batches)
	if !b.waited {
		t.Errorf("batch %v did not wait for the emptied file", b.paths)
	}
	if !slices.Equal(b.paths, []string{p}) {
		t.Errorf("batch %v, want [%s]", b.paths, p)
	}
}

func TestWatcherIgnoresChmod(t *testing.T) {
	dir, batches := watchFolder(t)
	p := filepath.Join(dir, "seite.md")
	if err := os.WriteFile(p, []byte("text"), 0o644); err != nil {
		t.Fatal(err)
	}
	nextBatch(t, batches)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-batches:
		t.Errorf("a change of permissions made the batch %v", b.paths)
	case <-time.After(2 * quietPeriod):
	}
}
