// Package searchtest holds helpers for testing and measuring the search
// package: a reader for small federations written as txtar archives, a
// relevance runner over TOML query files, a generator of large synthetic
// federations, and a query load driver for benchmarks.
package searchtest

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/search"
)

// ReadCorpus reads a federation from a txtar archive (see ParseCorpus).
func ReadCorpus(file string) (*search.Corpus, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	c, err := ParseCorpus(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

// frontMatter is the TOML between the +++ lines of an archive file.
type frontMatter struct {
	Title    string   `toml:"title"`
	Summary  string   `toml:"summary"`
	Keywords []string `toml:"keywords"`
	Category string   `toml:"category"`
	Tier     string   `toml:"tier"`
	LeiKa    []string `toml:"leika"`
	Base     string   `toml:"base"`
	Kind     string   `toml:"kind"`
}

// federationFile is sites.toml of the archive.
type federationFile struct {
	Sites      []search.Site `toml:"site"`
	Categories []struct {
		ID    string `toml:"id"`
		Title string `toml:"title"`
	} `toml:"category"`
}

// ParseCorpus parses a federation written as a txtar archive:
//
//   - sites.toml has [[site]] tables (id, name, kind, url, parent) and
//     [[category]] tables (id, title);
//   - bases/<id>.md is a base text;
//   - <site>/<slug>.md is a service page of the site, published at
//     <site url>/leistungen/<slug>/; <site>/offices/<slug>.md and
//     <site>/pages/<slug>.md are offices and free pages.
//
// A .md file has TOML front matter between +++ lines and a plain-text
// body. A page that names a base text inherits every key it leaves out,
// and its keywords are added to the base text's.
func ParseCorpus(data []byte) (*search.Corpus, error) {
	archive := txtar.Parse(data)
	c := &search.Corpus{}
	var pages []*txtar.File
	for i := range archive.Files {
		f := &archive.Files[i]
		switch {
		case f.Name == "sites.toml":
			if err := parseSites(f.Data, c); err != nil {
				return nil, err
			}
		case strings.HasPrefix(f.Name, "bases/"):
			fm, body, err := parseMarkdown(f)
			if err != nil {
				return nil, err
			}
			c.Bases = append(c.Bases, search.Base{
				ID: strings.TrimSuffix(path.Base(f.Name), ".md"), Title: fm.Title,
				Summary: fm.Summary, Text: body, Keywords: fm.Keywords,
				Category: fm.Category, Tier: fm.Tier, LeiKa: fm.LeiKa,
			})
		default:
			pages = append(pages, f)
		}
	}
	for _, f := range pages {
		p, err := parsePage(f, c)
		if err != nil {
			return nil, err
		}
		c.Pages = append(c.Pages, p)
	}
	return c, nil
}

func parseSites(data []byte, c *search.Corpus) error {
	var sites federationFile
	md, err := toml.Decode(string(data), &sites)
	if err != nil {
		return fmt.Errorf("sites.toml: %w", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return fmt.Errorf("sites.toml: unknown key %s", undecoded[0])
	}
	c.Sites = sites.Sites
	for _, cat := range sites.Categories {
		c.Categories = append(c.Categories, search.Category{ID: cat.ID, Title: cat.Title})
	}
	return nil
}

func parsePage(f *txtar.File, c *search.Corpus) (search.Page, error) {
	fm, body, err := parseMarkdown(f)
	if err != nil {
		return search.Page{}, err
	}
	dir, file := path.Split(f.Name)
	siteID, folder, _ := strings.Cut(strings.TrimSuffix(dir, "/"), "/")
	slug := strings.TrimSuffix(file, ".md")
	i := slices.IndexFunc(c.Sites, func(s search.Site) bool { return s.ID == siteID })
	if i < 0 {
		return search.Page{}, fmt.Errorf("%s: unknown site %q", f.Name, siteID)
	}

	p := search.Page{
		Site: siteID, Kind: "service", Title: fm.Title, Summary: fm.Summary,
		Text: body, Keywords: fm.Keywords, Category: fm.Category, Tier: fm.Tier,
		LeiKa: fm.LeiKa, Base: fm.Base,
	}
	switch folder {
	case "":
		p.URL = c.Sites[i].URL + "/leistungen/" + slug + "/"
	case "offices":
		p.Kind, p.URL = "office", c.Sites[i].URL+"/behoerden/"+slug+"/"
	case "pages":
		p.Kind, p.URL = "page", c.Sites[i].URL+"/"+slug+"/"
	default:
		return search.Page{}, fmt.Errorf("%s: unknown folder %q", f.Name, folder)
	}

	if p.Base != "" {
		j := slices.IndexFunc(c.Bases, func(b search.Base) bool { return b.ID == p.Base })
		if j < 0 {
			return search.Page{}, fmt.Errorf("%s: unknown base text %q", f.Name, p.Base)
		}
		inherit(&p, c.Bases[j])
	}
	return p, nil
}

// inherit fills the keys that p leaves out from its base text b, the way
// the generator resolves a commune page.
func inherit(p *search.Page, b search.Base) {
	if p.Title == "" {
		p.Title = b.Title
	}
	if p.Summary == "" {
		p.Summary = b.Summary
	}
	if p.Category == "" {
		p.Category = b.Category
	}
	if p.Tier == "" {
		p.Tier = b.Tier
	}
	if len(p.LeiKa) == 0 {
		p.LeiKa = b.LeiKa
	}
	keywords := slices.Clone(b.Keywords)
	for _, k := range p.Keywords {
		if !slices.Contains(keywords, k) {
			keywords = append(keywords, k)
		}
	}
	p.Keywords = keywords
}

func parseMarkdown(f *txtar.File) (frontMatter, string, error) {
	var fm frontMatter
	rest, ok := bytes.CutPrefix(f.Data, []byte("+++\n"))
	if !ok {
		return fm, "", fmt.Errorf("%s: missing front matter", f.Name)
	}
	head, body, ok := bytes.Cut(rest, []byte("+++\n"))
	if !ok {
		return fm, "", fmt.Errorf("%s: front matter not closed with +++", f.Name)
	}
	md, err := toml.Decode(string(head), &fm)
	if err != nil {
		return fm, "", fmt.Errorf("%s: %w", f.Name, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return fm, "", fmt.Errorf("%s: unknown key %s", f.Name, undecoded[0])
	}
	return fm, strings.TrimSpace(string(body)), nil
}
