package generator

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/diag"
)

// contentFS is the content folder on disk. A symbolic link in it must
// lead to a regular file inside the project folder, the folder of
// sites.toml: anything else would publish a file that is not part of the
// repository, or one the build cannot read.
type contentFS struct {
	fs.FS
	// dir is the content folder and project the project folder.
	dir, project string
}

// newContentFS returns the content folder dir of the project folder
// project.
func newContentFS(dir, project string) contentFS {
	return contentFS{FS: newDirFS(dir), dir: dir, project: project}
}

// ReadFile returns the content of the file name, read the way the
// underlying file system reads it.
func (c contentFS) ReadFile(name string) ([]byte, error) {
	return fs.ReadFile(c.FS, name)
}

// linkChecker is a file system that can contain symbolic links which the
// build must not follow.
type linkChecker interface {
	// linkError returns nil when name is no symbolic link or one the
	// build may follow, and otherwise why the build does not follow it.
	linkError(name string) *linkProblem
}

// linkProblem is a symbolic link that the build does not follow.
type linkProblem struct {
	message, hint string
}

const symlinkHint = "a link in the content folder must lead to a Markdown file, or a file of a files folder, inside the project folder: "

func (c contentFS) linkError(name string) *linkProblem {
	abs := filepath.Join(c.dir, filepath.FromSlash(name))
	info, err := os.Lstat(abs)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return nil
	}

	target, err := os.Readlink(abs)
	if err != nil {
		return &linkProblem{fmt.Sprintf("unreadable symbolic link: %v", err), symlinkHint + "replace the link"}
	}

	info, err = os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &linkProblem{fmt.Sprintf("symbolic link to %q, which does not exist", target),
			symlinkHint + "remove the link or correct its target"}
	case err != nil:
		// A loop of links is the usual cause.
		return &linkProblem{fmt.Sprintf("symbolic link to %q cannot be followed: %v", target, unwrapPathError(err)),
			symlinkHint + "remove the link or correct its target"}
	}

	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return &linkProblem{fmt.Sprintf("symbolic link to %q cannot be followed: %v", target, err),
			symlinkHint + "remove the link or correct its target"}
	}

	resolved, _ = filepath.Abs(resolved)
	project, err := filepath.EvalSymlinks(c.project)
	if err != nil {
		project = c.project
	}
	project, _ = filepath.Abs(project)
	if rel, err := filepath.Rel(project, resolved); err != nil || rel == ".." ||
		strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return &linkProblem{fmt.Sprintf("symbolic link to %q, which lies outside the project folder", target),
			symlinkHint + "copy the file into the content folder in place of the link"}
	}

	switch {
	case info.IsDir():
		return &linkProblem{fmt.Sprintf("symbolic link to the folder %q", target),
			symlinkHint + "move the folder into the content folder, or link each file"}
	case !info.Mode().IsRegular():
		return &linkProblem{fmt.Sprintf("symbolic link to %q, which is no regular file", target),
			symlinkHint + "remove the link"}
	case !strings.EqualFold(filepath.Ext(resolved), filepath.Ext(name)):
		// A page linked to a file of another kind, such as .env, would
		// be read as content.
		return &linkProblem{fmt.Sprintf("symbolic link to %q, a file of another kind than the link's name says", target),
			symlinkHint + "link a file with the same extension as the link"}
	}
	return nil
}

// unwrapPathError returns the cause of a *fs.PathError, whose path the
// message already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkLink returns the link problem of the entry p of fsys, or nil.
func checkLink(fsys fs.FS, p string) *linkProblem {
	if c, ok := fsys.(linkChecker); ok {
		return c.linkError(p)
	}
	return nil
}

// linkFile returns the content file at path p that is the symbolic link
// lp, which decodeFile reports in place of decoding it.
func linkFile(p, prefix string, lp *linkProblem) rawFile {
	d := diag.Diagnostic{File: path.Join(prefix, p), Line: 1, Column: 1, ID: "symlink",
		Message: lp.message, Hint: lp.hint}
	return rawFile{
		rel:  norm.NFC.String(p),
		name: d.File,
		file: p,
		// The hash changes with the problem, so that a build that
		// reuses decoded files reports the current one.
		hash:    maphash.String(contentSeed, d.Error()),
		problem: &d,
	}
}
