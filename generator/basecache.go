package generator

import (
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"

	"github.com/verbund/verbund/diag"
)

// baseCache keeps the HTML of base text parts whose links are the same on
// every portal, so a base text offered by twenty portals is rendered
// once per part. Parts with leistung: or cross-portal links depend on
// the portal and are rendered each time.
type baseCache struct {
	mu    sync.Mutex
	parts map[baseKey]*cachedPart
}

type baseKey struct {
	base string
	// hash is the base text file's hash, so an edited base text is
	// rendered anew.
	hash uint64
	part string
}

type cachedPart struct {
	once sync.Once
	html template.HTML
	// links are the link destinations and image sources rendered,
	// checked again on each portal because a root-relative path may
	// exist on one portal only.
	links []reference
	// varies is set when the part must be rendered per portal.
	varies bool
	// section is the part's section of a service page, which the first
	// page that shows the part renders with the theme.
	section renderedOnce
}

// render returns the HTML of nodes, part part of base text b, for the
// portal whose links resolve does.
func (c *baseCache) render(m *markdown, b *Base, hash uint64, d *document, part string, nodes []ast.Node,
	resolve linkResolver, diags *diag.List) template.HTML {
	html, _ := c.renderShared(m, b, hash, d, part, nodes, resolve, diags)
	return html
}

// renderShared renders like render. It also returns the cached part when
// the HTML is the same on every portal, and nil when it was rendered for
// this portal.
func (c *baseCache) renderShared(m *markdown, b *Base, hash uint64, d *document, part string, nodes []ast.Node,
	resolve linkResolver, diags *diag.List) (template.HTML, *cachedPart) {
	c.mu.Lock()
	if c.parts == nil {
		c.parts = map[baseKey]*cachedPart{}
	}
	key := baseKey{b.ID, hash, part}
	cp := c.parts[key]
	if cp == nil {
		cp = &cachedPart{}
		c.parts[key] = cp
	}
	c.mu.Unlock()

	cp.once.Do(func() {
		cp.links, cp.varies = portalLinks(nodes, d.src.body)
		if !cp.varies {
			// Link errors are reported below, per portal.
			var ignored diag.List
			cp.html = m.renderNodes(d, nodes, nil, &ignored)
		}
	})
	if cp.varies {
		return m.renderNodes(d, nodes, resolve, diags), nil
	}
	for _, l := range cp.links {
		if _, err := resolve(l.dest, l.image); err != nil {
			// Render once more with the resolver, which reports the
			// error at the link's position.
			return m.renderNodes(d, nodes, resolve, diags), nil
		}
	}
	return cp.html, cp
}

// drop removes the parts of base text id with the given hash.
func (c *baseCache) drop(id string, hash uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.parts, baseKey{id, hash, "intro"})
	for _, p := range Parts {
		delete(c.parts, baseKey{id, hash, p.Key})
	}
}

// keep drops the parts of base texts that are not in bases with the same
// hash, so the cache holds the current versions only.
func (c *baseCache) keep(bases map[string]*parsedBase) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.parts {
		if b := bases[k.base]; b == nil || b.hash != k.hash {
			delete(c.parts, k)
		}
	}
}

// reference is a link destination or an image source.
type reference struct {
	dest  string
	image bool
}

// portalLinks returns the link destinations, image sources and web
// addresses of autolinks of nodes, parsed from src, and whether any of
// them resolves to a different URL on different portals.
func portalLinks(nodes []ast.Node, src []byte) (links []reference, varies bool) {
	for _, n := range nodes {
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.Link:
				dest := string(n.Destination)
				links = append(links, reference{dest: dest})
				if strings.HasPrefix(dest, "leistung:") || !strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "#") &&
					!strings.HasPrefix(dest, "http://") && !strings.HasPrefix(dest, "https://") &&
					!strings.HasPrefix(dest, "mailto:") && !strings.HasPrefix(dest, "tel:") {
					varies = true
				}
			case *ast.AutoLink:
				// A web address resolves to itself on every portal.
				if webAutoLink(n, src) {
					links = append(links, reference{dest: string(n.URL(src))})
				}
			case *ast.Image:
				// A root-relative source is the same on every portal. The
				// others are errors, which each portal reports, or
				// resolve per portal.
				dest := string(n.Destination)
				links = append(links, reference{dest: dest, image: true})
				if !strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") {
					varies = true
				}
			}
			return ast.WalkContinue, nil
		})
	}
	return links, varies
}
