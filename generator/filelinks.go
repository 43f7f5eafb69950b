package generator

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
)

// refError is a broken link or image with the hint and diagnostic ID
// that its report gets in place of those of a broken link to a page.
type refError struct {
	id, message, hint string
}

func (e *refError) Error() string { return e.message }

// errorID returns the diagnostic ID of err: that of a *refError, else
// fallback.
func errorID(err error, fallback string) string {
	var re *refError
	if errors.As(err, &re) && re.id != "" {
		return re.id
	}
	return fallback
}

// errorHint returns the hint of err: that of a *refError, else fallback.
func errorHint(err error, fallback string) string {
	var re *refError
	if errors.As(err, &re) {
		return re.hint
	}
	return fallback
}

// isFileLink reports whether the root-relative path p names the files
// of a portal.
func isFileLink(p string) bool {
	return strings.HasPrefix(p, FilesPath)
}

// fileName returns the file name that the root-relative path p under
// FilesPath names, without query and fragment, or "" when p names no
// file, such as FilesPath itself or a path with a further folder.
func fileName(p string) string {
	p, _, _ = strings.Cut(p, "#")
	p, _, _ = strings.Cut(p, "?")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	name := strings.TrimPrefix(p, FilesPath)
	if name == p || name == "" || strings.Contains(name, "/") {
		return ""
	}
	return name
}

// filesHint returns the hint to put a missing file into the files folder
// of site s, or into the shared one when a page of s refers to it.
func (fc *federationContent) filesHint(s *Site, shared bool) string {
	folder := fc.contentName + "/" + s.ID + "/" + filesDir + "/"
	if shared {
		folder += " or " + fc.contentName + "/" + SharedDir + "/" + filesDir + "/"
	}
	return "put the file into " + folder + ", or correct the name"
}

// checkFile reports whether the root-relative path p under FilesPath
// names a file that portal target publishes, for a link or image on a
// page of portal from. A portal publishes the files of its own folder,
// and a shared file when its own pages refer to it, so a page of another
// portal cannot rely on the shared files of target.
func (fc *federationContent) checkFile(from, target *Site, p string, image bool) error {
	kind := "link"
	if image {
		kind = "image"
	}
	name := fileName(p)
	if name == "" {
		return &refError{id: "broken-link",
			message: fmt.Sprintf("broken %s %q: the path names no file", kind, p),
			hint:    "write " + FilesPath + "<name> with the name of a file of a files folder, which has no subfolders"}
	}
	if target.files[name] != nil {
		return nil
	}
	own := from == target
	if fc.shared[name] != nil {
		if own {
			return nil
		}
		return &refError{id: "broken-link",
			message: fmt.Sprintf("broken %s %q: %s is a shared file, which portal %q publishes only for its own pages",
				kind, p, name, target.ID),
			hint: fmt.Sprintf("write %s%s to refer to the copy on this portal", FilesPath, name)}
	}
	if fc.failed["file "+target.ID+"/"+name] || own && fc.failed["file "+SharedDir+"/"+name] {
		// The file's own error is reported.
		return nil
	}
	known := target.fileNames
	if own {
		known = append(append([]string(nil), known...), fc.sharedNames...)
	}
	return &refError{id: "broken-link",
		message: fmt.Sprintf("broken %s %q: portal %q has no file %s", kind, p, target.ID, name),
		hint:    fc.filesHint(target, own) + suggest.Hint(name, known)}
}

// checkPortalFile checks a web address u on a page of portal s that
// leads to the files of a portal of the federation. Other web addresses
// pass.
func (fc *federationContent) checkPortalFile(s *Site, u *url.URL) error {
	p := u.EscapedPath()
	if !isFileLink(p) {
		return nil
	}
	for _, other := range fc.portalsAt(u) {
		if err := fc.checkFile(s, other, p, false); err != nil {
			return err
		}
	}
	return nil
}

// resolveImage checks the source src of an image on a page of portal s
// and returns the URL to publish. The portals' Content-Security-Policy
// lets pages show images of their own portal and data: URLs only, so an
// image must be a file of the portal.
func (fc *federationContent) resolveImage(s *Site, src string) (string, error) {
	hint := "put the image into " + fc.contentName + "/" + s.ID + "/" + filesDir + "/, or into " +
		fc.contentName + "/" + SharedDir + "/" + filesDir + "/ for every portal, and write " + FilesPath + "<name>"
	switch {
	case src == "":
		return src, &refError{id: "broken-image", message: "image without a source",
			hint: "write the image's path: ![what it shows](" + FilesPath + "<name>)"}
	case strings.HasPrefix(src, "data:"):
		if !dataImage(src) {
			return src, &refError{id: "broken-image",
				message: "image source is a data: URL of a type that browsers do not show", hint: hint}
		}
		return src, nil
	case strings.HasPrefix(src, "//"):
		return src, externalImage(src, hint)
	case strings.HasPrefix(src, "/"):
		return src, fc.checkImageFile(s, src, hint)
	}
	u, err := url.Parse(src)
	if err != nil {
		return src, &refError{id: "broken-image", message: fmt.Sprintf("invalid image source %q: %v", src, err), hint: hint}
	}
	switch u.Scheme {
	case "http", "https":
		if atOrigin(s, u) {
			return src, &refError{id: "external-image",
				message: fmt.Sprintf("image %q names its own portal by the web address", src),
				hint: "write the path alone, such as " + u.EscapedPath() +
					", which works in the preview and after a change of the portal's address too"}
		}
		return src, externalImage(src, hint)
	case "":
		return src, &refError{id: "broken-image", message: fmt.Sprintf("relative image source %q", src),
			hint: "write the path from the portal's root: " + FilesPath + "<name>"}
	}
	other, ok := fc.byID[u.Scheme]
	if !ok {
		return src, &refError{id: "broken-image",
			message: fmt.Sprintf("image %q names no site and no known scheme", src), hint: hint}
	}
	path, err := sitePath(src, u)
	if err != nil {
		return src, err
	}
	if other != s {
		return src, &refError{id: "external-image",
			message: fmt.Sprintf("image %q comes from portal %q, and the Content-Security-Policy lets a page show images of its own portal only",
				src, other.ID),
			hint: hint}
	}
	return path, fc.checkImageFile(s, path, hint)
}

// checkImageFile checks that the root-relative path p names an image
// file that portal s publishes.
func (fc *federationContent) checkImageFile(s *Site, p, hint string) error {
	if !isFileLink(p) {
		return &refError{id: "broken-image",
			message: fmt.Sprintf("image %q is not a file of the portal, which publishes its files under %s", p, FilesPath),
			hint:    hint}
	}
	if err := fc.checkFile(s, s, p, true); err != nil {
		var re *refError
		if errors.As(err, &re) && re.id == "broken-link" {
			re.id = "broken-image"
		}
		return err
	}
	name := fileName(p)
	if t := fileTypes[fileExtension(name)]; !t.image {
		typeName := "file of an unknown type"
		if t.name != "" {
			typeName = t.name
		}
		return &refError{id: "broken-image",
			message: fmt.Sprintf("image %q is a %s, which browsers do not show as an image", p, typeName),
			hint:    "link it instead: [Antrag auf Wohngeld (PDF)](" + p + ")"}
	}
	return nil
}

// externalImage returns the error of an image from another host.
func externalImage(src, hint string) error {
	return &refError{id: "external-image",
		message: fmt.Sprintf("image %q comes from another host, which the portals' Content-Security-Policy (img-src 'self' data:) blocks", src),
		hint:    hint + "; publish only images you have the rights to"}
}

// dataImage reports whether the data: URL src is an image that browsers
// show and the HTML renderer keeps: PNG, GIF, JPEG or WebP.
func dataImage(src string) bool {
	lower := strings.ToLower(src)
	for _, t := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
		if strings.HasPrefix(lower, t) {
			return true
		}
	}
	return false
}

// referencedFile returns the name of the file of portal s that the
// reference dest on a page of s names, or "". Such a reference is a
// root-relative path under FilesPath, the same path after the site id of
// s, or a web address of s. The scheme and host may be in any case, as
// the link check accepts them.
func (fc *federationContent) referencedFile(s *Site, dest string) string {
	if strings.HasPrefix(dest, FilesPath) {
		return fileName(dest)
	}
	// The other forms have a scheme or a site id. Most links are paths
	// of pages, which this spares the parsing.
	if !strings.Contains(dest, ":") {
		return ""
	}
	u, err := url.Parse(dest)
	if err != nil {
		return ""
	}
	var p string
	switch u.Scheme {
	case "http", "https":
		if !atOrigin(s, u) {
			return ""
		}
		p = u.EscapedPath()
	case s.ID:
		if p, err = sitePath(dest, u); err != nil {
			return ""
		}
	default:
		return ""
	}
	return fileName(p)
}

// noteFile records in job j that its page of portal s refers to the
// file that dest names, if it names one, so the portal publishes the
// file when it is a shared one.
func (r *pageRenderer) noteFile(j *job, s *Site, dest string) {
	if name := r.fc.referencedFile(s, dest); name != "" {
		j.fileRefs = append(j.fileRefs, name)
	}
}

// atOrigin reports whether u, an absolute URL, is on the origin of
// portal s, both normalised as browsers send an origin.
func atOrigin(s *Site, u *url.URL) bool {
	if s.origin == "" {
		return false
	}
	o, err := federation.URLOrigin(u)
	return err == nil && o == s.origin
}
