package generator

import (
	"fmt"
	"hash/maphash"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/verbund/verbund/diag"
)

// Files that a portal publishes as they are, such as photos and PDF
// forms: content/<site>/files/<name> on the portal of <site>, and
// content/_shared/files/<name> on every portal whose pages reference it,
// both at FilesPath+<name>.
const (
	// filesDir is the folder of a site's files, and of the shared ones
	// in SharedDir.
	filesDir = "files"
	// FilesPath is the URL path of a portal's files.
	FilesPath = "/dateien/"
	// maxFileSize is the largest file the build publishes, in bytes:
	// 25 MiB, the largest file that Cloudflare Pages serves
	// (developers.cloudflare.com/pages/platform/limits/).
	maxFileSize = 25 << 20
	// largeImageSize is the size in bytes above which an image gets a
	// warning. It is an estimate: a photo scaled to the width of a page,
	// about 1,600 pixels, takes a few hundred kilobytes as JPEG or WebP.
	largeImageSize = 1 << 20
	// filesCache is the Cache-Control of files. Their names stay the same
	// when their content changes, so browsers and CDNs ask again after a
	// day.
	filesCache = "public, max-age=86400"
	// svgPolicy is the Content-Security-Policy of SVG files: an SVG opened
	// directly runs no script, loads nothing and keeps its inline styles.
	svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
)

// fileType is a kind of file that portals publish, by extension.
type fileType struct {
	// contentType is the media type hosts send with the file.
	contentType string
	// name names the type in messages.
	name string
	// image is set for the types that browsers show in an img element.
	image bool
	// check returns why data is no file of the type, or "". SVG files
	// have a check of their own, checkSVG.
	check func(data []byte) string
}

// fileTypes are the types that portals publish, by lower-case extension.
var fileTypes = map[string]fileType{
	"png":  {"image/png", "PNG image", true, signature("\x89PNG\r\n\x1a\n")},
	"jpg":  {"image/jpeg", "JPEG image", true, signature("\xff\xd8\xff")},
	"jpeg": {"image/jpeg", "JPEG image", true, signature("\xff\xd8\xff")},
	"gif":  {"image/gif", "GIF image", true, signature("GIF87a", "GIF89a")},
	"webp": {"image/webp", "WebP image", true, checkWebP},
	"svg":  {"image/svg+xml", "SVG image", true, nil},
	"pdf":  {"application/pdf", "PDF document", false, checkPDF},
	"odt": {"application/vnd.oasis.opendocument.text", "OpenDocument text", false,
		zipWith("mimetype", "application/vnd.oasis.opendocument.text")},
	"ods": {"application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", false,
		zipWith("mimetype", "application/vnd.oasis.opendocument.spreadsheet")},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", false,
		zipWith("word/document.xml", "")},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook", false,
		zipWith("xl/workbook.xml", "")},
	"txt": {"text/plain; charset=utf-8", "text file", false, checkUTF8Text},
}

// fileTypeList names the extensions of fileTypes for messages.
const fileTypeList = "images (png, jpg, jpeg, webp, gif, svg) and documents (pdf, odt, ods, docx, xlsx, txt)"

// FileContentType returns the media type that hosts send with the file
// name, and false for a name whose extension portals do not publish.
func FileContentType(name string) (string, bool) {
	t, ok := fileTypes[fileExtension(name)]
	return t.contentType, ok
}

// FileContentSecurityPolicy returns the Content-Security-Policy of the
// published file name, or "" for a file that needs none. The _headers
// file of a portal gives SVG files this policy.
func FileContentSecurityPolicy(name string) string {
	if fileExtension(name) == "svg" {
		return svgPolicy
	}
	return ""
}

// fileExtension returns the lower-case extension of name without the dot.
func fileExtension(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// staticFile is a file of a files folder that passed every check.
type staticFile struct {
	// name is the file's name, which ends its URL.
	name string
	// owner is the ID of the site whose folder holds the file, or
	// SharedDir.
	owner string
	// path is the file's path for messages, and file its path under the
	// content folder as the file system spells it.
	path, file string
	// hash identifies the content, which the build reads again when it
	// writes the file.
	hash uint64
}

// isFilesPath reports whether rel, a path under the content folder, lies
// in a files folder: <site>/files/... or _shared/files/....
func isFilesPath(rel string) bool {
	_, rest, ok := strings.Cut(rel, "/")
	if !ok {
		return false
	}
	dir, _, ok := strings.Cut(rest, "/")
	return ok && dir == filesDir
}

// readStaticFile reads the file at path p of a files folder as it is,
// without the normalizing of Markdown files, and checks its content
// against its extension. It keeps the file's hash and what the check
// found, but not the content, which the build reads again when it
// writes the file, so a build holds few files in memory at once. A
// file larger than maxFileSize is not read: decodeStaticFile reports it
// by its size.
func readStaticFile(fsys fs.FS, p, prefix string) (rawFile, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return rawFile{}, err
	}
	f := rawFile{rel: norm.NFC.String(p), name: path.Join(prefix, p), file: p, size: info.Size()}
	if f.size > maxFileSize {
		// The hash changes with the size, so a later build reports the
		// current one.
		f.hash = maphash.String(contentSeed, "too large "+strconv.FormatInt(f.size, 10))
		return f, nil
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return rawFile{}, err
	}
	f.size = int64(len(data))
	f.hash = maphash.Bytes(contentSeed, data)
	if t, ok := fileTypes[fileExtension(p)]; ok {
		checkFileContent(f.name, data, t, &f.contentDiags)
	}
	return f, nil
}

// windowsFolderFiles are files that Windows writes into folders by
// itself, which the build skips.
var windowsFolderFiles = map[string]bool{"thumbs.db": true, "desktop.ini": true}

// decodeStaticFile checks the file f of a files folder: the folder, the
// name, the size and the content. It returns nil for a file that cannot
// be published.
func decodeStaticFile(f rawFile, siteIDs map[string]bool, diags *diag.List) *decoded {
	parts := strings.Split(f.rel, "/")
	site, name := parts[0], parts[len(parts)-1]
	if site != SharedDir && !siteIDs[site] {
		diags.Errorf(f.name, 0, 0, "unknown-site",
			"name the folder after a site id from sites.toml",
			"content folder %q belongs to no site", site)
		return nil
	}
	folder := path.Join(strings.TrimSuffix(f.name, f.file), site, filesDir)
	if len(parts) != 3 {
		diags.Errorf(f.name, 0, 0, "unknown-location",
			"move it into "+folder+"/: the folder has no subfolders, and each file's address is "+FilesPath+"<name>",
			"file in a subfolder of %s/", folder)
		return nil
	}

	if windowsFolderFiles[strings.ToLower(name)] {
		diags.Warnf(f.name, 0, 0, "unknown-file", "delete it, or keep it out of Git with .gitignore",
			"ignoring a file that Windows writes into folders")
		return nil
	}
	if problem, hint := fileNameProblem(name); problem != "" {
		diags.Errorf(f.name, 0, 0, "file-name", hint, "invalid file name %q: %s", name, problem)
		return nil
	}

	if f.size > maxFileSize {
		diags.Errorf(f.name, 0, 0, "file-size",
			"make it smaller, such as a scan at 150 dpi or a compressed PDF, or publish it elsewhere and link to it",
			"file of %s (%d bytes) is larger than the limit of %s (%d bytes)",
			formatSize(f.size), f.size, formatSize(maxFileSize), maxFileSize)
		return nil
	}
	if len(f.contentDiags) > 0 {
		diags.Add(f.contentDiags...)
		return nil
	}
	if fileTypes[fileExtension(name)].image && f.size > largeImageSize {
		diags.Warnf(f.name, 0, 0, "file-size",
			"scale it down to the width the page shows, about 1,600 pixels, and save photos as JPEG or WebP",
			"image of %s loads slowly on a mobile connection", formatSize(f.size))
	}

	return &decoded{kind: filesDir, site: site, name: f.name, file: &staticFile{
		name: name, owner: site, path: f.name, file: f.file, hash: f.hash,
	}}
}

// fileNameProblem returns why name cannot be the name of a published
// file and how to fix it, or "" for a good name: lower-case letters,
// digits, '-' and '_', starting with a letter or digit, and one
// extension of fileTypes.
func fileNameProblem(name string) (problem, hint string) {
	if name == "_headers" || name == "_redirects" {
		problem = fmt.Sprintf("the build writes each portal's %s itself, and a file of a files folder "+
			"is published under %s without taking its place", name, FilesPath)
		return problem, "delete it; aliases in a page's front matter give the redirects, and other headers are set at the host"
	}
	stem, ext, hasExt := strings.Cut(name, ".")
	better := suggestFileName(name)
	rename := fmt.Sprintf("rename it to %q", better)
	if better == "" {
		rename = "give it a name of lower-case letters, digits, - and _"
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Sprintf("character %q is not allowed, because the name is part of the file's address", r),
				rename + "; names use lower-case letters, digits, - and _ with one extension"
		}
	}
	// A name with two problems reports both, so that one rename fixes
	// it.
	badStart := stem == "" || stem[0] == '-' || stem[0] == '_'
	switch {
	case !hasExt && badStart:
		return "the name has no extension and does not start with a letter or digit",
			"start it with a letter or digit and add the extension of the file's type; portals publish " + fileTypeList
	case !hasExt:
		return "the name has no extension", "add the extension of the file's type; portals publish " + fileTypeList
	case strings.Contains(ext, "."):
		// The suggested name starts with a letter or digit too.
		problem := "the name has more than one dot"
		if badStart {
			problem += " and does not start with a letter or digit"
		}
		return problem, rename + "; a name has one dot, before its extension"
	}
	_, published := fileTypes[ext]
	switch {
	case !published && badStart:
		return fmt.Sprintf("files of type .%s are not published, and the name does not start with a letter or digit", ext),
			"portals publish " + fileTypeList + "; save the file in one of these formats, such as PDF, " +
				"under a name that starts with a letter or digit"
	case !published:
		return fmt.Sprintf("files of type .%s are not published", ext),
			"portals publish " + fileTypeList + "; save the file in one of these formats, such as PDF"
	case badStart:
		return "the name does not start with a letter or digit", rename
	}
	return "", ""
}

// suggestFileName returns a good name for the file name, or "" when
// name gives none: the stem as a slug, with dots inside it as hyphens,
// and the extension in lower case.
func suggestFileName(name string) string {
	ext := strings.ToLower(path.Ext(name))
	stem := Slugify(strings.TrimSuffix(name, path.Ext(name)))
	if stem == "" || ext == "" {
		return ""
	}
	return stem + ext
}

// formatSize returns a size in bytes for messages, in MiB or KiB.
func formatSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt((n+1023)>>10, 10) + " KiB"
}
