package generator

import (
	"context"
	"hash/maphash"
	"path/filepath"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/verbund/verbund/diag"
)

// mergeNames returns the names of a and b, both sorted, sorted and
// without repeats.
func mergeNames(a, b []string) []string {
	names := append(slices.Clone(a), b...)
	slices.Sort(names)
	return slices.Compact(names)
}

// publishedFile returns the file that portal s publishes under name: its
// own file, or else the shared file when a page of s refers to it, or
// nil. r.needed must be set.
func (r *pageRenderer) publishedFile(s *Site, name string) *staticFile {
	if f := s.files[name]; f != nil {
		return f
	}
	if r.needed[s.ID][name] {
		return r.fc.shared[name]
	}
	return nil
}

// staticFileDigest sums up the file that portal s publishes under name:
// its folder and content, or nothing.
func (r *pageRenderer) staticFileDigest(s *Site, name string) uint64 {
	f := r.publishedFile(s, name)
	if f == nil {
		return newDigest().str("none").sum()
	}
	return newDigest().str(f.owner, f.path).num(f.hash).sum()
}

// writeStaticFile writes the file that portal s publishes under name, as
// the build read it.
func (r *pageRenderer) writeStaticFile(s *Site, name string, j *job) {
	f := r.publishedFile(s, name)
	if f == nil || r.out.dry {
		return
	}
	data, err := readFile(filepath.Join(r.contentDir, filepath.FromSlash(f.file)))
	if err != nil {
		j.diags.Errorf(f.path, 0, 0, "read", "", "reading the file failed: %v", err)
		return
	}
	if maphash.Bytes(contentSeed, data) != f.hash {
		j.diags.Errorf(f.path, 0, 0, "read", "build again", "the file changed during the build")
		return
	}
	r.out.emit(j, siteFilePath(s.ID, FilesPath+name), data, &j.diags)
}

// planFiles plans the jobs that write the portals' files, after the
// other jobs of p ran: it notes which shared files the pages of each
// portal refer to, computes the jobs' digests and returns the jobs that
// must run. The others take the output of the same job of prev. The
// jobs of prev that p's list still holds, as an update of bodies keeps
// them, are replaced with new ones.
func (r *pageRenderer) planFiles(p *plan, prev *jobList) []*job {
	r.needed = map[string]map[string]bool{}
	for _, j := range p.list.jobs {
		if j.late {
			continue
		}
		for _, name := range j.fileRefs {
			if r.needed[j.site] == nil {
				r.needed[j.site] = map[string]bool{}
			}
			r.needed[j.site][name] = true
		}
	}
	var todo []*job
	for i, old := range p.list.jobs {
		if !old.late {
			continue
		}
		j := &job{key: old.key, site: old.site, late: true, target: old.target}
		j.digest = j.sum(r)
		p.list.jobs[i] = j
		if prevJob := prev.find(j.key); r.probes && prevJob != nil && prevJob.digest == j.digest {
			j.reuse(prevJob)
			continue
		}
		todo = append(todo, j)
	}
	return todo
}

// runFiles runs the jobs that write files and reports what every job of
// p's list that writes files reported, also those that did not run.
func (r *pageRenderer) runFiles(ctx context.Context, p *plan, todo []*job, diags *diag.List) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range todo {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			j.render(r)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	p.todo = append(p.todo, todo...)
	for _, j := range p.list.jobs {
		if j.late {
			diags.Add(j.diags...)
		}
	}
	return nil
}

// warnUnusedShared warns about the shared files that no portal's pages
// refer to, which no portal publishes. Only a build of every portal has
// the references of all portals, so a --site build does not warn.
func (r *pageRenderer) warnUnusedShared(diags *diag.List) {
	if len(r.only) > 0 {
		return
	}
	for _, name := range r.fc.sharedNames {
		used := false
		for _, s := range r.fc.sites {
			if r.needed[s.ID][name] && s.files[name] == nil {
				used = true
				break
			}
		}
		if !used {
			f := r.fc.shared[name]
			diags.Warnf(f.path, 0, 0, "unused-file",
				"refer to it from a page, such as ["+name+"]("+FilesPath+name+"), or move it into the files folder of a site, "+
					"which publishes its files without a reference",
				"no portal publishes the shared file, because no page refers to it")
		}
	}
}
