package search_test

import (
	"bytes"
	"context"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/searchtest"
)

// readIndexFiles returns the files of the index that Build or a Writer
// wrote into dir, by their path relative to dir.
func readIndexFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// compareIndexFiles reports each file that differs between two indexes
// or that only one of them has.
func compareIndexFiles(t *testing.T, a, b map[string][]byte) {
	t.Helper()
	if len(a) == 0 {
		t.Fatal("the first index has no files")
	}
	for name, data := range a {
		other, ok := b[name]
		switch {
		case !ok:
			t.Errorf("%s is missing from the second index", name)
		case !bytes.Equal(data, other):
			t.Errorf("%s differs between the two indexes", name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("%s is missing from the first index", name)
		}
	}
}

// positionGroups splits the pages of c into the pages of consecutive
// positions, with 0 to 3 pages each, as the jobs of a build have.
func positionGroups(c *search.Corpus) [][]search.Page {
	var groups [][]search.Page
	for i := 0; i < len(c.Pages); {
		n := min(len(groups)%4, len(c.Pages)-i)
		groups = append(groups, c.Pages[i:i+n])
		i += n
	}
	return groups
}

// writeIndex builds the index of c with a Writer of two partitions and
// small ranges, adding the positions in the given order from the given
// number of goroutines, and returns the index's files.
func writeIndex(t *testing.T, c *search.Corpus, order []int, workers int) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	w, err := search.NewWriterWithRanges(dir, c.Bases, 2, 80)
	if err != nil {
		t.Fatal(err)
	}
	groups := positionGroups(c)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := w.Add(i, groups[i]...); err != nil {
					t.Errorf("adding position %d: %v", i, err)
				}
			}
		})
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := w.Close(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return readIndexFiles(t, filepath.Join(dir, "index"))
}

func TestWriterIndependentOfOrder(t *testing.T) {
	c := searchtest.Synthetic(searchtest.SyntheticConfig{Sites: 4, Pages: 600, Seed: 3})
	n := len(positionGroups(c))
	inOrder := make([]int, n)
	for i := range inOrder {
		inOrder[i] = i
	}
	shuffled := slices.Clone(inOrder)
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	reversed := slices.Clone(inOrder)
	slices.Reverse(reversed)

	first := writeIndex(t, c, inOrder, 1)
	segments := 0
	for name := range first {
		if strings.HasSuffix(name, ".zap") {
			segments++
		}
	}
	if segments != 2 {
		t.Errorf("index has %d segment files, want one in each of the 2 partitions", segments)
	}
	t.Run("shuffled", func(t *testing.T) {
		compareIndexFiles(t, first, writeIndex(t, c, shuffled, 4))
	})
	t.Run("reversed", func(t *testing.T) {
		compareIndexFiles(t, first, writeIndex(t, c, reversed, 3))
	})
}

func TestBuildIndependentOfRun(t *testing.T) {
	c := readTestCorpus(t)
	first, second := t.TempDir(), t.TempDir()
	for _, dir := range []string{first, second} {
		if err := search.Build(context.Background(), dir, c); err != nil {
			t.Fatal(err)
		}
	}
	compareIndexFiles(t, readIndexFiles(t, first), readIndexFiles(t, second))
}

// indexEntries returns the names in dir other than the index folder,
// where a Writer keeps its temporary folder.
func indexEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriterFailureKeepsIndex(t *testing.T) {
	c := readTestCorpus(t)
	dir := t.TempDir()
	if err := search.Build(context.Background(), dir, c); err != nil {
		t.Fatal(err)
	}
	before := readIndexFiles(t, filepath.Join(dir, "index"))

	t.Run("duplicate position", func(t *testing.T) {
		w, err := search.NewWriter(dir, c.Bases, len(c.Pages))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(0, c.Pages[0]); err != nil {
			t.Fatal(err)
		}
		if err := w.Add(0, c.Pages[1]); err == nil {
			t.Error("Add took position 0 twice")
		}
		if err := w.Add(1, c.Pages[1]); err == nil {
			t.Error("Add took a page after an error")
		}
		if err := w.Close(context.Background(), c); err == nil {
			t.Error("Close succeeded after an error of Add")
		}
		checkIndexKept(t, dir, before, "Close failed")
	})

	t.Run("abort", func(t *testing.T) {
		w, err := search.NewWriter(dir, c.Bases, len(c.Pages))
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range c.Pages {
			if err := w.Add(i, p); err != nil {
				t.Fatal(err)
			}
		}
		w.Abort()
		if err := w.Add(len(c.Pages), c.Pages[0]); err == nil {
			t.Error("Add took a page after Abort")
		}
		checkIndexKept(t, dir, before, "Abort")
	})

	t.Run("invalid position", func(t *testing.T) {
		w, err := search.NewWriter(dir, c.Bases, len(c.Pages))
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		if err := w.Add(-1, c.Pages[0]); err == nil {
			t.Error("Add took position -1")
		}
	})
}

// checkIndexKept checks that dir holds the index with the files before,
// and nothing else, after event.
func checkIndexKept(t *testing.T, dir string, before map[string][]byte, event string) {
	t.Helper()
	compareIndexFiles(t, before, readIndexFiles(t, filepath.Join(dir, "index")))
	if names := indexEntries(t, dir); !slices.Equal(names, []string{"index"}) {
		t.Errorf("folder has %v after %s, want the index alone", names, event)
	}
}
