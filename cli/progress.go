package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 100 * time.Millisecond

// progress draws "pages done of total" on one line of a terminal and
// clears it when the build ends.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// newProgress returns a progress line on w, or nil when w is not a
// terminal, so that logs and CI output stay free of it.
func newProgress(w io.Writer) *progress {
	if !isTerminal(w) {
		return nil
	}
	return &progress{w: w}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// update draws done of total, at most every progressEvery and always
// for the last page.
func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	p.drawn = true
	fmt.Fprintf(p.w, "\rrendering pages: %d of %d\x1b[K", done, total)
}

// done clears the progress line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
