package cli

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSearchStartErrors starts the search endpoint in ways an operator
// gets wrong and checks that it reports what is wrong before it claims to
// listen.
func TestSearchStartErrors(t *testing.T) {
	out, busy := searchSetup(t)

	damaged := filepath.Join(t.TempDir(), "_search")
	if err := os.CopyFS(damaged, os.DirFS(filepath.Join(out, "_search"))); err != nil {
		t.Fatal(err)
	}
	// Every file of the index's first partition loses its content.
	part := filepath.Join(damaged, "index", "part-0")
	if err := filepath.WalkDir(part, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Truncate(p, 0)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, index, addr string
		want              string
	}{
		{"port in use", filepath.Join(out, "_search"), busy.Addr().String(), "starting the search endpoint"},
		{"address without port", filepath.Join(out, "_search"), "127.0.0.1", "missing port"},
		{"output folder given", out, "127.0.0.1:0", filepath.Join(out, "_search") + " does; give that folder"},
		{"damaged index", damaged, "127.0.0.1:0", "build the federation again, or copy the whole " + damaged + " folder again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "search", "-index", tt.index, "-addr", tt.addr)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("error output lacks %q:\n%s", tt.want, stderr)
			}
			if strings.Contains(stderr, "listening") {
				t.Errorf("the endpoint claims to listen:\n%s", stderr)
			}
		})
	}
}

// TestSearchMissingLayouts checks that the endpoint names the portals
// whose results page would show without their theme.
func TestSearchMissingLayouts(t *testing.T) {
	out, busy := searchSetup(t)

	index := filepath.Join(out, "_search")
	layouts, err := filepath.Glob(filepath.Join(index, "layouts", "*.html"))
	if err != nil || len(layouts) < 3 {
		t.Fatalf("layouts of the example: %q, %v", layouts, err)
	}
	// The endpoint fails on the busy port after it has checked the index,
	// so each run ends at once.
	start := func() string {
		_, _, stderr := run(t, "search", "-index", index, "-addr", busy.Addr().String())
		return stderr
	}
	if stderr := start(); strings.Contains(stderr, "layout") {
		t.Errorf("warns with every layout present:\n%s", stderr)
	}

	removed := make([]string, 2)
	for i, l := range layouts[1:3] {
		removed[i] = strings.TrimSuffix(filepath.Base(l), ".html")
		if err := os.Remove(l); err != nil {
			t.Fatal(err)
		}
	}
	stderr := start()
	_, named, _ := strings.Cut(stderr, " portals=")
	named, _, _ = strings.Cut(named, " ")
	got := strings.Split(named, ",")
	slices.Sort(got)
	if !strings.Contains(stderr, "some portals have no page layout") {
		t.Errorf("no warning about missing layouts:\n%s", stderr)
	}
	if !slices.Equal(got, removed) {
		t.Errorf("warning names %q, want %q:\n%s", got, removed, stderr)
	}

	for _, l := range layouts {
		os.Remove(l)
	}
	if stderr := start(); !strings.Contains(stderr, "the search index has no page layouts") {
		t.Errorf("no warning without any layout:\n%s", stderr)
	}
}

// searchSetup builds the example federation into a temporary folder and
// returns the folder and a listener on a port of 127.0.0.1, which makes
// the search endpoint fail to start after it has checked its index.
func searchSetup(t *testing.T) (out string, busy net.Listener) {
	t.Helper()
	out = filepath.Join(t.TempDir(), "public")
	if code, stderr := buildExample(t, out); code != 0 {
		t.Fatalf("build failed (%d): %s", code, stderr)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	return out, busy
}
