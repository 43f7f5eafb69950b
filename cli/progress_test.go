package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestProgressOnlyOnTerminal(t *testing.T) {
	if newProgress(&bytes.Buffer{}) != nil {
		t.Error("progress drawn into a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if newProgress(f) != nil {
		t.Error("progress drawn into a regular file")
	}
}

func TestProgressDrawsAndClears(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b}
	p.update(1, 3)
	p.update(2, 3) // within progressEvery of the first: skipped
	p.update(3, 3) // the last page is always drawn
	p.done()
	got := b.String()
	for _, want := range []string{"rendering pages: 1 of 3", "rendering pages: 3 of 3", "\r\x1b[K"} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "2 of 3") {
		t.Errorf("output %q redraws within %v", got, progressEvery)
	}
}
