package generator

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/search"
)

// job renders one page, or a set of a portal's pages and files. Its
// digest sums up the content it reads, and its probes record how the
// links it resolved came out. A later build that computes the same
// digest, and whose probes resolve the same, reuses the job's output
// instead of running it.
type job struct {
	key string
	// site is the portal whose output the job writes.
	site   string
	digest uint64
	// pageCount is the number of HTML pages the job renders.
	pageCount int
	// base is the base text that the service page of the job extends,
	// or empty.
	base string
	// late is set for a job that writes a file of a files folder. Such
	// a job runs after the others, because whether a portal publishes a
	// shared file depends on what its pages refer to (planFiles).
	late bool
	// target is the content the job renders. It holds no renderer, so a
	// later build that reuses the resolved content can run the job
	// again.
	target jobTarget

	// The job's output. fileRefs are the names of the files of the
	// portal that the job's pages refer to.
	diags    diag.List
	files    []outFile
	pages    []search.Page
	probes   []probe
	fileRefs []string
}

// A jobTarget names the content of a job: the pages or files of its kind
// on the portal s, or the one service, office, page or file that kind
// names.
type jobTarget struct {
	kind   jobKind
	s      *Site
	svc    *Service
	office *Office
	page   *Page
	file   string
}

// A jobKind is the kind of pages or files a job renders.
type jobKind uint8

const (
	jobStart        jobKind = iota // the start page
	jobLists                       // the lists of services
	jobRequired                    // the required pages
	jobSearchLayout                // the layout of the search results page
	jobSiteFiles                   // the portal's own files, such as _headers
	jobService
	jobOffice
	jobPage
	jobStaticFile // a file of a files folder
)

// sum returns the digest of the content the job reads, computed by r.
func (j *job) sum(r *pageRenderer) uint64 {
	t := &j.target
	switch t.kind {
	case jobStart:
		return r.startDigest(t.s)
	case jobLists:
		return r.listsDigest(t.s)
	case jobSiteFiles:
		return r.filesDigest(t.s)
	case jobService:
		return r.serviceDigest(t.svc)
	case jobOffice:
		return r.officeDigest(t.office)
	case jobPage:
		return r.pageDigest(t.page)
	case jobStaticFile:
		return r.staticFileDigest(t.s, t.file)
	}
	// The required pages and the search layout depend on sites.toml
	// and the theme alone, which a full build follows.
	return 0
}

// render runs the job with r.
func (j *job) render(r *pageRenderer) {
	t := &j.target
	switch t.kind {
	case jobStart:
		r.renderStart(t.s, j)
	case jobLists:
		r.renderLists(t.s, j)
	case jobRequired:
		r.renderRequired(t.s, j)
	case jobSearchLayout:
		r.renderSearchLayout(t.s, j)
	case jobSiteFiles:
		r.writeSiteFiles(t.s, j)
	case jobService:
		r.renderService(t.svc, j)
	case jobOffice:
		r.renderOffice(t.office, j)
	case jobPage:
		r.renderPage(t.page, j)
	case jobStaticFile:
		r.writeStaticFile(t.s, t.file, j)
	}
}

// reuse takes the output of old, the same job of an earlier build.
func (j *job) reuse(old *job) {
	j.diags, j.files, j.pages, j.probes = old.diags, old.files, old.pages, old.probes
	j.fileRefs = old.fileRefs
}

// again returns a new job that renders what j renders, with its digest
// computed by r.
func (j *job) again(r *pageRenderer) *job {
	return &job{key: j.key, site: j.site, pageCount: j.pageCount, base: j.base, late: j.late,
		target: j.target, digest: j.sum(r)}
}

// jobList contains the jobs of a build in the order they run, which is
// the same in every build of the same content, and two indexes into it.
// A build that changes no job's key shares the indexes of the previous
// build's list, so they must not change after the list is made.
type jobList struct {
	jobs []*job
	// byKey are the positions of the jobs by key.
	byKey map[string]int
	// readers are, by the source path of a content file, the positions of
	// the jobs whose digest includes the file's hash. The digest of a
	// service page includes its own file, its base text and its office.
	// The digests of other pages include their own file only.
	readers map[string][]int
}

// find returns the job with key, or nil.
func (l *jobList) find(key string) *job {
	if l == nil {
		return nil
	}
	if i, ok := l.byKey[key]; ok {
		return l.jobs[i]
	}
	return nil
}

// plan is the work of a build.
type plan struct {
	// list contains every job of the build, and todo the jobs to run.
	list *jobList
	todo []*job
	// dropped are the jobs of the previous build whose key the build no
	// longer has.
	dropped []*job
}

// reusable reports whether old, the same job of the previous build, can
// replace j. When sameLinks is set, every link resolves as before,
// because the pages, base texts and offers links depend on are the same.
// Otherwise every link that old resolved is resolved again.
func (r *pageRenderer) reusable(j, old *job, sameLinks bool) bool {
	if old == nil || old.digest != j.digest {
		return false
	}
	if sameLinks {
		return true
	}
	for _, p := range old.probes {
		if r.fc.resolveProbe(p) != p.result {
			return false
		}
	}
	return true
}

// planAll makes every job of the build anew and compares each with the
// same job of prev, the previous build's jobs, when there is one.
func (r *pageRenderer) planAll(prev *jobList, prevLinks uint64) *plan {
	list := r.jobs()
	if r.probes {
		r.links = r.linkDigest()
	}
	sameLinks := prev != nil && prevLinks == r.links
	p := &plan{list: list}
	for _, j := range list.jobs {
		if j.late {
			// planFiles plans it after the other jobs ran.
			continue
		}
		if old := prev.find(j.key); r.reusable(j, old, sameLinks) {
			j.reuse(old)
			continue
		}
		p.todo = append(p.todo, j)
	}
	if prev != nil {
		for _, old := range prev.jobs {
			if _, ok := list.byKey[old.key]; !ok {
				p.dropped = append(p.dropped, old)
			}
		}
	}
	return p
}

// planBodies plans an update after edits that changed the bodies of the
// files at paths and nothing else, so the build renders the resolved
// content of the previous build, whose jobs are prev. Such an edit
// leaves the front matter, URLs and lists of services the same, and with
// them every link and every digest but those that include the hash of
// an edited file. The plan therefore keeps prev's jobs and their indexes
// and computes the digests of the edited files' readers alone.
func (r *pageRenderer) planBodies(prev *jobList, prevLinks uint64, paths []string) *plan {
	r.links = prevLinks
	list := &jobList{jobs: make([]*job, len(prev.jobs)), byKey: prev.byKey, readers: prev.readers}
	copy(list.jobs, prev.jobs)
	p := &plan{list: list}
	for _, path := range paths {
		for _, i := range prev.readers[path] {
			old := prev.jobs[i]
			if list.jobs[i] != old {
				// Another edited file has the same reader.
				continue
			}
			j := old.again(r)
			if j.digest == old.digest {
				// The file was saved with the same content.
				continue
			}
			list.jobs[i] = j
			p.todo = append(p.todo, j)
		}
	}
	return p
}

// byBase returns jobs with the service pages of each base text moved up
// behind the first of them, and the other jobs in their places. A
// one-time build runs in this order, so it holds a parsed base text briefly.
func byBase(jobs []*job) []*job {
	groups := map[string][]*job{}
	for _, j := range jobs {
		if j.base != "" {
			groups[j.base] = append(groups[j.base], j)
		}
	}
	sorted := make([]*job, 0, len(jobs))
	for _, j := range jobs {
		switch group, ok := groups[j.base]; {
		case j.base == "":
			sorted = append(sorted, j)
		case ok:
			// The first job of the group brings the whole group.
			sorted = append(sorted, group...)
			delete(groups, j.base)
		}
	}
	return sorted
}

// run runs the jobs of a plan in parallel and returns the number of HTML
// pages and the number rendered.
func (r *pageRenderer) run(ctx context.Context, p *plan, progress func(done, total int),
	diags *diag.List) (int, int, error) {
	pages, rendered := 0, 0
	for _, j := range p.list.jobs {
		pages += j.pageCount
	}
	for _, j := range p.todo {
		rendered += j.pageCount
	}

	var (
		mu   sync.Mutex
		done atomic.Int64
	)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	// The jobs start in the order of p.todo, so the index writer, which
	// writes its documents in ranges of positions, holds only the ranges
	// of the jobs in progress.
	for i, j := range p.todo {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			j.render(r)
			if err := r.indexPages(i, j); err != nil {
				return err
			}
			if r.pack != nil {
				r.packMu.Lock()
				r.pack.output(j)
				r.packMu.Unlock()
			}
			if progress != nil && j.pageCount > 0 {
				n := done.Add(int64(j.pageCount))
				mu.Lock()
				progress(int(n), rendered)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, 0, err
	}
	for _, j := range p.list.jobs {
		// runFiles reports those of the late jobs.
		if !j.late {
			diags.Add(j.diags...)
		}
	}
	return pages, rendered, nil
}

// jobs returns the jobs of a build with their digests and indexes.
func (r *pageRenderer) jobs() *jobList {
	fc := r.fc
	list := &jobList{byKey: map[string]int{}, readers: map[string][]int{}}
	// The jobs and, in a build that packs, their keys go into blocks
	// of their own.
	var block []job
	var keys *packer
	if r.pack != nil {
		keys = &packer{}
	}
	add := func(key string, pages int, target jobTarget) *job {
		j := &take(&block, 1, packRecordBlock)[0]
		*j = job{key: key, site: target.s.ID, pageCount: pages, target: target}
		var reads []string
		if r.probes {
			r.reads = &reads
			j.digest = j.sum(r)
			r.reads = nil
		}
		i := len(list.jobs)
		for _, p := range reads {
			list.readers[p] = append(list.readers[p], i)
		}
		list.byKey[key] = i
		list.jobs = append(list.jobs, j)
		return j
	}
	for _, s := range r.builtSites() {
		add(s.ID+" start", 1, jobTarget{kind: jobStart, s: s})
		add(s.ID+" lists", len(fc.cfg.Categories)+2, jobTarget{kind: jobLists, s: s})
		add(s.ID+" required", len(requiredPages)+1, jobTarget{kind: jobRequired, s: s})
		add(s.ID+" search layout", 0, jobTarget{kind: jobSearchLayout, s: s})
		add(s.ID+" files", 0, jobTarget{kind: jobSiteFiles, s: s})
		for _, svc := range s.Services {
			j := add(keys.join(s.ID, " ", svc.URL), 1, jobTarget{kind: jobService, s: s, svc: svc})
			if svc.Base != nil {
				j.base = svc.Base.ID
			}
		}
		for _, o := range s.Offices {
			add(keys.join(s.ID, " ", o.URL), 1, jobTarget{kind: jobOffice, s: s, office: o})
		}
		for _, p := range s.Pages {
			add(keys.join(s.ID, " ", p.URL), 1, jobTarget{kind: jobPage, s: s, page: p})
		}
		// A job for each file the portal may publish: each of its own
		// files and each shared file. planFiles computes their digests.
		for _, name := range mergeNames(s.fileNames, fc.sharedNames) {
			key := s.ID + " " + FilesPath + name
			list.byKey[key] = len(list.jobs)
			list.jobs = append(list.jobs, &job{key: key, site: s.ID, late: true,
				target: jobTarget{kind: jobStaticFile, s: s, file: name}})
		}
	}
	return list
}
