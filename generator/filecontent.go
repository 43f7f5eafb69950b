package generator

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/verbund/verbund/diag"
)

// checkFileContent reports content data of the file name that is no
// file of type t.
func checkFileContent(name string, data []byte, t fileType, diags *diag.List) {
	if len(data) == 0 {
		diags.Errorf(name, 0, 0, "file-content", "save the file again, or delete it", "file is empty")
		return
	}
	if t.check == nil {
		checkSVG(name, data, diags)
		return
	}
	if problem := t.check(data); problem != "" {
		if bytes.HasPrefix(data, oleSignature) {
			diags.Errorf(name, 0, 0, "file-content",
				"open it and save it as "+t.name+" or as PDF",
				"content is no %s but a file of the older Office formats (.doc, .xls, .ppt) with a new extension", t.name)
			return
		}
		found := http.DetectContentType(data)
		diags.Errorf(name, 0, 0, "file-content",
			"give the file the extension of its type, or save it again as "+t.name,
			"content is no %s: %s (its first bytes read as %s)", t.name, problem, found)
	}
}

// oleSignature starts the compound files of Word, Excel and PowerPoint
// before 2007 (.doc, .xls, .ppt).
var oleSignature = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

// signature returns a check that data starts with one of prefixes.
func signature(prefixes ...string) func([]byte) string {
	return func(data []byte) string {
		for _, p := range prefixes {
			if bytes.HasPrefix(data, []byte(p)) {
				return ""
			}
		}
		return "the file lacks the signature of the format"
	}
}

// checkWebP checks the RIFF container of a WebP image.
func checkWebP(data []byte) string {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return "the file lacks the signature of the format"
	}
	return ""
}

// checkPDF checks for the header of a PDF file, which readers look for
// in the first 1,024 bytes.
func checkPDF(data []byte) string {
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return "the file lacks the header %PDF-"
	}
	return ""
}

// checkUTF8Text checks that data is UTF-8 text, as the content type of text
// files declares.
func checkUTF8Text(data []byte) string {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Sprintf("byte %d is NUL, which text does not contain", i+1)
	}
	if !utf8.Valid(data) {
		return "the text is not UTF-8; save it as UTF-8"
	}
	return ""
}

// zipWith returns a check for a ZIP archive, the container of
// OpenDocument and Office Open XML files, that contains the file entry.
// When content is not empty, the entry must contain it, as the file
// mimetype of an OpenDocument file contains its media type.
func zipWith(entry, content string) func([]byte) string {
	return func(data []byte) string {
		r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "the file is no ZIP archive, which files of this format are"
		}
		for _, f := range r.File {
			if f.Name != entry {
				continue
			}
			if content == "" {
				return ""
			}
			rc, err := f.Open()
			if err != nil {
				return fmt.Sprintf("reading %s of the archive: %v", entry, err)
			}
			defer rc.Close()
			var got bytes.Buffer
			if _, err := got.ReadFrom(io.LimitReader(rc, 256)); err != nil {
				return fmt.Sprintf("reading %s of the archive: %v", entry, err)
			}
			if strings.TrimSpace(got.String()) != content {
				return fmt.Sprintf("its %s names %q", entry, strings.TrimSpace(got.String()))
			}
			return ""
		}
		return "the archive lacks " + entry
	}
}
