package generator

import (
	"html/template"
	"strings"
	"unsafe"

	"github.com/verbund/verbund/search"
)

// A packer copies the content that a build keeps until it ends into a
// few large blocks of memory.
//
// Decoding thousands of files in parallel, and rendering their pages,
// leaves the strings, slices and records that the build keeps scattered
// among the garbage of the decoder and the templates, a few to each span
// of the heap. Every collection then visits all of those spans to mark
// them, and in a heap of a gigabyte their bookkeeping no longer fits the
// processor's caches. Packed, the
// same content takes a fraction of the spans. In alternating builds on
// a 2-core machine, packing took about 14 % off the wall time at 100,000
// pages and about 3 % at 10,000 (docs/scaling.md).
//
// A block lives as long as anything that points into it, so only a
// build that keeps all of its content to the end, as one that renders
// once does, should pack. The strings of a block must not be changed.
type packer struct {
	text     []byte
	strings  []string
	forms    []Form
	hours    []Hours
	bases    []Base
	services []Service
	offices  []Office
	pages    []Page
	files    []outFile
	docs     []search.Page
}

// Sizes of the blocks, in bytes for text and in elements for lists and
// records.
const (
	packTextBlock   = 256 << 10
	packListBlock   = 4096
	packRecordBlock = 512
)

// take returns n zero elements from *block, starting a new block of size
// elements when it lacks room. A request for more than a quarter of a
// block gets memory of its own. The result has no room to append to in
// place.
func take[T any](block *[]T, n, size int) []T {
	if n == 0 {
		return []T{}
	}
	if n > size/4 {
		return make([]T, n)
	}
	if cap(*block)-len(*block) < n {
		*block = make([]T, 0, size)
	}
	start := len(*block)
	*block = (*block)[:start+n]
	return (*block)[start : start+n : start+n]
}

// str returns a copy of s in the packer's text.
func (p *packer) str(s string) string {
	if len(s) == 0 {
		return ""
	}
	c := take(&p.text, len(s), packTextBlock)
	copy(c, s)
	return unsafe.String(&c[0], len(s))
}

// join returns the concatenation of parts in the packer's text, or in
// memory of its own when p is nil.
func (p *packer) join(parts ...string) string {
	if p == nil {
		return strings.Join(parts, "")
	}
	n := 0
	for _, s := range parts {
		n += len(s)
	}
	if n == 0 {
		return ""
	}
	b := take(&p.text, n, packTextBlock)[:0]
	for _, s := range parts {
		b = append(b, s...)
	}
	return unsafe.String(&b[0], n)
}

// bytes returns a copy of b in the packer's text, with no room to
// append to it in place. It keeps nil and empty apart.
func (p *packer) bytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	c := take(&p.text, len(b), packTextBlock)
	copy(c, b)
	return c
}

// list returns a copy of list and its strings, with no room to append
// to it in place. It keeps nil and empty apart.
func (p *packer) list(list []string) []string {
	return packEach(&p.strings, list, packListBlock, p.str)
}

// slice returns a copy of list that shares its strings, or list itself
// when p is nil.
func (p *packer) slice(list []string) []string {
	if p == nil {
		return list
	}
	return packEach(&p.strings, list, packListBlock, func(s string) string { return s })
}

// formList returns a copy of forms, packed like list.
func (p *packer) formList(forms []Form) []Form {
	return packEach(&p.forms, forms, packListBlock/2, func(f Form) Form {
		return Form{Title: p.str(f.Title), URL: p.str(f.URL)}
	})
}

// hoursList returns a copy of hours, packed like list.
func (p *packer) hoursList(hours []Hours) []Hours {
	return packEach(&p.hours, hours, packListBlock/4, func(h Hours) Hours {
		return Hours{Days: p.list(h.Days), Opens: p.str(h.Opens), Closes: p.str(h.Closes)}
	})
}

// packEach returns a copy of list in *block, as take hands out memory,
// with pack applied to each element. It keeps nil and empty apart.
func packEach[T any](block *[]T, list []T, size int, pack func(T) T) []T {
	if list == nil {
		return nil
	}
	c := take(block, len(list), size)
	for i, v := range list {
		c[i] = pack(v)
	}
	return c
}

// packRecord returns a pointer to a copy of v in *block.
func packRecord[T any](block *[]T, v *T) *T {
	c := &take(block, 1, packRecordBlock)[0]
	*c = *v
	return c
}

// source packs the strings and bytes of s in place.
func (p *packer) source(s *source) {
	s.path = p.str(s.path)
	s.frontMatter = p.bytes(s.frontMatter)
	s.body = p.bytes(s.body)
	s.file = p.str(s.file)
}

// serviceMatter packs the strings and lists of m in place.
func (p *packer) serviceMatter(m *serviceMatter) {
	m.Title = p.str(m.Title)
	m.Summary = p.str(m.Summary)
	m.LeiKa = p.list(m.LeiKa)
	m.Category = p.str(m.Category)
	m.Tier = p.str(m.Tier)
	m.Keywords = p.list(m.Keywords)
	m.Office = p.str(m.Office)
	m.Online = p.str(m.Online)
	m.Appointment = p.str(m.Appointment)
	m.Forms = p.formList(m.Forms)
	m.Base = p.str(m.Base)
	m.Source = p.str(m.Source)
	m.Aliases = p.list(m.Aliases)
	m.Lang = p.str(m.Lang)
}

// base returns a packed copy of b.
func (p *packer) base(b *Base) *Base {
	c := packRecord(&p.bases, b)
	c.ID = p.str(c.ID)
	p.source(&c.src)
	p.serviceMatter(&c.serviceMatter)
	return c
}

// service returns a packed copy of s, which must not yet be linked to
// other content: its Base, Office and officeSrc are copied as they are.
func (p *packer) service(s *Service) *Service {
	c := packRecord(&p.services, s)
	c.Slug = p.str(c.Slug)
	c.URL = p.str(c.URL)
	p.source(&c.src)
	p.serviceMatter(&c.Matter)
	return c
}

// newService returns a new service record in the packer, or in memory
// of its own when p is nil.
func (p *packer) newService() *Service {
	if p == nil {
		return new(Service)
	}
	return &take(&p.services, 1, packRecordBlock)[0]
}

// office returns a packed copy of o, which must not yet list services.
func (p *packer) office(o *Office) *Office {
	c := packRecord(&p.offices, o)
	c.Slug = p.str(c.Slug)
	c.URL = p.str(c.URL)
	p.source(&c.src)
	m := &c.officeMatter
	m.Name = p.str(m.Name)
	m.Street = p.str(m.Street)
	m.PostalCode = p.str(m.PostalCode)
	m.City = p.str(m.City)
	m.Phone = p.str(m.Phone)
	m.Email = p.str(m.Email)
	m.Web = p.str(m.Web)
	m.Accessibility = p.str(m.Accessibility)
	m.Hours = p.hoursList(m.Hours)
	m.Source = p.str(m.Source)
	m.Aliases = p.list(m.Aliases)
	return c
}

// page returns a packed copy of pg.
func (p *packer) page(pg *Page) *Page {
	c := packRecord(&p.pages, pg)
	c.Slug = p.str(c.Slug)
	c.URL = p.str(c.URL)
	p.source(&c.src)
	m := &c.pageMatter
	m.Title = p.str(m.Title)
	m.Summary = p.str(m.Summary)
	m.Aliases = p.list(m.Aliases)
	m.Lang = p.str(m.Lang)
	return c
}

// output packs what j keeps of its output once it has written its files
// and indexed its pages: the records of its files, its search pages and
// the names of the files it refers to. The pages' text, if they keep it,
// stays where it is, and their other strings come from the content,
// which is packed already.
func (p *packer) output(j *job) {
	j.files = packEach(&p.files, j.files, packRecordBlock, func(f outFile) outFile {
		f.path = p.str(f.path)
		f.entry.Path = p.str(f.entry.Path)
		f.entry.SHA256 = p.str(f.entry.SHA256)
		return f
	})
	j.pages = packEach(&p.docs, j.pages, packRecordBlock, func(d search.Page) search.Page {
		d.URL = p.str(d.URL)
		return d
	})
	j.fileRefs = p.list(j.fileRefs)
}

// keep returns html packed when the build packs. It is for HTML that
// pages of several portals share until the build ends.
func (r *pageRenderer) keep(html template.HTML) template.HTML {
	if r.pack == nil {
		return html
	}
	r.packMu.Lock()
	defer r.packMu.Unlock()
	return template.HTML(r.pack.str(string(html)))
}
