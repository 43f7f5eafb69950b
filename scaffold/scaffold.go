// Package scaffold writes new content files and sites with the right
// front matter and a skeleton that builds, for `verbund new`.
package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/generator"
)

// ServiceOptions describe a new service page.
type ServiceOptions struct {
	// Site is the ID of the site the page belongs to.
	Site string
	// Base is the ID of the base text the page extends; empty for a
	// standalone page.
	Base string
	// Title and Category are required for a standalone page.
	Title    string
	Category string
	// Today is the review date written; default the current day.
	Today time.Time
}

// NewService writes content/<site>/services/<slug>.md and returns its
// path. It never overwrites a file.
func NewService(cfg *federation.Config, opts ServiceOptions) (string, error) {
	site, ok := cfg.Site(opts.Site)
	if !ok {
		return "", fmt.Errorf("unknown site %q: use an id from sites.toml", opts.Site)
	}
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	title := strings.TrimSpace(opts.Title)
	if strings.ContainsFunc(title, unicode.IsControl) {
		return "", fmt.Errorf("invalid title %q: remove the control characters and line breaks", opts.Title)
	}
	var b bytes.Buffer
	b.WriteString("+++\n")
	slug := ""
	if opts.Base != "" {
		if err := checkBase(cfg, site, opts.Base); err != nil {
			return "", err
		}
		slug = opts.Base
		fmt.Fprintf(&b, "base = %s\n", tomlString(opts.Base))
		if title != "" {
			fmt.Fprintf(&b, "title = %s\n", tomlString(title))
		}
	} else {
		if title == "" || opts.Category == "" {
			return "", errors.New("a service without a base text needs a title and a category")
		}
		if _, ok := cfg.Category(opts.Category); !ok {
			return "", fmt.Errorf("unknown category %q: use an id of a [[category]] in sites.toml", opts.Category)
		}
		var err error
		if slug, err = titleSlug(title); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "title = %s\n", tomlString(title))
		b.WriteString("summary = \"\"\n")
		fmt.Fprintf(&b, "category = %s\n", tomlString(opts.Category))
		b.WriteString("tier = \"gemeinde\"\n")
		b.WriteString("keywords = []\n")
	}
	if site.Office != "" {
		fmt.Fprintf(&b, "office = %s\n", tomlString(site.Office))
	}
	fmt.Fprintf(&b, "reviewed = %s\n", today.Format(time.DateOnly))
	b.WriteString("+++\n")
	if opts.Base != "" {
		b.WriteString("\n## Hinweise\n\n")
	} else {
		b.WriteString("\n")
		for _, p := range generator.Parts {
			fmt.Fprintf(&b, "## %s\n\n", p.Title)
		}
	}
	path := filepath.Join(cfg.ContentDir, site.ID, "services", slug+".md")
	return path, writeNew(path, b.Bytes())
}

// writeNew creates path with data and its folders; it fails if the file
// exists.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists already; edit it or remove it first", path)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
