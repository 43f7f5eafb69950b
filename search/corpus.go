package search

import (
	"errors"
	"fmt"
	"slices"
)

// Corpus is the parsed content of a federation, as the index builder needs
// it.
type Corpus struct {
	// Sites are the portals of the federation.
	Sites []Site
	// Categories are the shared navigation's categories.
	Categories []Category
	// Bases are the base texts shared by the federation.
	Bases []Base
	// Pages are the published pages of every portal.
	Pages []Page
	// Only, when set, names the portals whose pages Pages holds: the
	// corpus is a part of the federation's, built by a build of these
	// portals, and searched together with the other parts.
	Only []string
	// Offers are, in a part, the pages of the other portals that extend
	// a base text, with Site, URL and Base set. A base text's document
	// lists them too, so that it names every portal that offers the
	// service, as in the index of the whole federation.
	Offers []Page
}

// Site is one portal of the federation.
type Site struct {
	// ID is the site's identifier from sites.toml.
	ID string
	// Name is the administration's short name, such as "Lingen (Ems)".
	Name string
	// URL is the portal's public base URL; its origin may call the search
	// API from a browser.
	URL string
	// Kind is "kreis", "gemeinde" or "samtgemeinde".
	Kind string
	// Parent is the ID of the site one tier up, empty for the county.
	Parent string
}

// Category is a category of the shared navigation.
type Category struct {
	ID    string
	Title string
}

// Base is a base text that commune pages extend.
type Base struct {
	// ID is the base text's identifier, its file name without ".md".
	ID      string
	Title   string
	Summary string
	// Text is the plain text of all the base text's parts.
	Text     string
	Keywords []string
	Category string
	// Tier is "kreis" or "gemeinde": who delivers the service.
	Tier string
	// LeiKa are the service's LeiKa keys.
	LeiKa []string
}

// Page is a published page of a portal.
type Page struct {
	// Site is the ID of the page's portal.
	Site string
	// URL is the page's absolute public URL.
	URL string
	// Kind is "service", "office" or "page".
	Kind    string
	Title   string
	Summary string
	// Text is the plain text of the page's own parts: for a page with a
	// base text only the parts it adds or overrides, else all of them.
	Text     string
	Keywords []string
	Category string
	// Tier is "kreis" or "gemeinde" for a service page.
	Tier  string
	LeiKa []string
	// Base is the ID of the base text the page extends, empty for a page
	// without one.
	Base string
}

// validate reports every inconsistency of c that would make the index
// wrong: missing or duplicate IDs and URLs, and references to unknown
// sites, parents and base texts.
func (c *Corpus) validate() error {
	var errs []error
	sites := map[string]bool{}
	for i, s := range c.Sites {
		switch {
		case s.ID == "":
			errs = append(errs, fmt.Errorf("site %d: missing ID", i+1))
		case sites[s.ID]:
			errs = append(errs, fmt.Errorf("site %q: duplicate ID", s.ID))
		}
		sites[s.ID] = true
	}
	for _, s := range c.Sites {
		if s.Parent != "" && !sites[s.Parent] {
			errs = append(errs, fmt.Errorf("site %q: unknown parent %q", s.ID, s.Parent))
		}
	}
	if cycle := parentCycle(c.Sites); cycle != "" {
		errs = append(errs, fmt.Errorf("site %q: parents form a cycle", cycle))
	}
	bases := map[string]bool{}
	for i, b := range c.Bases {
		switch {
		case b.ID == "":
			errs = append(errs, fmt.Errorf("base text %d: missing ID", i+1))
		case bases[b.ID]:
			errs = append(errs, fmt.Errorf("base text %q: duplicate ID", b.ID))
		}
		bases[b.ID] = true
	}
	urls := map[string]bool{}
	for i, p := range c.Pages {
		switch {
		case p.URL == "":
			errs = append(errs, fmt.Errorf("page %d of site %q: missing URL", i+1, p.Site))
		case urls[p.URL]:
			errs = append(errs, fmt.Errorf("page %s: duplicate URL", p.URL))
		}
		urls[p.URL] = true
		if !sites[p.Site] {
			errs = append(errs, fmt.Errorf("page %s: unknown site %q", p.URL, p.Site))
		}
		if p.Base != "" && !bases[p.Base] {
			errs = append(errs, fmt.Errorf("page %s: unknown base text %q", p.URL, p.Base))
		}
	}
	return errors.Join(errs...)
}

// parentCycle returns the ID of a site whose chain of parents leads back
// to itself, or "".
func parentCycle(sites []Site) string {
	parent := map[string]string{}
	for _, s := range sites {
		parent[s.ID] = s.Parent
	}
	for _, s := range sites {
		seen := []string{s.ID}
		for p := parent[s.ID]; p != ""; p = parent[p] {
			if slices.Contains(seen, p) {
				return s.ID
			}
			seen = append(seen, p)
		}
	}
	return ""
}
