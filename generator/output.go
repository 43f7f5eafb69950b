package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tdewolff/minify/v2"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/publish"
)

// output writes a build into a staging folder beside the final output
// folder and swaps it into place when the build succeeds, so a failed
// build leaves the previous output untouched. An update instead keeps
// what the jobs produce until the build has succeeded and then changes
// the final folder in place.
type output struct {
	final   string
	staging string
	min     *minify.M
	// dry discards every write, for checks.
	dry bool
	// inPlace keeps the data of every file for output.update.
	inPlace bool
}

// newOutput returns an output for the folder final. Because a build
// replaces the whole folder, the caller checks final with
// checkOutputFolder first.
func newOutput(final string, min *minify.M, dry bool) (*output, error) {
	final, err := filepath.Abs(final)
	if err != nil {
		return nil, fmt.Errorf("finding the output folder: %w", err)
	}
	if dry {
		return &output{final: final, min: min, dry: true}, nil
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating output folder: %w", err)
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(final)+"-build-")
	if err != nil {
		return nil, fmt.Errorf("creating staging folder: %w", err)
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, fmt.Errorf("creating staging folder: %w", err)
	}
	return &output{final: final, staging: staging, min: min}, nil
}

// checkOutputFolder returns an error if final contains a path of keep or
// lies inside a folder of keep, or if it contains files that no build
// wrote, which lack the folder of manifests that every build writes.
func checkOutputFolder(final string, keep []string) error {
	final, err := filepath.Abs(final)
	if err != nil {
		return fmt.Errorf("finding the output folder: %w", err)
	}
	for _, p := range keep {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("finding %s: %w", p, err)
		}
		if abs == final {
			return fmt.Errorf("output folder %s is a path the build reads, which it would delete: "+
				"choose a folder of its own for the output, such as public", final)
		}
		if inFolder(final, abs) {
			return fmt.Errorf("output folder %s contains %s, which the build would delete: "+
				"choose a folder of its own for the output, such as public", final, abs)
		}
		if info, err := os.Stat(abs); err == nil && info.IsDir() && inFolder(abs, final) {
			return fmt.Errorf("output folder %s lies inside %s, whose files the build reads: "+
				"choose a folder of its own for the output, such as public", final, abs)
		}
	}
	entries, err := os.ReadDir(final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("reading the output folder: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		if e.Name() == publish.ManifestDir && e.IsDir() {
			return nil
		}
	}
	return fmt.Errorf("output folder %s contains files but no %s folder, so no build wrote them. "+
		"The build would delete them: choose a new or empty folder, or delete this one first", final, publish.ManifestDir)
}

// inFolder reports whether path is dir or lies inside it.
func inFolder(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// writeHTML minifies a page and writes it as the file of a site's URL.
func (r *pageRenderer) writeHTML(j *job, site, url string, page []byte) {
	if r.out.dry {
		return
	}
	if r.theme.minified {
		// The templates were minified as the theme loaded, and what
		// they insert is minified or escaped text.
		r.out.emit(j, siteFilePath(site, url), tidyPage(page), &j.diags)
		return
	}
	min, err := minifyBytes(r.out.min, "text/html", page)
	if err != nil {
		j.diags.Errorf("themes", 0, 0, "minify", "", "minifying %s%s: %v", site, url, err)
		min = page
	}
	r.out.emit(j, siteFilePath(site, url), min, &j.diags)
}

// writeFile writes data as it is to the file of a site's URL.
func (r *pageRenderer) writeFile(j *job, site, url string, data []byte) {
	r.out.emit(j, siteFilePath(site, url), data, &j.diags)
}

// emit writes data to rel, a slash-separated path relative to the output
// folder, and records the file in j when j is not nil. In place, it only
// records the file, data included.
func (o *output) emit(j *job, rel string, data []byte, diags *diag.List) {
	if o.dry {
		return
	}
	f := outFile{path: rel, entry: hashEntry(data)}
	if o.inPlace {
		f.data = data
	} else if !o.write(filepath.Join(o.staging, filepath.FromSlash(rel)), data, diags) {
		return
	}
	if j != nil {
		j.files = append(j.files, f)
	}
}

func (o *output) write(path string, data []byte, diags *diag.List) bool {
	if err := o.mkdir(filepath.Dir(path)); err != nil {
		diags.Errorf(path, 0, 0, "write", "", "creating folder: %v", err)
		return false
	}
	if err := writeFile(path, data); err != nil {
		diags.Errorf(path, 0, 0, "write", "", "writing file: %v", err)
		return false
	}
	return true
}

// mkdir creates dir and its parents inside the staging folder. It tries
// dir alone first, one system call for a page in a new folder, and
// creates missing parents only when that fails.
func (o *output) mkdir(dir string) error {
	if dir == o.staging {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent == dir || !strings.HasPrefix(dir, o.staging+string(filepath.Separator)) {
		return fmt.Errorf("folder %s lies outside the staging folder %s", dir, o.staging)
	}
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrNotExist) {
		if err := o.mkdir(parent); err != nil {
			return err
		}
		err = os.Mkdir(dir, 0o755)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// commit swaps the staging folder into place. The previous output is
// renamed aside first and removed after the new one is in place.
//
// NOTE: between the two renames the output folder is briefly absent; a
// server reading it at that moment returns 404. Serve from a symlink that
// is replaced atomically when that matters.
func (o *output) commit() error {
	if o.dry || o.inPlace {
		return nil
	}
	old := ""
	if _, err := os.Stat(o.final); err == nil {
		old = o.staging + "-old"
		if err := os.Rename(o.final, old); err != nil {
			return fmt.Errorf("moving previous output aside: %w", err)
		}
	}
	if err := os.Rename(o.staging, o.final); err != nil {
		if old != "" {
			_ = os.Rename(old, o.final)
		}
		return fmt.Errorf("moving new output into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing previous output: %w", err)
		}
	}
	return nil
}

// abort removes the staging folder.
func (o *output) abort() {
	if o.dry || o.inPlace {
		return
	}
	_ = os.RemoveAll(o.staging)
}

// xmlEscape escapes text for XML content and attributes. Like
// encoding/xml's EscapeText, it writes U+FFFD for invalid UTF-8 and for
// every character that XML 1.0 forbids, so the output is well formed
// whatever the text.
func xmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if !isXMLChar(r) {
			r = utf8.RuneError
		}
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\r':
			// A parser reads a raw carriage return as a line feed.
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isXMLChar reports whether XML 1.0 allows r in a document (production
// Char of the XML 1.0 specification, section 2.2).
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		0x20 <= r && r <= 0xd7ff ||
		0xe000 <= r && r <= 0xfffd ||
		0x10000 <= r && r <= 0x10ffff
}
