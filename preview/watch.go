package preview

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// quietPeriod is how long the watcher waits after the last event before
// it reports a batch, so a burst such as a git checkout of a thousand
// files becomes one rebuild. A batch of at most saveFiles paths, as an
// editor's save makes, is reported after the shorter saveQuiet, so the
// page reloads at once. The system calls of one save follow each other
// within microseconds unless the scheduler pauses the editor. An editor
// that saves in place empties the file first, so a batch with an empty
// file waits once more, for quietPeriod or until the next event.
const (
	quietPeriod = 150 * time.Millisecond
	saveQuiet   = 3 * time.Millisecond
	saveFiles   = 3
)

// watcher reports batches of changes below its roots. It watches every
// folder, adds folders created later (also several levels at once), and
// marks a batch for a full rebuild when the kernel's event queue
// overflows.
type watcher struct {
	fs  *fsnotify.Watcher
	log *slog.Logger
	// roots are the watched trees, files the single files, such as
	// sites.toml, all absolute.
	roots []string
	files map[string]bool
}

func newWatcher(log *slog.Logger, roots []string, files []string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fs: fw, log: log, files: map[string]bool{}}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			fw.Close()
			return nil, err
		}
		w.roots = append(w.roots, abs)
		if err := w.addTree(abs); err != nil {
			fw.Close()
			return nil, err
		}
	}
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		w.files[abs] = true
		// Editors replace a file by renaming a new one over it, which
		// ends a watch on the file itself; watch its folder instead.
		if err := fw.Add(filepath.Dir(abs)); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// addTree watches dir and every folder below it.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				return fs.SkipDir
			}
			return w.fs.Add(p)
		}
		return nil
	})
}

// batch is the set of changed paths since the last report.
type batch struct {
	paths []string
	// overflow is set when events were lost.
	overflow bool
	// waited is set when the batch waited for an empty file to fill.
	waited bool
}

// run sends a batch on out after each quiet period that follows changes,
// until ctx ends.
func (w *watcher) run(ctx context.Context, out chan<- batch) {
	defer w.fs.Close()
	var (
		pending batch
		timer   = time.NewTimer(time.Hour)
		seen    = map[string]bool{}
	)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			// A change of permissions alone leaves the content as it
			// was. Editors make one after writing a file.
			if !w.relevant(ev.Name) || ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					// Folders made with mkdir -p may have children
					// already; walking the new folder catches them.
					if err := w.addTree(ev.Name); err != nil {
						w.log.Warn("watching new folder failed", "folder", ev.Name, "err", err)
					}
				}
			}
			if !seen[ev.Name] {
				seen[ev.Name] = true
				pending.paths = append(pending.paths, ev.Name)
			}
			if len(pending.paths) <= saveFiles && !pending.overflow {
				timer.Reset(saveQuiet)
			} else {
				timer.Reset(quietPeriod)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log.Warn("file events were lost; rebuilding everything")
				pending.overflow = true
				timer.Reset(quietPeriod)
				continue
			}
			w.log.Error("watching files failed", "err", err)
		case <-timer.C:
			if w.emptyFileIn(pending) {
				pending.waited = true
				timer.Reset(quietPeriod)
				continue
			}
			select {
			case out <- pending:
			case <-ctx.Done():
				return
			}
			pending = batch{}
			seen = map[string]bool{}
		}
	}
}

// emptyFileIn reports whether a batch of a save's size that has not
// waited yet contains an empty file. A save in place leaves the file
// empty between emptying and writing it.
func (w *watcher) emptyFileIn(b batch) bool {
	if b.waited || b.overflow || len(b.paths) > saveFiles {
		return false
	}
	for _, p := range b.paths {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Size() == 0 {
			return true
		}
	}
	return false
}

// relevant reports whether a change of path matters: a file of a
// watched tree or one of the watched single files, and not an editor's
// swap or backup file.
func (w *watcher) relevant(path string) bool {
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "."):
		return false
	case strings.HasSuffix(base, "~"), strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"),
		strings.HasSuffix(base, ".tmp"), base == "4913":
		// 4913 is the file vim creates to test whether it may write.
		return false
	}
	if w.files[path] {
		return true
	}
	for _, r := range w.roots {
		if path == r || strings.HasPrefix(path, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
